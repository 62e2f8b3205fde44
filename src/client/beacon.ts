import type { AwayBeacon } from '../protocol/index.js'

/**
 * Queue the away beacon (`POST /v1/away`). The body is a text/plain Blob of JSON: a simple request,
 * so no CORS preflight is needed, and the token travels in the body because beacons carry no
 * custom headers. Returns false when the browser could not queue it, which only means "maybe
 * leaving": nothing is ended on either side because of it.
 *
 * @example
 * ```ts
 * sendAwayBeacon('https://chat.example.com/v1/away', { conversationId, token, tabId })
 * ```
 */
export function sendAwayBeacon(url: string, body: AwayBeacon): boolean {
  try {
    return navigator.sendBeacon(url, new Blob([JSON.stringify(body)], { type: 'text/plain' }))
  } catch {
    // Also where there is no navigator or no sendBeacon (Node, old webviews).
    return false
  }
}
