/**
 * Starts a real holdline server for tests, on 127.0.0.1 and a free port, with short timings.
 *
 * Defaults (each can be overridden through `options`): graceMs 1500, heartbeatMs 500,
 * agentTokens { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 } }, adminTokens ['admin-token'].
 * Static files are served from the repository's examples/ and dist/ unless overridden.
 *
 * @example
 * const { url, close } = await startServer({ graceMs: 1_000 })
 * // url is 'http://127.0.0.1:PORT'; sockets at `${url.replace('http', 'ws')}/v1/customer`
 * await close()
 */
import { createServer, type HoldlineServer, type ServerOptions } from '../../src/server/index.js'

export interface StartedServer {
  server: HoldlineServer
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string
  /** Closes the server (idempotent). */
  close: () => Promise<void>
}

/** Test defaults; exported so tests can refer to them. */
export const TEST_SERVER_DEFAULTS: ServerOptions = {
  host: '127.0.0.1',
  port: 0,
  graceMs: 1_500,
  heartbeatMs: 500,
  agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 } },
  adminTokens: ['admin-token'],
}

export async function startServer(options: ServerOptions = {}): Promise<StartedServer> {
  const server = await createServer({ ...TEST_SERVER_DEFAULTS, ...options })
  return { server, url: server.url, close: () => server.close() }
}
