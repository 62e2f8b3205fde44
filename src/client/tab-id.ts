import { newClientId } from '../transport/client-id.js'

/**
 * This tab's id: kept in sessionStorage so a reload is the same tab to the server, and different
 * in every other tab. Where sessionStorage is missing (Node) or throws, each client instance is
 * its own tab.
 *
 * @example
 * ```ts
 * const tabId = tabIdFor('support')
 * ```
 */
export function tabIdFor(widgetId: string): string {
  const key = `holdline:${widgetId}:tab`
  try {
    const store = globalThis.sessionStorage
    const existing = store.getItem(key)
    if (existing) return existing
    const id = newClientId()
    store.setItem(key, id)
    return id
  } catch {
    // No sessionStorage (Node), or one that throws (private modes, sandboxed frames): a per-instance id.
  }
  return newClientId()
}
