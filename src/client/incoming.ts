import type { ServerToCustomerFrame } from '../protocol/index.js'

const TYPES = new Set(['welcome', 'reconnect-available', 'event', 'ack', 'pong', 'typing', 'error'])

/**
 * Parse a frame from the server. Anything that is not a JSON object with a known `type` is
 * dropped rather than trusted: a proxy or an older server must not break the page.
 */
export function parseIncoming(raw: string): ServerToCustomerFrame | undefined {
  try {
    const value: unknown = JSON.parse(raw)
    if (!value || typeof value !== 'object') return undefined
    const type = (value as { type?: unknown }).type
    return typeof type === 'string' && TYPES.has(type) ? (value as ServerToCustomerFrame) : undefined
  } catch {
    return undefined
  }
}
