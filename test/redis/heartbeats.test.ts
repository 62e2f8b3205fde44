/**
 * Presence without writes: while a process holds a customer's socket, the heartbeats stay in that
 * process (Redis runs no write for them), and the store learns when it was last heard when it goes.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createClient } from 'redis'
import { createServer, type HoldlineServer } from '../../src/server/index.js'
import { customer } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis
let server: HoldlineServer
let admin: ReturnType<typeof createClient>

beforeAll(async () => {
  redis = await startRedis()
  admin = createClient({ url: redis.url })
  await admin.connect()
  server = await createServer({ host: '127.0.0.1', port: 0, store: redis.url, heartbeatMs: 1_000, staticRoot: false, distRoot: false })
})
afterAll(async () => {
  await server?.close()
  await admin?.quit()
  await redis?.stop()
})

/** Writes Redis has run so far (scripts, sets, publishes), from INFO commandstats. */
async function writes(): Promise<number> {
  const info = await admin.info('commandstats')
  let n = 0
  for (const m of info.matchAll(/cmdstat_(evalsha|eval|set|hset|zadd|publish|spublish|rpush|sadd):calls=(\d+)/g)) n += Number(m[2])
  return n
}

test('pings and acks of a held socket write nothing; its close records the last ping', async () => {
  const c = await customer(server.url)
  const id = String(c.welcome.conversationId)
  await new Promise((resolve) => setTimeout(resolve, 300))
  const before = await writes()
  let lastPing = 0
  for (let i = 0; i < 10; i++) {
    c.raw.send({ type: 'ping', t: i })
    await c.raw.nextOfType('pong')
    c.raw.send({ type: 'ack', seq: 1 })
    lastPing = Date.now()
  }
  // The lease renewal (a SET and an HSET per second) is the process's, not the customer's.
  expect((await writes()) - before).toBeLessThanOrEqual(4)
  const recorded = await server.store.get(id)
  expect(recorded?.connections[0]?.heldBy).toBeDefined()
  expect(recorded?.lastHeardAt).toBeLessThan(lastPing - 50)
  c.raw.drop()
  await new Promise((resolve) => setTimeout(resolve, 300))
  const closed = await server.store.get(id)
  expect(closed?.connections).toEqual([])
  expect(closed?.lastHeardAt).toBeGreaterThanOrEqual(lastPing - 50)
})
