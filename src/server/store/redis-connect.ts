/**
 * Connecting to Redis, for operators: `redis` is loaded only when a Redis store is asked for; start-up
 * waits a bounded time (each retry logged) and then fails with "redis unreachable at <url>"; after
 * start-up, losing Redis and getting it back are each logged once.
 */
import type { createClient as CreateClient } from 'redis'
import { SILENT_LOGGER, type ServerLogger } from '../logger.js'
import { cjsOf, loadPeer } from '../peer.js'

/** A node-redis client. */
export type RedisClient = ReturnType<typeof CreateClient>

/** Thrown by {@link connectRedis} when Redis did not answer within the wait. */
export class RedisUnreachableError extends Error {
  readonly code = 'store-unreachable'
  constructor(where: string, cause: unknown, waitedMs: number) {
    super(`redis unreachable at ${where} (${cause instanceof Error ? cause.message || cause.name : String(cause)}): gave up after ${Math.round(waitedMs / 100) / 10} s`)
    this.name = 'RedisUnreachableError'
  }
}

/** The URL with any password hidden, fit for logs. @example redacted('redis://:pw@h:6379') // 'redis://:***@h:6379' */
export function redacted(url: string): string {
  // A cluster's list of nodes is no URL `new URL` can read.
  if (url.startsWith(CLUSTER_SCHEME)) return url.replace(/^(redis-cluster:\/\/[^:@]*:)[^@]*@/, '$1***@')
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(unparsable URL)'
  }
}

/** The scheme of a Redis Cluster store: `redis-cluster://host:port[,host:port...]` (see redis-cluster-connect.ts). */
export const CLUSTER_SCHEME = 'redis-cluster://'

/** How long to wait before retry `retries` (0-based): 100 ms doubling to 2 s, with jitter so processes spread out. */
export function backoff(retries: number): number {
  return Math.round(Math.min(100 * 2 ** retries, 2_000) * (0.75 + Math.random() * 0.5))
}

/**
 * Two connected clients on `url`: one for commands, one for subscriptions.
 * @param waitMs how long to keep retrying the first connection
 */
export async function connectRedis(url: string, waitMs: number, logger: ServerLogger = SILENT_LOGGER): Promise<{ client: RedisClient; subscriber: RedisClient }> {
  const { createClient } = cjsOf(await loadPeer('redis', 'the Redis store', () => import('redis')))
  const where = redacted(url)
  const startedAt = Date.now()
  let started = false
  let reachable = true
  const reconnectStrategy = (retries: number, cause: Error): number | Error => {
    if (started) return backoff(retries)
    const waited = Date.now() - startedAt
    if (waited >= waitMs) return new RedisUnreachableError(where, cause, waited)
    // The last retry comes at the end of the wait, not before it.
    const delay = Math.min(backoff(retries), waitMs - waited)
    logger.warn(`redis unreachable at ${where} (${cause.message}); retry ${retries + 1} in ${delay} ms`, { store: where, retry: retries + 1 })
    return delay
  }
  // Commands sent while Redis is unreachable fail at once instead of waiting in an unbounded queue:
  // the frame is refused with store-unavailable (the SDK retries), the failure is reported, and
  // memory does not grow with the outage. The subscriber keeps the default: it only subscribes, and
  // node-redis subscribes again by itself after reconnecting.
  const client: RedisClient = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: Math.min(5_000, waitMs) } })
  const subscriber: RedisClient = client.duplicate({ disableOfflineQueue: false })
  // A Redis outage must reject the calls in flight, never crash the process through an 'error' event;
  // it is logged once when it begins and once when it ends.
  subscriber.on('error', () => undefined)
  client.on('error', (error: Error) => {
    if (!started || !reachable) return
    reachable = false
    logger.error(`redis unreachable at ${where} (${error.message || error.name}); frames that need it are refused with store-unavailable until it is back`, { store: where })
  })
  client.on('ready', () => {
    if (!started || reachable) return
    reachable = true
    logger.info(`redis reachable again at ${where}`, { store: where })
  })
  try {
    await client.connect()
  } catch (error) {
    // ReconnectStrategyError wraps ours; anything else (a bad URL, auth refused) is said as it is.
    const ours = (error as { originalError?: unknown }).originalError
    throw ours instanceof RedisUnreachableError ? ours : new RedisUnreachableError(where, error, Date.now() - startedAt)
  }
  started = true
  await subscriber.connect()
  return { client, subscriber }
}
