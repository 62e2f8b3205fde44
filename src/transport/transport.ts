import ReconnectingWebSocket from 'reconnecting-websocket'
import type { AgentFrame, CustomerFrame } from '../protocol/index.js'

/** A WebSocket class (the browser's, or `ws` in Node). */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => WebSocket

/** Backoff of the transport. Jitter is ours: per instance and per attempt. */
export interface BackoffOptions {
  /** First retry delay; each instance draws a value in [min, 2 * min). @default 500 */
  minDelayMs: number
  /** Largest retry delay. @default 10000 */
  maxDelayMs: number
  /** Growth per failed attempt. @default 1.5 */
  factor: number
  /** Give up on a handshake after this long (mobile handshakes can be slow). @default 10000 */
  connectionTimeoutMs: number
}

export interface TransportOptions extends BackoffOptions {
  /** The customer socket URL (`ws(s)://host/v1/customer`). */
  url: string
  WebSocket: WebSocketClass
  random?: () => number
  onOpen(): void
  onFrame(data: string): void
  onClose(info: { code: number; reason: string }): void
  /**
   * The browser would not open a socket to `url` at all: `new WebSocket` threw (a `ws://` URL from an
   * https page, a malformed URL). No retry can help; reconnecting-websocket would wait for good.
   */
  onRefused?(error: unknown): void
}

/** A socket, reconnecting with backoff, never trusted after a close. `F`: the frames it sends (customer or agent). */
export interface Transport<F = CustomerFrame | AgentFrame> {
  /** Connect if there is no live instance. */
  connect(): void
  /** Drop the current instance and connect a new one now, skipping backoff. */
  replace(): void
  /** Close cleanly and make no further attempt until `connect()` or `replace()`. */
  stop(code?: number, reason?: string): void
  /** Send a frame if the socket is open; false otherwise (nothing is queued here). */
  send(frame: F): boolean
  readonly open: boolean
}

const OPEN = 1

/**
 * The given class, watched. Every socket keeps an `error` listener: reconnecting-websocket removes its
 * own before it closes a handshake that timed out, and `ws` (Node) then emits an `error` that nobody
 * hears, which throws out of the event loop and would end an agent process. A constructor that throws
 * is reported: reconnecting-websocket only leaves an unhandled rejection and never tries again.
 */
function watched(Base: WebSocketClass, refused: (error: unknown) => void): WebSocketClass {
  return class extends Base {
    constructor(url: string, protocols?: string | string[]) {
      try {
        super(url, protocols)
      } catch (error) {
        refused(error)
        throw error
      }
      this.addEventListener('error', () => undefined)
    }
  }
}

/**
 * The customer socket on reconnecting-websocket 4.4.0, around its pitfalls: its own queue is off
 * (`maxEnqueuedMessages: 0`; the chat's outbox is flushed after `welcome`), the URL provider never
 * rejects, backoff is set explicitly with jitter of our own, and an instance is replaced rather
 * than reused after a close (its connect lock can stick and `reconnect()` then does nothing).
 * Listeners are detached from a replaced instance so its late events cannot reach the new session.
 *
 * @example
 * ```ts
 * const transport = createTransport({ url: 'wss://chat.example.com/v1/customer', WebSocket,
 *   minDelayMs: 500, maxDelayMs: 10_000, factor: 1.5, connectionTimeoutMs: 10_000,
 *   onOpen: () => transport.send(hello), onFrame: handle, onClose: () => {} })
 * transport.connect()
 * ```
 */
export function createTransport<F = CustomerFrame | AgentFrame>(options: TransportOptions): Transport<F> {
  const random = options.random ?? Math.random
  const WebSocket = watched(options.WebSocket, (error) => options.onRefused?.(error))
  let socket: ReconnectingWebSocket | undefined

  const create = (): void => {
    // Per-attempt jitter: retries of many clients after a server restart spread out.
    const instance: ReconnectingWebSocket = new ReconnectingWebSocket(
      () =>
        new Promise<string>((resolve) => {
          const retry = instance?.retryCount ?? 0
          if (retry === 0) resolve(options.url)
          else setTimeout(() => resolve(options.url), random() * options.minDelayMs)
        }),
      undefined,
      {
        WebSocket,
        maxEnqueuedMessages: 0,
        minReconnectionDelay: options.minDelayMs * (1 + random()),
        maxReconnectionDelay: options.maxDelayMs,
        reconnectionDelayGrowFactor: options.factor,
        connectionTimeout: options.connectionTimeoutMs,
        minUptime: 1_000,
        maxRetries: Infinity,
      },
    )
    // Handler properties rather than listeners: one of each, and detached by setting them to null.
    instance.onopen = () => options.onOpen()
    instance.onmessage = (event) => {
      if (typeof event.data === 'string') options.onFrame(event.data)
    }
    instance.onclose = ({ code, reason }) => options.onClose({ code, reason })
    socket = instance
  }

  const stop = (code = 1000, reason = 'client closing'): void => {
    const old = socket
    if (!old) return
    socket = undefined
    old.onopen = old.onmessage = old.onclose = null
    try {
      old.close(code, reason)
    } catch {
      // A socket that cannot close cleanly is abandoned; it has no listeners left.
    }
  }

  return {
    connect() {
      if (!socket) create()
    },
    replace() {
      stop(1000, 'replaced')
      create()
    },
    stop,
    send(frame) {
      if (!socket || socket.readyState !== OPEN) return false
      try {
        socket.send(JSON.stringify(frame))
        return true
      } catch {
        return false
      }
    },
    get open() {
      return socket?.readyState === OPEN
    },
  }
}
