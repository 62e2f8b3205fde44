/**
 * Time, injectable. Decisions compare `now()` deltas rather than trusting a timer to fire on time,
 * because hidden pages throttle timers and frozen pages stop them.
 */
export interface Clock {
  /** Milliseconds since the epoch on this device (may be wrong, but is assumed steady). */
  now(): number
  /** Run `fn` after `ms`; returns the function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void
}

/**
 * The real clock, with an optional time source (the `now` option of `createChat`).
 *
 * @example
 * ```ts
 * const clock = systemClock()
 * const cancel = clock.setTimeout(() => console.log(clock.now()), 1000)
 * ```
 */
export function systemClock(now: () => number = Date.now): Clock {
  return {
    now,
    setTimeout(fn, ms) {
      const id = globalThis.setTimeout(fn, ms)
      return () => globalThis.clearTimeout(id)
    },
  }
}
