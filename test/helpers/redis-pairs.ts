/**
 * Contracts that run on one Redis and on a three-master Redis Cluster: both started for the file,
 * and two store handles on one of them under a prefix of their own (separate connections, as two
 * processes have), all closed after the file.
 * @example const pairOn = useRedisPairs(); const [a, b] = await pairOn('redis-cluster')
 */
import { afterAll, beforeAll } from 'vitest'
import { createRedisStore, type RedisStore } from '../../src/server/store/redis-store.js'
import { startRedisCluster, type RunningRedisCluster } from './redis-cluster.mjs'
import { startRedis, type RunningRedis } from './redis-server.mjs'

/** Which Redis a contract runs on. */
export type RedisKind = 'redis' | 'redis-cluster'

export function useRedisPairs(): (kind: RedisKind) => Promise<[RedisStore, RedisStore]> {
  let redis: RunningRedis
  let cluster: RunningRedisCluster
  const opened: RedisStore[] = []
  let prefixes = 0
  beforeAll(async () => {
    ;[redis, cluster] = await Promise.all([startRedis(), startRedisCluster()])
  }, 30_000)
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()))
    await Promise.all([redis?.stop(), cluster?.stop()])
  })
  return async (kind) => {
    const prefix = `p${++prefixes}:`
    const url = kind === 'redis' ? redis.url : cluster.url
    const pair: [RedisStore, RedisStore] = [await createRedisStore(url, { prefix }), await createRedisStore(url, { prefix })]
    opened.push(...pair)
    return pair
  }
}
