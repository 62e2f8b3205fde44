/**
 * The real parts of a chaos run: holdline servers on 127.0.0.1 (one, or several processes' worth over
 * one Redis store) that can be restarted (over Redis, which outlives them), agent tokens, and a TCP
 * proxy per participant so a fault hits one customer or agent alone.
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
  /**
   * Servers sharing the Redis store, as separate processes would (default 1). Participants are spread
   * over them; a restart is then a rolling one: the stopped server's participants move to the next
   * one (resuming there, across processes) and come back to its successor.
   */
  processes?: number
  /** R10 on: an ended chat can be reopened this long (the previous agent has it alone for 1 s). */
  reconnectWindowMs?: number
}

export interface World {
  /** A running server (any of them reads the same store). */
  readonly server: HoldlineServer
  /** The server's URL (behind no proxy): for HTTP reads. */
  readonly url: string
  /** Agent tokens, index by index. */
  agentToken(index: number): string
  /** A new proxy in front of the server, for one participant. */
  proxy(): Promise<Proxy>
  /**
   * Stop a server, stay down for `ms`, start a new one over the same store, behind the same proxies.
   * With one server the whole service is down meanwhile; with several, one at a time, in turn.
   */
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
    ...(settings.reconnectWindowMs ? { reconnectWindowMs: settings.reconnectWindowMs, affinityMs: 1_000 } : {}),
  })
  const count = settings.processes ?? 1
  if (count > 1 && !settings.store) throw new Error('several servers need a shared (Redis) store')
  const servers: HoldlineServer[] = []
  for (let k = 0; k < count; k++) servers.push(await createServer(options()))
  /** Each proxy with the index of the server it sends new connections to. */
  const proxies = new Map<Proxy, number>()
  let restarts = 0
  const point = (proxy: Proxy, k: number): void => {
    proxies.set(proxy, k)
    proxy.retarget((servers[k] as HoldlineServer).url)
  }

  return {
    get server() {
      return servers[0] as HoldlineServer
    },
    get url() {
      return (servers[0] as HoldlineServer).url
    },
    agentToken: (index) => `chaos-agent-${index}`,
    async proxy() {
      const k = proxies.size % count
      const proxy = await startProxy((servers[k] as HoldlineServer).url)
      proxies.set(proxy, k)
      return proxy
    },
    async restart(ms) {
      const k = restarts++ % count
      const moved = [...proxies].filter(([, at]) => at === k).map(([proxy]) => proxy)
      // With another server up, its participants go there before this one's sockets close.
      if (count > 1) for (const proxy of moved) point(proxy, (k + 1) % count)
      await (servers[k] as HoldlineServer).close()
      await new Promise((resolve) => setTimeout(resolve, ms))
      servers[k] = await createServer(options())
      for (const proxy of moved) point(proxy, k)
    },
    async close() {
      await Promise.all([...proxies.keys()].map((p) => p.close()))
      await Promise.all(servers.map((server) => server.close()))
    },
  }
}
