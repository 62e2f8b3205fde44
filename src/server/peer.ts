/**
 * The server's packages (`ws`, `prom-client`, `redis`, `jose`) are optional peer dependencies, so that a
 * browser-only install of holdline brings none of them. They are loaded when the server first needs
 * them, and a missing one is named in the error rather than surfacing as a bare module-not-found.
 */

/** The optional peers. */
export type PeerName = 'ws' | 'prom-client' | 'redis' | 'jose'

/** Thrown when an optional peer is needed but not installed. */
export class MissingPeerError extends Error {
  readonly code = 'peer-missing'
  constructor(readonly packageName: PeerName, purpose: string) {
    super(`holdline: ${purpose} needs the package "${packageName}", which is not installed: npm install ${packageName}`)
    this.name = 'MissingPeerError'
  }
}

/**
 * Loads a peer through `load` (an `import()` with a literal name, so bundlers see it).
 * @example const { WebSocketServer } = await loadPeer('ws', 'holdline/server', () => import('ws'))
 */
export async function loadPeer<T>(name: PeerName, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(message).includes(`'${name}'`)
    if (missing) throw new MissingPeerError(name, purpose)
    throw error
  }
}

/** The CommonJS module behind an `import()` (its `default`), or the ES module itself. */
export function cjsOf<T>(namespace: T | { default: T }): T {
  const d = (namespace as { default?: T }).default
  return d !== undefined && typeof d === 'object' ? d : (namespace as T)
}
