/**
 * The Redis store on a real Redis Cluster (three masters): every script and MULTI it sends runs there
 * (each keeps its keys in one slot: no CROSSSLOT), the keys spread over every master, start-up gives
 * up within its wait when no node answers, a cluster that goes away and comes back is logged once
 * each way, with the bus telling its process to resync, and /readyz follows a master away and back.
 */
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createCluster } from 'redis'
import { createConversation } from '../../src/server/engine/index.js'
import type { ServerLogger } from '../../src/server/logger.js'
import { createRedisStore, type RedisStore } from '../../src/server/store/redis-store.js'
import type { BusMessage } from '../../src/server/store/types.js'
import { waitFor } from '../helpers/raw.js'
import { startServer } from '../helpers/server.js'
import { startRedisCluster, type RunningRedisCluster } from '../helpers/redis-cluster.mjs'

let cluster: RunningRedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 30_000)
afterAll(async () => {
  await cluster?.stop()
})

/** One INFO section of every master, each from a connection of its own. */
async function infoOfEach(section: string): Promise<string[]> {
  return Promise.all(cluster.nodes.map(async (node) => {
    const client = createClient({ url: `redis://${node}` })
    await client.connect()
    try {
      return await client.info(section)
    } finally {
      client.destroy()
    }
  }))
}

const count = (info: string, pattern: RegExp): number => Number(pattern.exec(info)?.[1] ?? 0)

/** A loopback port nothing listens on (found free, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A logger that keeps its lines. */
function recording(): ServerLogger & { lines: string[] } {
  const lines: string[] = []
  const keep = (level: string) => (message: string) => void lines.push(`${level}: ${message}`)
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }
}

describe('Redis store on a cluster', () => {
  it('runs every script and MULTI with no CROSSSLOT, its keys on every master', async () => {
    const store = await createRedisStore(cluster.url, { prefix: 'slots:' })
    try {
      const anna = { id: 'a1', name: 'Ana' }
      for (let i = 0; i < 16; i++) {
        const id = `c${i}`
        await store.create(createConversation({ id, widgetId: 'w', customer: { sub: `s${i}` }, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000), () => [{ conversationId: id, kind: 'grace', at: 50 }])
        await store.transact(id, (c) => ({ conversation: { ...c, status: 'active', agent: anna }, drafts: [{ kind: 'message', from: 'customer', text: 'hi', clientId: 'm1', at: 2_000 }] }))
        await store.addNote(id, { at: 3, text: 'note', agent: anna, afterSeq: 1, clientId: 'n1' })
        await store.setDeadlines(id, [{ conversationId: id, kind: 'queue', at: 60 }])
        await store.transact(id, (c) => ({ conversation: { ...c, status: 'closed' }, drafts: [] }), (c) => [{ conversationId: c.id, kind: 'purge', at: 70 }])
      }
      expect((await store.claimDue(100, 1_000)).length).toBe(16)
      expect(await store.removeClosed('c0')).toBe(true)
      await store.updateAgent('a1', () => ({ id: 'a1', name: 'Ana', capacity: 1, connections: [] }))
      expect(await store.exclusive('agent:a1', async () => 'held')).toBe('held')
      await store.renewLease('p1', 5_000)
      expect(await store.lapsedLeases(['p1', 'p2'])).toEqual(['p2'])
      expect((await store.listConversations()).length).toBe(15)
      expect((await store.conversationsOf('s3', 5)).map((c) => c.id)).toEqual(['c3'])
      const outbox = store.webhooks as NonNullable<RedisStore['webhooks']>
      await outbox.enqueue('crm', [{ id: 'e1', body: '{}' }, { id: 'e2', body: '{}' }], 1)
      expect((await outbox.claim('crm', 1, 10, 10)).length).toBe(2)
      await outbox.retry('crm', 'e1', 1, 5)
      await outbox.complete('crm', 'e2')
      await outbox.deadLetter('crm', { id: 'e1', body: '{}', attempts: 1, queuedAt: 1 }, 'gone', 6)
      expect(await outbox.depth('crm')).toEqual({ queued: 0, dead: 1 })
    } finally {
      await store.close()
    }
    const errors = await infoOfEach('errorstats')
    expect(errors.map((info) => count(info, /errorstat_CROSSSLOT:count=(\d+)/))).toEqual([0, 0, 0])
    const calls = await infoOfEach('commandstats')
    // 16 conversations over 8 shards and three masters: every master runs scripts.
    for (const info of calls) expect(count(info, /cmdstat_evalsha:calls=(\d+)/) + count(info, /cmdstat_eval:calls=(\d+)/)).toBeGreaterThan(0)
  })

  it('refuses a script whose keys are in two slots (what the check above would catch)', async () => {
    const client = createCluster({ rootNodes: cluster.nodes.map((node) => ({ url: `redis://${node}` })) })
    await client.connect()
    try {
      await expect(client.eval("return redis.call('MGET', KEYS[1], KEYS[2])", { keys: ['x:{0}:a', 'x:{1}:b'], arguments: [] })).rejects.toThrow(/CROSSSLOT/)
    } finally {
      client.destroy()
    }
    const errors = await infoOfEach('errorstats')
    expect(errors.reduce((sum, info) => sum + count(info, /errorstat_CROSSSLOT:count=(\d+)/), 0)).toBe(1)
  })

  it('start-up with no node answering: each retry logged, then "redis unreachable at ..." within the wait', async () => {
    const [p1, p2] = [await closedPort(), await closedPort()]
    const where = `redis-cluster://127.0.0.1:${p1},127.0.0.1:${p2}`
    const logger = recording()
    const startedAt = Date.now()
    const error = (await createRedisStore(where, { connectWaitMs: 1_000, logger }).catch((e: unknown) => e)) as Error & { code?: string }
    expect(Date.now() - startedAt).toBeLessThan(5_000)
    // What each node said, as for one Redis (discovery starts at a random node).
    const refused = (port: number): string => `connect ECONNREFUSED 127.0.0.1:${port}`
    const causes = [`${refused(p1)}; ${refused(p2)}`, `${refused(p2)}; ${refused(p1)}`]
    expect(error.code).toBe('store-unreachable')
    expect(causes.map((cause) => `redis unreachable at ${where} (${cause}): gave up after`)).toContain(error.message.replace(/ [\d.]+ s$/, ''))
    expect(Number(/after ([\d.]+) s$/.exec(error.message)?.[1])).toBeGreaterThanOrEqual(1)
    const retries = logger.lines.filter((l) => l.startsWith(`warn: redis unreachable at ${where} (`))
    expect(retries.length).toBeGreaterThanOrEqual(2)
    expect(causes.map((cause) => `warn: redis unreachable at ${where} (${cause}); retry 1 in`)).toContain(retries[0]?.replace(/ \d+ ms$/, ''))
  })

  it('every master away then back: logged once each way, and the bus tells its process to resync', { timeout: 60_000 }, async () => {
    const logger = recording()
    const store = await createRedisStore(cluster.url, { prefix: 'outage:', logger })
    try {
      const heard: BusMessage[] = []
      // The fan-out is sharded pub/sub: the routing channel's master holds this process's subscription.
      await store.subscribe((m) => heard.push(m)).follow('routing')
      for (let i = 0; i < 3; i++) await cluster.stopNode(i)
      await expect(store.get('c1')).rejects.toMatchObject({ code: 'store-unavailable' })
      for (let i = 0; i < 3; i++) await cluster.startNode(i)
      await waitFor(() => heard.some((m) => m.type === 'resync'), 15_000)
      await waitFor(() => store.publish({ type: 'routing' }).then(() => true, () => false), 15_000)
      await waitFor(() => heard.some((m) => m.type === 'routing'), 15_000)
      await waitFor(() => logger.lines.some((l) => l.startsWith('info: redis reachable again')), 15_000)
      expect(logger.lines.filter((l) => / redis unreachable at redis-cluster:\/\//.test(l))).toHaveLength(1)
      expect(logger.lines.filter((l) => l.startsWith('info: redis reachable again'))).toEqual([`info: redis reachable again at ${cluster.url}`])
      expect(await store.get('c1')).toBeUndefined()
    } finally {
      await store.close()
    }
  })

  it('/readyz: 200 on the cluster, 503 while a master is away, 200 once it is back; close() does not wait for a lost master', { timeout: 60_000 }, async () => {
    const server = await startServer({ store: cluster.url })
    const ready = async (): Promise<number> => (await fetch(`${server.url}/readyz`)).status
    try {
      expect(await ready()).toBe(200)
      await cluster.stopNode(1)
      // Every shard's head is read: the shards on the lost master fail the probe at once.
      expect(await ready()).toBe(503)
      await cluster.startNode(1)
      await waitFor(async () => (await ready()) === 200, 15_000)
      await cluster.stopNode(2)
      const closing = Date.now()
      await server.close()
      expect(Date.now() - closing).toBeLessThan(5_000)
    } finally {
      await cluster.startNode(2)
    }
  })
})
