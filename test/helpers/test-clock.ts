import type { Clock } from '../../src/transport/clock.js'

/** A clock for pure-logic tests: time moves only when `advance` is called. */
export interface TestClock extends Clock {
  advance(ms: number): void
  /** Jump the time without running timers (a page that slept with its timers frozen). */
  jump(ms: number): void
  pending(): number
}

export function createTestClock(start = 1_000_000): TestClock {
  let now = start
  let nextId = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const due = (): [number, { at: number; fn: () => void }] | undefined =>
    [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0]
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++
      timers.set(id, { at: now + ms, fn })
      return () => void timers.delete(id)
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0]
        if (!next) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = target
    },
    jump(ms) {
      now += ms
      for (let entry = due(); entry; entry = due()) {
        timers.delete(entry[0])
        entry[1].fn()
      }
    },
    pending: () => timers.size,
  }
}
