/**
 * The real parts of a chaos run: one holdline server on 127.0.0.1 that can be restarted on the
 * same port (over a Redis store, which outlives it), agent tokens, and a TCP proxy per participant so a
 * fault hits one customer or agent alone.
 */
import { createServer, type HoldlineServer, type ServerOptions } from '../../src/server/index.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { TEST_SERVER_DEFAULTS } from '../helpers/server.js'

export interface WorldSettings {
  graceMs: number
  heartbeatMs: number
  agentGraceMs: number
  agents: number
  agentCapacity: number
  /** A Redis URL, so that restarts keep the conversations; the server's own memory store without. */
  store?: string
}

export interface World {
  readonly server: HoldlineServer
  /** The server's URL (behind no proxy): for HTTP reads. */
  readonly url: string
  /** Agent tokens, index by index. */
  agentToken(index: number): string
  /** A new proxy in front of the server, for one participant. */
  proxy(): Promise<Proxy>
  /** Stop the server, stay down for `ms`, start a new one over the same store, behind the same proxies. */
  restart(ms: number): Promise<void>
  close(): Promise<void>
}

export async function startWorld(settings: WorldSettings): Promise<World> {
  const agentTokens: NonNullable<ServerOptions['agentTokens']> = {}
  for (let a = 0; a < settings.agents; a++) agentTokens[`chaos-agent-${a}`] = { id: `a${a}`, name: `Agent ${a}`, capacity: settings.agentCapacity }
  // A new port on each start: the old one may meanwhile be some other socket's ephemeral port.
  const options = (): ServerOptions => ({
    ...TEST_SERVER_DEFAULTS,
    port: 0,
    graceMs: settings.graceMs,
    heartbeatMs: settings.heartbeatMs,
    agentGraceMs: settings.agentGraceMs,
    agentTokens,
    ...(settings.store ? { store: settings.store } : {}),
  })
  let server = await createServer(options())
  const proxies: Proxy[] = []

  return {
    get server() {
      return server
    },
    get url() {
      return server.url
    },
    agentToken: (index) => `chaos-agent-${index}`,
    async proxy() {
      const proxy = await startProxy(server.url)
      proxies.push(proxy)
      return proxy
    },
    async restart(ms) {
      await server.close()
      await new Promise((resolve) => setTimeout(resolve, ms))
      server = await createServer(options())
      for (const proxy of proxies) proxy.retarget(server.url)
    },
    async close() {
      await Promise.all(proxies.map((p) => p.close()))
      await server.close()
    },
  }
}
