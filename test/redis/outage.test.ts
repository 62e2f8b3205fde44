/**
 * Redis goes away under a running server and comes back. Frames that need it are refused at once
 * with `store-unavailable` (rather than queued in the client's memory for as long as the outage
 * lasts, with nothing said), the failure is reported, the process keeps serving, and once Redis is
 * back the customer's retry is recorded once.
 */
import { afterEach, expect, test } from 'vitest'
import { createRedisStore } from '../../src/server/store/redis-store.js'
import type { BusMessage } from '../../src/server/store/types.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { customer, waitFor, type Raw } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis | undefined
let server: StartedServer | undefined
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await redis?.start().catch(() => undefined)
  await server?.close()
  await redis?.stop()
})

test('a Redis outage: store-unavailable at once, reported, and the retry recorded once when Redis is back', async () => {
  redis = await startRedis({ persist: true })
  server = await startServer({ store: redis.url, graceMs: 60_000 })
  const errors: string[] = []
  server.server.on('error', (e) => errors.push(e.context))
  const c = await customer(server.url)
  sockets.push(c.raw)
  c.raw.send({ type: 'message', clientId: 'm0', text: 'before' })
  await c.raw.next((f) => f.type === 'ack' && f.clientId === 'm0')

  await redis.stop()
  c.raw.send({ type: 'message', clientId: 'm1', text: 'during' })
  expect(await c.raw.next((f) => f.type === 'error' && f.ref === 'm1', { timeoutMs: 3_000 })).toMatchObject({ code: 'store-unavailable' })
  expect(errors).toContain('customer:message')
  // The process still answers what needs no store.
  c.raw.send({ type: 'ping', t: 7 })
  await c.raw.next((f) => f.type === 'pong' && f.t === 7)

  await redis.start()
  // As the SDK does: the refused message again, until the client has reconnected and it is recorded.
  let from = c.raw.frames.length
  for (;;) {
    c.raw.send({ type: 'message', clientId: 'm1', text: 'during' })
    const answer = await c.raw.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === 'm1' || f.ref === 'm1'), { from })
    if (answer.type === 'ack') break
    from = c.raw.frames.length
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  // Its event comes through pub/sub, which may be after the ack.
  await c.raw.next((f) => f.type === 'event' && (f.item as { clientId?: string }).clientId === 'm1')
  const texts = c.raw.items().filter((i) => i.kind === 'message').map((i) => i.text)
  expect(texts).toEqual(['before', 'during'])
})

test('after its subscription comes back, the Redis store tells its process to resync (what was published meanwhile is lost)', async () => {
  redis = await startRedis()
  const store = await createRedisStore(redis.url)
  try {
    const heard: BusMessage[] = []
    await store.subscribe((m) => heard.push(m)).follow('routing')
    await redis.stop()
    await redis.start()
    await waitFor(() => heard.some((m) => m.type === 'resync'), 10_000)
    // And the bus works again, once the command connection is back too.
    await waitFor(() => store.publish({ type: 'routing' }).then(() => true, () => false))
    await waitFor(() => heard.some((m) => m.type === 'routing'))
  } finally {
    await store.close()
  }
})

test("the server's close() does not wait for an unreachable Redis", async () => {
  redis = await startRedis()
  const started = await startServer({ store: redis.url })
  await redis.stop()
  await started.close()
})
