import type { Clock } from './clock.js'

/** Default time to wait for any frame after a ping before the socket counts as dead. */
export const DEFAULT_PONG_TIMEOUT_MS = 5_000

export interface HeartbeatOptions {
  clock: Clock
  /** Ping interval: the server's `welcome.heartbeatMs`. */
  intervalMs: number
  /** How long after a ping a silent socket is declared dead. */
  timeoutMs: number
  /** Send a `ping` frame. */
  ping(t: number): void
  /** The socket is dead (half-open): replace it. */
  dead(): void
}

/** Application heartbeat of one session (one socket, after `welcome`). */
export interface Heartbeat {
  /** Any frame arrived: the socket is alive. */
  heard(): void
  /** Check liveness now: ping unless a ping is already waiting, and judge an overdue one. */
  check(): void
  stop(): void
}

/**
 * Ping every `intervalMs`; when no frame at all arrives within `timeoutMs` of a ping, call `dead`.
 * Browsers keep a WebSocket OPEN when the network silently goes away, so this is what notices a
 * half-open socket. Detection bound while the page is visible: `intervalMs + timeoutMs` (15 s +
 * 5 s with the defaults). Hidden pages throttle timers and frozen pages stop them, so an overdue
 * ping is judged by elapsed time (`now()` deltas) at the next tick, not by a timer firing on time.
 *
 * @example
 * ```ts
 * const hb = startHeartbeat({ clock, intervalMs: 15_000, timeoutMs: 5_000,
 *   ping: (t) => send({ type: 'ping', t }), dead: () => transport.replace() })
 * socket.onmessage = () => hb.heard()
 * ```
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { clock, intervalMs, timeoutMs } = options
  let pingAt: number | undefined
  let stopped = false
  let cancelTick = (): void => {}
  let cancelDeadline = (): void => {}

  const die = (): void => {
    if (stopped) return
    stop()
    options.dead()
  }
  const check = (): void => {
    if (stopped) return
    const now = clock.now()
    if (pingAt !== undefined) {
      if (now - pingAt >= timeoutMs) die()
      return
    }
    pingAt = now
    options.ping(now)
    cancelDeadline = clock.setTimeout(check, timeoutMs)
  }
  const tick = (): void => {
    check()
    if (!stopped) cancelTick = clock.setTimeout(tick, intervalMs)
  }
  function stop(): void {
    stopped = true
    cancelTick()
    cancelDeadline()
  }
  cancelTick = clock.setTimeout(tick, intervalMs)
  return {
    heard() {
      pingAt = undefined
      cancelDeadline()
    },
    check,
    stop,
  }
}
