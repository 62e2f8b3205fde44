/**
 * `createServer`: wires the store, the engine runner, the deadline scheduler and the network layer
 * on one http.Server.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createNanoEvents, type Unsubscribe } from 'nanoevents'
import { AUTOMATED_MESSAGES } from '../protocol/messages.js'
import type { ServerEvents } from './engine/events.js'
import { deadAfterMs } from './engine/presence.js'
import type { Deadline, EngineConfig } from './engine/types.js'
import type { ServerContext } from './net/context.js'
import { leaseTiming, sweepAgentLeases } from './net/agent-presence.js'
import { attachEndpoints, type Endpoints } from './net/endpoints.js'
import { handleHttp } from './net/http-routes.js'
import { Hub } from './net/hub.js'
import { Metrics } from './net/metrics.js'
import { NewChatLimit } from './net/new-chat-limit.js'
import { newConnectionId } from './net/tokens.js'
import { QueueNotifier } from './net/queue-notifier.js'
import { RoutingRunner } from './net/routing-runner.js'
import type { StaticMount } from './net/static-files.js'
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js'
import { DeadlineScheduler } from './scheduler.js'
import { ConversationService } from './service.js'
import { MemoryStore } from './store/memory-store.js'
import { createRedisStore } from './store/redis-store.js'
import type { Store } from './store/types.js'

/** A running server. */
export interface HoldlineServer {
  /** Base URL, `http://127.0.0.1:PORT` (the host it listens on, or 127.0.0.1 for all interfaces). */
  readonly url: string
  readonly port: number
  /** The store in use. */
  readonly store: Store
  /** Subscribe to operator events; returns an unsubscribe function. */
  on<K extends keyof ServerEvents>(event: K, listener: ServerEvents[K]): Unsubscribe
  /** Closes every socket (after a `server-closing` error frame) and stops listening. */
  close(): Promise<void>
}

function engineConfig(o: ResolvedOptions): EngineConfig {
  return {
    graceMs: o.graceMs,
    agentGraceMs: o.agentGraceMs,
    affinityMs: o.affinityMs,
    heartbeatMs: o.heartbeatMs,
    wrapUpAutoCloseMs: o.wrapUpAutoCloseMs,
    wrapUpCapacity: o.wrapUpCapacity,
    openAutoCloseMs: o.openAutoCloseMs,
    reconnectWindowMs: o.reconnectWindowMs,
    retainClosedMs: o.retainClosedMs,
    messages: { ...AUTOMATED_MESSAGES, ...o.messages },
  }
}

async function storeOf(o: ResolvedOptions): Promise<Store> {
  if (typeof o.store === 'object') return o.store
  if (o.store === 'memory') return new MemoryStore()
  return createRedisStore(o.store)
}

/** The package root: above dist/ (bundled, possibly in dist/chunks/) or above src/server/. */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const parts = here.split(sep)
  const dist = parts.lastIndexOf('dist')
  return dist > 0 ? parts.slice(0, dist).join(sep) : resolve(here, '..', '..')
}

function mountsOf(o: ResolvedOptions): StaticMount[] {
  const root = packageRoot()
  const mounts: StaticMount[] = []
  const dist = o.distRoot === undefined ? resolve(root, 'dist') : o.distRoot
  const examples = o.staticRoot === undefined ? resolve(root, 'examples') : o.staticRoot
  if (dist !== false) mounts.push({ prefix: '/dist/', root: dist })
  if (examples !== false) mounts.push({ prefix: '/', root: examples })
  return mounts
}

/** The server's parts, wired together but not yet listening. */
function assemble(o: ResolvedOptions, store: Store): { ctx: ServerContext; routing: RoutingRunner; scheduler: DeadlineScheduler; unsubscribe: () => void } {
  const events = createNanoEvents<ServerEvents>()
  const config = engineConfig(o)
  const now = (): number => o.clock.now()
  const service = new ConversationService(store, config, now, events)
  const hub = new Hub(config, now)
  const ctx: ServerContext = { options: o, config, store, service, hub, metrics: new Metrics(), events, now, processId: newConnectionId(), closing: false, newChats: o.newChatsPerAddress && new NewChatLimit(o.newChatsPerAddress) }
  const routing = new RoutingRunner(ctx)
  const queue = new QueueNotifier(ctx)
  hub.onRouting = () => {
    routing.request()
    queue.request()
  }
  hub.onCustomerAdded = () => queue.request()
  events.on('transition', (e) => {
    ctx.metrics.transition(e.reason)
    queue.transition(e)
  })
  const unsubscribe = store.subscribe((m) => hub.deliver(m))
  const scheduler = new DeadlineScheduler({
    store,
    now,
    pollMs: o.pollMs,
    fire: (d) => fire(ctx, d),
    onError: (error) => events.emit('error', { error, context: 'scheduler' }),
    // Every live customer pings within this (a connection silent longer counts as dead anyway).
    settleMs: deadAfterMs(config),
  })
  service.deadlinesChanged = (earliest) => scheduler.written(earliest)
  return { ctx, routing, scheduler, unsubscribe }
}

/**
 * Starts a holdline server.
 * @example
 * const server = await createServer({ port: 8080, agentTokens: { secret: { id: 'ana', name: 'Ana' } } })
 * server.on('transition', (e) => console.log(e.conversationId, e.to, e.reason))
 * await server.close()
 */
export async function createServer(options: ServerOptions = {}): Promise<HoldlineServer> {
  const o = resolveOptions(options)
  const { ctx, routing, scheduler, unsubscribe } = assemble(o, await storeOf(o))
  const mounts = mountsOf(o)
  const http = createHttpServer((req, res) => void handleHttp(ctx, mounts, req, res))
  const endpoints = attachEndpoints(ctx, http)
  const { wss, connections, refused, departed } = endpoints
  // Alive in the store before any agent connects here, so no other process takes its agents for dead.
  const lease = leaseTiming(o.heartbeatMs)
  await ctx.store.renewLease(ctx.processId, lease.ttlMs)
  await listen(http, o.port, o.host)
  scheduler.start()
  const sweep = setInterval(() => sweepDead(ctx, endpoints), Math.min(o.heartbeatMs, 5_000))
  sweep.unref()
  let leasing: Promise<void> | undefined
  // Every lease lapses while the store is unreachable for longer than a lease, and the others' owners
  // renew theirs within a round once it is back: judge them only a whole lease after our last failure,
  // or the agents of every other process would be taken for gone after each long outage.
  let failedAt = -Infinity
  const leases = setInterval(() => {
    leasing ??= sweepAgentLeases(ctx, lease.ttlMs, ctx.now() - failedAt >= lease.ttlMs)
      .catch((error: unknown) => {
        failedAt = ctx.now()
        ctx.events.emit('error', { error, context: 'agent-leases' })
      })
      .finally(() => (leasing = undefined))
  }, lease.everyMs)
  leases.unref()
  const port = (http.address() as AddressInfo).port
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
  const shutdown = async (): Promise<void> => {
    ctx.closing = true
    clearInterval(sweep)
    clearInterval(leases)
    await leasing
    scheduler.stop()
    for (const conn of connections.values()) conn.refuse('server-closing', 'the server is shutting down', { fatal: true })
    await routing.idle()
    for (const ws of [...connections.keys(), ...refused]) ws.terminate()
    wss.close()
    const httpClosed = new Promise<void>((r) => http.close(() => r()))
    // Browsers hold keep-alive connections open; waiting for them would make close() hang.
    http.closeAllConnections()
    await httpClosed
    // Record every departure before the store goes: the windows of a restart count from now, not
    // from when a later process notices the connections are dead.
    await departed()
    unsubscribe()
    // A store passed in belongs to the caller (it may be shared with other servers).
    if (typeof o.store !== 'object') await ctx.store.close()
  }
  let closed: Promise<void> | undefined
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store: ctx.store,
    on: (event, listener) => ctx.events.on(event, listener),
    close: () => (closed ??= shutdown()),
  }
}

/** A due deadline: run the time rules on its conversation (or remove it, once closed long enough). */
async function fire(ctx: ServerContext, deadline: Deadline): Promise<void> {
  if (deadline.kind === 'purge') return void (await ctx.store.removeClosed(deadline.conversationId))
  await ctx.service.run(deadline.conversationId, () => null)
}

/**
 * Half-open sockets (a phone that lost its network keeps nothing open, but the server's side stays
 * OPEN): probe silent sockets with a protocol ping and drop the ones silent past the dead-connection
 * limit. A socket heard within the last heartbeat is not probed: clients ping once per heartbeat, so
 * an idle server sends nothing to its healthy sockets (and allocates nothing for them).
 */
function sweepDead(ctx: ServerContext, { connections, probe }: Endpoints): void {
  const limit = deadAfterMs(ctx.config)
  const now = ctx.now()
  const helloTimeout = ctx.options.limits.helloTimeoutMs
  for (const conn of connections.values()) {
    const silent = now - conn.lastAliveAt
    if (silent > limit) conn.ws.terminate()
    else if (!conn.greeted && now - conn.openedAt > helloTimeout) conn.refuse('not-ready', 'no hello or auth in time', { fatal: true })
    else if (silent >= ctx.config.heartbeatMs) probe(conn)
  }
}

function listen(http: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    http.once('error', reject)
    http.listen(port, host, () => {
      http.off('error', reject)
      resolvePromise()
    })
  })
}
