import type { ServerToCustomerFrame } from '../protocol/index.js'

const TYPES: readonly unknown[] = ['welcome', 'reconnect-available', 'event', 'ack', 'pong', 'typing', 'error', 'queue', 'history']

/**
 * Parse a frame from the server. Anything that is not a JSON object with a known `type` is
 * dropped rather than trusted: a proxy or an older server must not break the page.
 */
export function parseIncoming(raw: string): ServerToCustomerFrame | undefined {
  try {
    // JSON gives no primitive a `type`: only an object with a known one passes.
    const value = JSON.parse(raw) as { type?: unknown } | null
    return TYPES.includes(value?.type) ? (value as ServerToCustomerFrame) : undefined
  } catch {
    return undefined
  }
}
