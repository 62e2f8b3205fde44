/**
 * A random client id: `crypto.randomUUID` where there is one (secure contexts, Node 20), else
 * `crypto.getRandomValues`, else Math.random (old webviews on plain http).
 *
 * @example
 * ```ts
 * const entry = { clientId: newClientId(), text: 'Hello', at: Date.now() }
 * ```
 */
export function newClientId(): string {
  // Each call throws where the browser lacks it (or has no `crypto` at all): then the next way.
  try {
    return crypto.randomUUID()
  } catch {
    // Not a secure context.
  }
  let bytes = new Uint8Array(16)
  try {
    crypto.getRandomValues(bytes)
  } catch {
    bytes = bytes.map(() => Math.random() * 256)
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
