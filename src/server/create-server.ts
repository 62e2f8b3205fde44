/**
 * `createServer`: wires the store, the engine runner, the deadline scheduler and the network layer
 * on one http.Server.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { createNanoEvents } from 'nanoevents'
import { AUTOMATED_MESSAGES } from '../protocol/messages.js'
import type { ServerEvents } from './engine/events.js'
import { deadAfterMs } from './engine/presence.js'
import type { Deadline, EngineConfig } from './engine/types.js'
import type { ServerContext } from './net/context.js'
import { leaseTiming, sweepAgentLeases } from './runner/agent-presence.js'
import { checkOwnLease, releaseLapsedProcesses } from './runner/customer-presence.js'
import { attachEndpoints, type Endpoints } from './net/endpoints.js'
import type { CustomerSocket } from './net/customer-socket.js'
import { handleHttp } from './net/http-routes.js'
import { Hub } from './net/hub.js'
import { createIdentityVerifier, type IdentityVerifier } from './net/identity.js'
import { Metrics } from './net/metrics.js'
import { NewChatLimit } from './net/new-chat-limit.js'
import { newConnectionId } from './net/tokens.js'
import { QueueNotifier } from './runner/queue-notifier.js'
import { RoutingRunner } from './runner/routing-runner.js'
import type { StaticMount } from './net/static-files.js'
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js'
import { errorLogger } from './error-log.js'
import { SILENT_LOGGER, type ServerLogger } from './logger.js'
import { packageRoot, packageVersion } from './package-info.js'
import { cjsOf, loadPeer } from './peer.js'
import { redacted } from './store/redis-connect.js'
import { DeadlineScheduler } from './runner/scheduler.js'
import { ConversationService } from './runner/service.js'
import { MemoryStore } from './store/memory-store.js'
import { createRedisStore } from './store/redis-store.js'
import type { Store } from './store/types.js'
import { startWebhooks } from './webhooks/start.js'

/**
 * Stops a subscription. Our own name for nanoevents' type, so that the declarations of
 * `holdline/server` need nothing from nanoevents (an ES module, which CommonJS declarations cannot import).
 */
export type Unsubscribe = () => void

/** A running server. */
export interface HoldlineServer {
  /** Base URL, `http://127.0.0.1:PORT` (the host it listens on, or 127.0.0.1 for all interfaces). */
  readonly url: string
  readonly port: number
  /** The store in use. */
  readonly store: Store
  /** Subscribe to operator events; returns an unsubscribe function. */
  on<K extends keyof ServerEvents>(event: K, listener: ServerEvents[K]): Unsubscribe
  /**
   * Shuts down: stops accepting (and `/readyz` answers 503), lets the frames being written finish
   * and be acknowledged, tells every socket `server-closing`, records the departures, closes the store.
   */
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

async function storeOf(o: ResolvedOptions, logger: ServerLogger): Promise<Store> {
  if (typeof o.store === 'object') return o.store
  if (o.store === 'memory') return new MemoryStore()
  return createRedisStore(o.store, { connectWaitMs: o.storeWaitMs, logger })
}

/** The identity verifier, when `identity` is configured (`jose` is loaded only then). */
async function identityOf(o: ResolvedOptions, store: Store): Promise<IdentityVerifier | undefined> {
  if (!o.identity) return undefined
  try {
    return await createIdentityVerifier(o.identity)
  } catch (error) {
    if (typeof o.store !== 'object') await store.close()
    throw error
  }
}

/** The server's optional peers (see peer.ts), loaded before anything is opened. */
async function peers(): Promise<{ WebSocketServer: Parameters<typeof attachEndpoints>[2]; prom: ConstructorParameters<typeof Metrics>[0] }> {
  const ws = await loadPeer('ws', 'holdline/server', () => import('ws'))
  const prom = cjsOf(await loadPeer('prom-client', 'holdline/server (metrics)', () => import('prom-client')))
  return { WebSocketServer: ws.WebSocketServer, prom }
}

function mountsOf(o: ResolvedOptions): StaticMount[] {
  const root = packageRoot()
  const mounts: StaticMount[] = []
  const dist = o.distRoot === undefined ? resolve(root, 'dist') : o.distRoot
  const examples = o.staticRoot === undefined ? resolve(root, 'examples') : o.staticRoot
  if (dist !== false) {
    // See static-files.ts: a versioned URL names one build (cached for good), the plain one this build.
    mounts.push({ prefix: `/dist/v${packageVersion()}/`, root: dist, cache: 'immutable' })
    mounts.push({ prefix: '/dist/', root: dist, cache: 'short' })
  }
  if (examples !== false) mounts.push({ prefix: '/', root: examples, cache: 'revalidate' })
  return mounts
}

/** The server's parts, wired together but not yet listening. */
function assemble(o: ResolvedOptions, store: Store, metrics: Metrics): { ctx: ServerContext; routing: RoutingRunner; scheduler: DeadlineScheduler; unsubscribe: () => void } {
  const events = createNanoEvents<ServerEvents>()
  const config = engineConfig(o)
  const now = (): number => o.clock.now()
  const service = new ConversationService(store, config, now, events)
  const hub = new Hub(now)
  const ctx: ServerContext = { options: o, config, store, service, hub, metrics, events, now, processId: newConnectionId(), closing: false, newChats: o.newChatsPerAddress && new NewChatLimit(o.newChatsPerAddress) }
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
  events.on('error', (e) => ctx.metrics.error(e.context))
  if (o.logger) events.on('error', errorLogger(o.logger))
  const unsubscribe = hub.listen(store)
  hub.onError = (error) => events.emit('error', { error, context: 'bus:follow' })
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
  const logger = o.logger ?? SILENT_LOGGER
  const { WebSocketServer, prom } = await peers()
  const store = await storeOf(o, logger)
  const { ctx, routing, scheduler, unsubscribe } = assemble(o, store, new Metrics(prom, store))
  ctx.identity = await identityOf(o, store)
  const mounts = mountsOf(o)
  const http = createHttpServer((req, res) => void handleHttp(ctx, mounts, req, res))
  const endpoints = attachEndpoints(ctx, http, WebSocketServer)
  const { wss } = endpoints
  // Alive in the store before any agent connects here, so no other process takes its agents for dead.
  const lease = leaseTiming(o.heartbeatMs)
  try {
    await ctx.store.renewLease(ctx.processId, lease.ttlMs, ctx.now())
    await listen(http, o.port, o.host, o.listenBacklog)
  } catch (error) {
    unsubscribe()
    wss.close()
    if (typeof o.store !== 'object') await ctx.store.close()
    throw error
  }
  scheduler.start()
  const webhooks = startWebhooks(ctx, prom)
  const sweep = setInterval(() => sweepDead(ctx, endpoints), Math.min(o.heartbeatMs, 5_000))
  sweep.unref()
  const leases = renewLeases(ctx, lease)
  const port = (http.address() as AddressInfo).port
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.info(startupLine(o, url), { version: packageVersion(), url, port, store: storeName(o) })
  const shutdown = async (): Promise<void> => {
    // From here /readyz answers 503, new sockets and new frames get server-closing.
    ctx.closing = true
    const httpClosed = new Promise<void>((r) => http.close(() => r()))
    clearInterval(sweep)
    await leases.stop()
    scheduler.stop()
    await closeSockets(endpoints, routing)
    // Browsers hold keep-alive connections open; waiting for them would make close() hang.
    http.closeAllConnections()
    await httpClosed
    // Record every departure before the store goes: the windows of a restart count from now, not
    // from when a later process notices the connections are dead.
    await endpoints.departed()
    // After the departures, whose events are queued too; what is not delivered stays in the store.
    await webhooks.stop()
    unsubscribe()
    // A store passed in belongs to the caller (it may be shared with other servers).
    if (typeof o.store !== 'object') await ctx.store.close()
  }
  let closed: Promise<void> | undefined
  return {
    url,
    port,
    store: ctx.store,
    on: (event, listener) => ctx.events.on(event, listener),
    close: () => (closed ??= shutdown()),
  }
}

/**
 * This process's lease in the store, renewed, and the other processes' lapsed leases swept.
 * Every lease lapses while the store is unreachable for longer than a lease, and the others' owners
 * renew theirs within a round once it is back: judge them only a whole lease after our last failure,
 * or the agents of every other process would be taken for gone after each long outage.
 */
function renewLeases(ctx: ServerContext, lease: ReturnType<typeof leaseTiming>): { stop(): Promise<void> } {
  let leasing: Promise<void> | undefined
  let failedAt = -Infinity
  const timer = setInterval(() => {
    const judgeOthers = ctx.now() - failedAt >= lease.ttlMs
    leasing ??= checkOwnLease(ctx)
      .then(() => sweepAgentLeases(ctx, lease.ttlMs, judgeOthers))
      .then(() => (judgeOthers ? releaseLapsedProcesses(ctx) : undefined))
      .catch((error: unknown) => {
        failedAt = ctx.now()
        ctx.events.emit('error', { error, context: 'agent-leases' })
      })
      .finally(() => (leasing = undefined))
  }, lease.everyMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await leasing
    },
  }
}

/**
 * Writes in flight finish and are acknowledged, then every socket is told `server-closing` and closed.
 * Each wait is bounded: a store that hangs or a client that never answers must not hold the shutdown.
 */
async function closeSockets({ wss, connections, refused }: Endpoints, routing: RoutingRunner): Promise<void> {
  await Promise.race([Promise.all([...connections.values()].map((conn) => conn.drained())), delay(5_000)])
  for (const conn of connections.values()) conn.refuse('server-closing', 'the server is shutting down', { fatal: true })
  await routing.idle()
  // The clients answer the close (so the error frame and the acks before it are read), or are cut.
  await Promise.race([socketsClosed([...connections.keys(), ...refused]), delay(1_000)])
  for (const ws of [...connections.keys(), ...refused]) ws.terminate()
  wss.close()
}

/** Settles when every socket has closed. */
function socketsClosed(sockets: ReadonlyArray<{ readyState: number; once(event: 'close', listener: () => void): unknown }>): Promise<unknown> {
  // 3 is WebSocket.CLOSED.
  return Promise.all(sockets.map((ws) => ws.readyState === 3 ? undefined : new Promise<void>((resolvePromise) => ws.once('close', () => resolvePromise()))))
}

function delay(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms).unref())
}

/** The store, as a log may show it (no password). */
function storeName(o: ResolvedOptions): string {
  if (typeof o.store === 'object') return 'custom store'
  return o.store === 'memory' ? 'memory' : redacted(o.store)
}

/** What an operator checks first: which build, which store, where, for which sites, with which windows. */
function startupLine(o: ResolvedOptions, url: string): string {
  const s = (ms: number | undefined): string => (ms === undefined ? 'off' : `${ms / 1_000} s`)
  const origins = o.allowedOrigins === undefined ? 'all' : o.allowedOrigins.join(', ') || 'none'
  return `holdline ${packageVersion()} listening on ${url} (store ${storeName(o)}; origins ${origins}; ` +
    `grace ${s(o.graceMs)}, agent grace ${s(o.agentGraceMs)}, wrap-up ${s(o.wrapUpAutoCloseMs)}, queue ${s(o.openAutoCloseMs)}, reconnect ${s(o.reconnectWindowMs)}; ` +
    `static files ${o.staticRoot === false && o.distRoot === false ? 'off' : 'on'})`
}

/** A due deadline: run the time rules on its conversation (or remove it, once closed long enough). */
async function fire(ctx: ServerContext, deadline: Deadline): Promise<void> {
  ctx.metrics.fired(deadline.kind, deadline.at, ctx.now())
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
  for (const conn of connections.values()) {
    const silent = now - conn.lastAliveAt
    if (silent > limit) conn.ws.terminate()
    else if (silent >= ctx.config.heartbeatMs) probe(conn)
    // Answering pings but saying nothing (R2 goes by frames): no longer vouched for in the store.
    if (conn.side === 'customer') (conn as CustomerSocket).checkSilence(now).catch((error: unknown) => ctx.events.emit('error', { error, context: 'customer:silence' }))
  }
}

function listen(http: HttpServer, port: number, host: string, backlog: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => reject(listenError(error, port, host))
    http.once('error', failed)
    http.listen({ port, host, backlog }, () => {
      http.off('error', failed)
      resolvePromise()
    })
  })
}

/** Why listening failed, in the operator's terms. */
function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const where = `port ${port} on ${host}`
  const text = error.code === 'EADDRINUSE' ? `${where} is already in use (another holdline, or another server?)`
    : error.code === 'EACCES' ? `not allowed to listen on ${where} (ports below 1024 need privileges)`
    : error.code === 'EADDRNOTAVAIL' ? `cannot listen on ${where}: no such address on this machine`
    : `cannot listen on ${where}: ${error.message}`
  return Object.assign(new Error(`holdline: ${text}`), { code: error.code })
}
