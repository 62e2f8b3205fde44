import { describe, expect, it } from 'vitest'
import { estimateWaitMs } from '../../../src/server/engine/queue-estimate.js'

describe('estimateWaitMs', () => {
  it.each([
    ['no accepts yet', 1, [], 0, undefined],
    ['one accept: no interval yet', 1, [1_000], 2_000, undefined],
    ['next in line, one accept a minute', 1, [0, 60_000, 120_000], 130_000, 60_000],
    ['third in line', 3, [0, 60_000, 120_000], 130_000, 180_000],
    ['accepts older than the hour do not count', 1, [0, 3_000_000, 3_600_000 + 60_000], 3_600_000 + 100_000, 660_000],
  ] as const)('%s', (_what, position, accepts, now, expected) => {
    expect(estimateWaitMs(position, accepts, now)).toBe(expected)
  })
})
