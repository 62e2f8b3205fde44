/**
 * What every socket shares: sending frames, refusing with an error frame, the size and rate checks.
 */
import WebSocket from 'ws'
import type { ErrorCode } from '../../protocol/codes.js'
import type { ErrorFrame, ServerToAgentFrame, ServerToCustomerFrame } from '../../protocol/frames.js'

/** Any frame the server sends. */
export type ServerFrame = ServerToCustomerFrame | ServerToAgentFrame
import type { Limits } from '../../protocol/limits.js'
import type { Metrics } from './metrics.js'
import { TokenBucket } from './rate-limit.js'

/** Base of customer and agent connections. */
export abstract class Connection<Out extends { type: string } = ServerFrame> {
  /**
   * Last sign of life on the socket: a frame, or a pong to our protocol-level ping. Only used to drop
   * dead sockets; customer presence is decided from application frames (R2), not from this.
   */
  lastAliveAt: number
  /** When the socket opened. */
  readonly openedAt: number
  /** A `hello` or `auth` arrived: the peer speaks the protocol (not merely holds a socket open). */
  greeted = false
  closed = false
  private readonly bucket: TokenBucket

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    protected readonly limits: Limits,
    protected readonly metrics: Metrics,
    protected readonly now: () => number,
  ) {
    this.lastAliveAt = now()
    this.openedAt = this.lastAliveAt
    ws.on('pong', () => (this.lastAliveAt = this.now()))
    this.bucket = new TokenBucket(limits.maxFramesPerSecond, limits.burstFrames, now)
  }

  /** Sends one frame if the socket is open. */
  send(frame: Out): void {
    if (this.ws.readyState !== WebSocket.OPEN) return
    this.ws.send(JSON.stringify(frame))
  }

  /** Sends an `error` frame; with `fatal`, closes the connection after it. */
  refuse(code: ErrorCode, message: string, options: { ref?: string; fatal?: boolean } = {}): void {
    this.metrics.refused(code)
    const frame: ErrorFrame = { type: 'error', code, message }
    if (options.ref !== undefined) frame.ref = options.ref
    if (options.fatal) frame.fatal = true
    // Both directions carry the same ErrorFrame.
    this.send(frame as unknown as Out)
    if (options.fatal) this.ws.close(1008, code)
  }

  /**
   * Size and rate checks before parsing. Returns the text, or undefined when refused. Binary
   * frames are not part of the protocol.
   */
  admit(data: WebSocket.RawData, isBinary: boolean): string | undefined {
    this.lastAliveAt = this.now()
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength
    if (size > this.limits.maxFrameBytes) {
      // Bounded by the socket's maxPayload, so reading it once to name the refused message is cheap.
      this.refuseParsed(decode(data), 'frame-too-large', `frame is ${size} bytes; the limit is ${this.limits.maxFrameBytes}`)
      return undefined
    }
    if (!this.bucket.take()) {
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

  /** Limits the frame parsers enforce. */
  get parseLimits(): { maxFrameBytes: number; maxTextLength: number } {
    return { maxFrameBytes: this.limits.maxFrameBytes, maxTextLength: this.limits.maxTextLength }
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
        const { clientId, type } = value as Record<string, unknown>
        if (typeof clientId === 'string' && clientId.length <= 128) ref = clientId
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
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8')
}
