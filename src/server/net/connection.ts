/**
 * What every socket shares: sending frames, refusing with an error frame, the size and rate checks.
 */
import type WebSocket from 'ws'
import type { ErrorCode } from '../../protocol/codes.js'
import type { ErrorFrame, ServerToAgentFrame, ServerToCustomerFrame } from '../../protocol/frames.js'
import type { Limits } from '../../protocol/limits.js'
import type { ParseResult } from '../../protocol/validate.js'
import { isStoreUnavailable } from '../store/unavailable.js'
import type { ServerContext } from './context.js'
import { refill, TOKEN } from './rate-limit.js'

/** Any frame the server sends. */
export type ServerFrame = ServerToCustomerFrame | ServerToAgentFrame

/** Which endpoint a connection came in on. */
export type Side = 'customer' | 'agent'

const IDLE: Promise<void> = Promise.resolve()

/**
 * Base of customer and agent connections. Tens of thousands of these sit idle at once, so a
 * connection holds plain fields only: the socket's listeners are shared (see endpoints.ts), the
 * server's parts are read through `ctx`, and nothing is allocated until a frame needs it.
 */
export abstract class Connection<Out extends { type: string } = ServerFrame, In extends { type: string } = { type: string }> {
  /** Which endpoint this connection came in on. */
  abstract readonly side: Side
  /**
   * Last sign of life on the socket: a frame, or a pong to our protocol-level ping. Only used to drop
   * dead sockets; customer presence is decided from application frames (R2), not from this.
   */
  lastAliveAt: number
  /** A `hello` or `auth` arrived: the peer speaks the protocol (not merely holds a socket open). */
  greeted = false
  closed = false
  /** Closes the socket if no `hello`/`auth` comes in time; cleared once one does, or on close. */
  private helloTimer: ReturnType<typeof setTimeout> | undefined = undefined
  /** Rate limit: milli-tokens left (one frame costs a TOKEN), and when they were last counted. */
  private tokens: number
  private countedAt: number
  /** Frames are handled one at a time, in arrival order; undefined when none is pending. */
  private queue: Promise<void> | undefined = undefined

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly ctx: ServerContext,
  ) {
    this.lastAliveAt = ctx.now()
    this.tokens = ctx.options.limits.burstFrames * TOKEN
    this.countedAt = this.lastAliveAt
  }

  /**
   * Starts the `limits.helloTimeoutMs` countdown. A timer of its own rather than a periodic sweep, so
   * the limit holds to the millisecond it says rather than to the sweep's period.
   */
  awaitHello(): void {
    this.helloTimer = setTimeout(() => {
      this.helloTimer = undefined
      if (!this.greeted && !this.closed) this.refuse('not-ready', 'no hello or auth in time', { fatal: true })
    }, this.limits.helloTimeoutMs)
    this.helloTimer.unref()
  }

  /** The peer spoke the protocol (`hello`/`auth`), or the socket closed: no countdown any more. */
  greet(): void {
    this.greeted = true
    this.stopHelloTimer()
  }

  stopHelloTimer(): void {
    if (this.helloTimer === undefined) return
    clearTimeout(this.helloTimer)
    this.helloTimer = undefined
  }

  protected get limits(): Limits {
    return this.ctx.options.limits
  }

  /** Runs `task` after every task queued before it. */
  protected serially(task: () => Promise<void>): void {
    const run: Promise<void> = (this.queue ?? IDLE).then(async () => {
      await task()
      // Drop the settled chain so an idle connection keeps no promise.
      if (this.queue === run) this.queue = undefined
    })
    this.queue = run
  }

  /** Settles once every task queued so far has run (close() waits for it: writes in flight finish). */
  drained(): Promise<void> {
    return this.queue ?? IDLE
  }

  /** Sends one frame if the socket is open. */
  send(frame: Out): void {
    // 1 is WebSocket.OPEN (ws is imported for its types only: an optional peer, loaded at start).
    if (this.ws.readyState !== 1) return
    this.ws.send(JSON.stringify(frame))
  }

  /** Sends an `error` frame; with `fatal`, closes the connection after it. */
  refuse(code: ErrorCode, message: string, options: { ref?: string; fatal?: boolean } = {}): void {
    this.ctx.metrics.refused(code)
    const frame: ErrorFrame = { type: 'error', code, message }
    if (options.ref !== undefined) frame.ref = options.ref
    if (options.fatal) frame.fatal = true
    // Both directions carry the same ErrorFrame.
    this.send(frame as unknown as Out)
    if (options.fatal) this.ws.close(1008, code)
  }

  /** Parses one frame of this endpoint. */
  protected abstract parse(text: string): ParseResult<In>

  /** Handles one parsed frame (one at a time, in arrival order). */
  protected abstract handle(frame: In): Promise<void>

  /** What an error frame about `frame` names, so the peer knows what was refused (a message by its client id). */
  protected abstract refOf(frame: In): string

  /** Entry point for one raw WebSocket message. */
  receive(data: WebSocket.RawData, isBinary: boolean): void {
    const text = this.admit(data, isBinary)
    if (text === undefined) return
    const parsed = this.parse(text)
    if (!parsed.ok) return this.refuseParsed(text, parsed.code, parsed.message)
    const at = performance.now()
    this.serially(() => this.handleSafely(parsed.frame).finally(() => this.ctx.metrics.handled(this.side, parsed.frame, at)))
  }

  private async handleSafely(frame: In): Promise<void> {
    if (this.ctx.closing) return this.refuse('server-closing', 'the server is shutting down')
    try {
      await this.handle(frame)
    } catch (error) {
      this.failed(error, frame.type, this.refOf(frame))
    }
  }

  /**
   * A frame's handling threw. The store out of reach is `store-unavailable`, which the SDKs retry;
   * anything else is a fault of the server's, `internal-error`, which a retry would only repeat. Both
   * are reported. A session that could not begin (`hello`, `auth`) is closed: the peer has nothing to
   * go on with.
   */
  failed(error: unknown, frameType: string, ref: string): void {
    this.ctx.events.emit('error', { error, context: `${this.side}:${frameType}` })
    const opening = frameType === 'hello' || frameType === 'auth'
    if (isStoreUnavailable(error)) return this.refuse('store-unavailable', 'the store could not be reached; nothing was applied, retry later', { ref })
    this.refuse('internal-error', 'the server failed on this frame; nothing was applied', { ref, fatal: opening })
  }

  /**
   * Size and rate checks before parsing. Returns the text, or undefined when refused. Binary
   * frames are not part of the protocol.
   */
  admit(data: WebSocket.RawData, isBinary: boolean): string | undefined {
    this.lastAliveAt = this.ctx.now()
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength
    if (size > this.limits.maxFrameBytes) {
      // Bounded by the socket's maxPayload, so reading it once to name the refused message is cheap.
      this.refuseParsed(decode(data), 'frame-too-large', `frame is ${size} bytes; the limit is ${this.limits.maxFrameBytes}`)
      return undefined
    }
    if (!this.takeToken()) {
      // Name the refused message (if it is one) so its sender retries it rather than waiting for an ack.
      this.refuseParsed(decode(data), 'rate-limited', `more than ${this.limits.maxFramesPerSecond} frames per second`)
      return undefined
    }
    if (isBinary) {
      this.refuse('bad-json', 'binary frames are not accepted')
      return undefined
    }
    return decode(data)
  }

  private takeToken(): boolean {
    const now = this.ctx.now()
    this.tokens = refill(this.tokens, now - this.countedAt, this.limits.maxFramesPerSecond, this.limits.burstFrames)
    this.countedAt = now
    if (this.tokens < TOKEN) return false
    this.tokens -= TOKEN
    return true
  }

  /** Limits the frame parsers enforce: the server's one limits object, so parsers can cache by it. */
  get parseLimits(): Limits {
    return this.limits
  }

  /**
   * Refuses a frame the parser rejected. The ref names the message (its `clientId`) when one can be
   * read, so the sender knows which message was refused.
   */
  refuseParsed(text: string, code: ErrorCode, message: string): void {
    let ref: string | undefined
    try {
      const value: unknown = JSON.parse(text)
      if (typeof value === 'object' && value !== null) {
        const { clientId, conversationId, type } = value as Record<string, unknown>
        if (typeof clientId === 'string' && clientId.length <= 128) ref = clientId
        // An agent action (a transfer with an over-long note) is named by its conversation, as its answer is.
        else if (typeof conversationId === 'string' && conversationId.length <= 128 && type !== 'message') ref = conversationId
        else if (typeof type === 'string' && type.length <= 64) ref = type
      }
    } catch {
      // Not JSON: nothing to name.
    }
    this.refuse(code, message, ref === undefined ? {} : { ref })
  }

  /** Checks a message text (R: non-empty, at most `maxTextLength`); refuses and returns false when bad. */
  checkText(text: string, ref: string): boolean {
    if (text.trim().length > 0 && text.length <= this.limits.maxTextLength) return true
    const why = text.length > this.limits.maxTextLength ? `longer than ${this.limits.maxTextLength} characters` : 'empty'
    this.refuse('text-too-long', `message text is ${why}`, { ref })
    return false
  }
}

function decode(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  // Buffer.from(aBuffer) would copy every frame first; an ArrayBuffer only needs a view.
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8')
}
