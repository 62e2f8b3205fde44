/**
 * Connecting to a Redis Cluster, for operators, as redis-connect.ts does to one Redis: start-up
 * retries for a bounded time (each retry logged) and then fails with "redis unreachable at <url>";
 * after start-up, losing any master and getting every one back are each logged once.
 */
import type { createCluster as CreateCluster } from 'redis'
import { SILENT_LOGGER, type ServerLogger } from '../logger.js'
import { cjsOf, loadPeer } from '../peer.js'
import { backoff, CLUSTER_SCHEME, redacted, RedisUnreachableError } from './redis-connect.js'

/** A node-redis cluster client. */
export type RedisClusterClient = ReturnType<typeof CreateCluster>

/** The nodes and credentials of a `redis-cluster://[user:password@]host:port[,host:port...]` URL. */
export interface ClusterAddress {
  rootNodes: Array<{ url: string }>
  username?: string
  password?: string
}

/**
 * Reads a cluster store URL; throws a TypeError naming what is wrong.
 * @example parseClusterUrl('redis-cluster://127.0.0.1:7000,127.0.0.1:7001').rootNodes.length // 2
 */
export function parseClusterUrl(url: string): ClusterAddress {
  if (!url.startsWith(CLUSTER_SCHEME)) throw new TypeError(`holdline: a cluster store URL starts with ${CLUSTER_SCHEME}`)
  const rest = url.slice(CLUSTER_SCHEME.length).replace(/\/$/, '')
  const at = rest.lastIndexOf('@')
  const address: ClusterAddress = { rootNodes: [] }
  if (at >= 0) {
    const [username, ...password] = rest.slice(0, at).split(':')
    if (username) address.username = decodeURIComponent(username)
    if (password.length > 0) address.password = decodeURIComponent(password.join(':'))
  }
  for (const node of rest.slice(at + 1).split(',')) {
    const match = /^([^:,\s]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(node)
    const port = Number(match?.[2])
    if (!match || port < 1 || port > 65_535) throw new TypeError(`holdline: ${redacted(url)}: "${node}" is not host:port`)
    address.rootNodes.push({ url: `redis://${match[1]}:${port}` })
  }
  return address
}

/**
 * Two connected cluster clients: one for commands, one for subscriptions. The subscriber emits
 * 'ready' after each reconnect of its pub/sub connection (node-redis subscribes again first), as a
 * standalone client does, so the store listens to both alike.
 * @param waitMs how long to keep retrying the first connection
 */
export async function connectRedisCluster(url: string, waitMs: number, logger: ServerLogger = SILENT_LOGGER): Promise<{ client: RedisClusterClient; subscriber: RedisClusterClient }> {
  const { createCluster } = cjsOf(await loadPeer('redis', 'the Redis store', () => import('redis')))
  const { rootNodes, ...credentials } = parseClusterUrl(url)
  const where = redacted(url)
  let started = false
  // Before start-up each node gives up at once: the whole discovery is retried below, logged.
  const reconnectStrategy = (retries: number): number | false => (started ? backoff(retries) : false)
  // As for one Redis: commands fail at once while their node is away (store-unavailable, the SDK
  // retries); the subscriber keeps its queue, since it only subscribes.
  const defaults = { ...credentials, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: Math.min(5_000, waitMs) } }
  const client: RedisClusterClient = createCluster({ rootNodes, defaults })
  const subscriber: RedisClusterClient = createCluster({ rootNodes, defaults: { ...defaults, disableOfflineQueue: false }, minimizeConnections: true })
  // An outage must reject the calls in flight, never crash the process through an 'error' event.
  for (const cluster of [client, subscriber]) cluster.on('error', () => undefined).on('node-error', () => undefined)
  watchOutages(client, where, logger, () => started)
  emitReadyOnResubscribe(subscriber)
  const startedAt = Date.now()
  for (let retry = 1; ; retry += 1) {
    // node-redis rejects with "All the root nodes are unavailable"; what each node said comes as events.
    const said = new Set<string>()
    const hear = (error: Error): void => void said.add(error.message || error.name)
    client.on('error', hear)
    try {
      await client.connect()
      break
    } catch (error) {
      const waited = Date.now() - startedAt
      const cause = said.size > 0 ? new Error([...said].join('; ')) : error
      if (waited >= waitMs) throw new RedisUnreachableError(where, cause, waited)
      // The last retry comes at the end of the wait, not before it.
      const delay = Math.min(backoff(retry - 1), waitMs - waited)
      logger.warn(`redis unreachable at ${where} (${cause instanceof Error ? cause.message : String(cause)}); retry ${retry} in ${delay} ms`, { store: where, retry })
      await new Promise((resolve) => setTimeout(resolve, delay))
    } finally {
      client.off('error', hear)
    }
  }
  started = true
  await subscriber.connect()
  return { client, subscriber }
}

/** Logs the first master lost after start-up, and the moment every lost one is back. */
function watchOutages(cluster: RedisClusterClient, where: string, logger: ServerLogger, started: () => boolean): void {
  const away = new Set<string>()
  const watched = new WeakSet<object>()
  cluster.on('node-error', (error: Error, node: { host: string; port: number }) => {
    if (!started()) return
    const address = `${node.host}:${node.port}`
    if (away.size === 0) logger.error(`redis unreachable at ${where} (${address}: ${error.message || error.name}); frames that need it are refused with store-unavailable until it is back`, { store: where })
    away.add(address)
    // node-redis tells a node's first 'ready' only: later ones are heard on its client.
    const nodeClient = cluster.nodeByAddress.get(address)?.client
    if (!nodeClient || watched.has(nodeClient)) return
    watched.add(nodeClient)
    nodeClient.on('ready', () => {
      if (!away.delete(address) || away.size > 0) return
      logger.info(`redis reachable again at ${where}`, { store: where })
    })
  })
}

/**
 * Re-emits each later 'ready' of the cluster's pub/sub connections on the cluster itself: the plain
 * one and each master's sharded one (the fan-out's), each subscribed again by node-redis first.
 */
function emitReadyOnResubscribe(cluster: RedisClusterClient): void {
  const watched = new WeakSet<object>()
  // 'node-reconnecting' comes before the ready that follows it, on the client that will have it.
  cluster.on('node-reconnecting', () => {
    for (const pubSub of [cluster.pubSubNode?.client, ...cluster.masters.map((m) => m.pubSub?.client)]) {
      if (!pubSub || watched.has(pubSub)) continue
      watched.add(pubSub)
      pubSub.on('ready', () => cluster.emit('ready'))
    }
  })
}
