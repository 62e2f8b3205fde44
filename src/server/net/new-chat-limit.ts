/**
 * How many new conversations one address may start: a token bucket per address, in this process.
 * Resumes, reconnections and a `hello` repeated with the same `start` are not new conversations and
 * are never counted, so a customer coming back is not turned away by someone else's flood.
 */
import type { IncomingMessage } from 'node:http'
import { refill, TOKEN } from './rate-limit.js'

/** Addresses kept before the first sweep of full buckets (which are the same as no entry). */
const FIRST_SWEEP = 1_024

/**
 * @example
 * ```ts
 * const limit = new NewChatLimit({ perMinute: 10, burst: 20 })
 * if (!limit.take('203.0.113.7', Date.now())) refuse('rate-limited')
 * ```
 */
export class NewChatLimit {
  private readonly buckets = new Map<string, { milliTokens: number; at: number }>()
  private readonly perSecond: number
  private readonly burst: number
  private sweepAt = FIRST_SWEEP

  constructor({ perMinute, burst = perMinute }: { perMinute: number; burst?: number }) {
    this.perSecond = perMinute / 60
    this.burst = burst
  }

  /** Counts one new conversation for `address`; false when its bucket is empty (nothing is counted). */
  take(address: string, now: number): boolean {
    const bucket = this.buckets.get(address)
    const milliTokens = bucket ? refill(bucket.milliTokens, now - bucket.at, this.perSecond, this.burst) : this.burst * TOKEN
    if (milliTokens < TOKEN) return false
    this.buckets.set(address, { milliTokens: milliTokens - TOKEN, at: now })
    if (this.buckets.size >= this.sweepAt) this.sweep(now)
    return true
  }

  /** Addresses currently held (for tests and metrics). */
  get size(): number {
    return this.buckets.size
  }

  /** Forgets buckets that have refilled: memory follows the addresses active in the last minutes. */
  private sweep(now: number): void {
    for (const [address, { milliTokens, at }] of this.buckets) {
      if (refill(milliTokens, now - at, this.perSecond, this.burst) >= this.burst * TOKEN) this.buckets.delete(address)
    }
    // Amortised: the next sweep waits until the map has doubled again.
    this.sweepAt = Math.max(FIRST_SWEEP, this.buckets.size * 2)
  }
}

/**
 * The customer's address: the socket's peer, or behind a trusted proxy the last `X-Forwarded-For`
 * entry (the one that proxy appended; earlier entries are whatever the client chose to send).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined
  const last = (Array.isArray(forwarded) ? forwarded.at(-1) : forwarded)?.split(',').at(-1)?.trim()
  return last || req.socket.remoteAddress || 'unknown'
}
