/**
 * An estimate of the server's clock. Waiting times and wrap-up deadlines are server times; this
 * machine's clock may lag behind the server's. An item stamped later than local "now" proves the lag,
 * so the estimate moves forward by it (never backward: a late delivery only makes an item look older).
 */
export interface ServerClock {
  /** The server's time now, as far as this console can tell. */
  now(): number
  /** A server time just seen on something the server recorded a moment ago. */
  observe(serverTime: number): void
}

export function createServerClock(localNow: () => number = Date.now): ServerClock {
  let ahead = 0
  return {
    now: () => localNow() + ahead,
    observe(serverTime) {
      ahead = Math.max(ahead, serverTime - localNow())
    },
  }
}
