import { describe, expect, test } from 'vitest'
import { errorLogger } from '../../src/server/error-log.js'

describe('errorLogger', () => {
  test('one line per error; the same one repeated is written once per interval, with the count left out', () => {
    const lines: string[] = []
    let t = 0
    const log = errorLogger((line) => lines.push(line), { everyMs: 10_000, now: () => t })
    const outage = { error: new Error('connection lost'), context: 'customer:message' }
    log(outage)
    log(outage)
    log(outage)
    log({ error: 'not an Error', context: 'scheduler' })
    t = 10_000
    log(outage)
    log(outage)
    expect(lines).toEqual([
      'holdline error: customer:message: connection lost\n',
      'holdline error: scheduler: not an Error\n',
      'holdline error: customer:message: connection lost (and 2 more since)\n',
    ])
  })
})
