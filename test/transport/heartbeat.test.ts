import { describe, expect, it } from 'vitest'
import { startHeartbeat } from '../../src/transport/heartbeat.js'
import { createTestClock } from '../helpers/test-clock.js'

function setup() {
  const clock = createTestClock(0)
  const log: string[] = []
  const hb = startHeartbeat({
    clock,
    intervalMs: 15_000,
    timeoutMs: 5_000,
    ping: (t) => log.push(`ping@${t}`),
    dead: () => log.push(`dead@${clock.now()}`),
  })
  return { clock, log, hb }
}

describe('heartbeat', () => {
  it('pings every interval and stays alive while anything arrives', () => {
    const { clock, log, hb } = setup()
    for (let i = 0; i < 3; i++) {
      clock.advance(15_000)
      hb.heard()
    }
    expect(log).toEqual(['ping@15000', 'ping@30000', 'ping@45000'])
  })

  it('declares the socket dead when nothing arrives within the pong timeout (bound: interval + timeout)', () => {
    const { clock, log } = setup()
    clock.advance(19_999)
    expect(log).toEqual(['ping@15000'])
    clock.advance(1)
    expect(log).toEqual(['ping@15000', 'dead@20000'])
    clock.advance(60_000)
    expect(log).toHaveLength(2)
  })

  it('check() pings now; a second check while waiting does not ping again', () => {
    const { clock, log, hb } = setup()
    clock.advance(1_000)
    hb.check()
    hb.check()
    expect(log).toEqual(['ping@1000'])
    clock.advance(5_000)
    expect(log).toEqual(['ping@1000', 'dead@6000'])
  })

  it('notices a page that slept (timers frozen) and checks at once, judging by elapsed time', () => {
    const { clock, log, hb } = setup()
    clock.advance(15_000)
    hb.heard()
    // Frozen for 10 minutes: no timer ran; the next tick finds a huge gap.
    clock.jump(600_000)
    expect(log).toEqual(['ping@15000', 'ping@615000'])
    clock.advance(5_000)
    expect(log.at(-1)).toBe('dead@620000')
  })

  it('an overdue ping is judged by elapsed time even when its deadline timer fires late', () => {
    const { clock, log } = setup()
    clock.advance(15_000)
    clock.jump(60_000)
    expect(log).toContain('dead@75000')
  })

  it('stop() cancels everything', () => {
    const { clock, log, hb } = setup()
    hb.stop()
    clock.advance(100_000)
    expect(log).toEqual([])
    expect(clock.pending()).toBe(0)
  })
})
