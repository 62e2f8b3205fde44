/**
 * Customer context on the Redis store, across two server processes: the record keeps the browser and
 * the pages, and a navigation on the customer's process reaches the agent on the other one as a
 * `customer` frame (the fan-out carries the record as JSON, so "changed" is told by value); the
 * customer's pings change nothing the agent is told.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { createServer, type HoldlineServer, type ServerOptions } from '../../src/server/index.js'
import { agent, Raw } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis
const servers: HoldlineServer[] = []
const sockets: Raw[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  port: 0,
  heartbeatMs: 300,
  agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 3 } },
  staticRoot: false,
  distRoot: false,
  cannedResponses: [{ id: 'hi', title: 'Greeting', text: 'Hi {{name}}!' }],
}

async function start(): Promise<HoldlineServer> {
  const server = await createServer({ ...OPTIONS, store: redis.url })
  servers.push(server)
  return server
}

it('a navigation on one process reaches the agent on another; pings tell nothing', async () => {
  const [one, two] = [await start(), await start()]
  const a = await agent(two.url)
  sockets.push(a.raw)
  expect(a.ready.canned).toEqual(OPTIONS.cannedResponses)
  const c = await Raw.open(one.url, '/v1/customer', { 'user-agent': 'RedisBrowser/1.0' })
  sockets.push(c)
  c.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't1', page: { url: 'https://shop.example/', title: 'Shop' } })
  const id = (await c.next((f) => f.type === 'welcome')).conversationId as string
  await a.raw.next((f) => f.type === 'offer')
  a.raw.send({ type: 'accept', conversationId: id })
  await c.next((f) => f.type === 'event' && (f.item as { status?: string }).status === 'active')

  for (let t = 1; t <= 3; t += 1) {
    c.send({ type: 'ping', t })
    await c.next((f) => f.type === 'pong' && f.t === t)
  }
  c.send({ type: 'page', url: 'https://shop.example/cart', title: 'Cart' })
  const told = await a.raw.next((f) => f.type === 'customer')
  expect(told).toMatchObject({ conversationId: id, customer: { userAgent: 'RedisBrowser/1.0' } })
  expect((told.customer as { pages: Array<{ title: string }> }).pages.map((p) => p.title)).toEqual(['Shop', 'Cart'])
  // Only the navigation was told: the pings before it were not customer changes.
  expect(a.raw.frames.filter((f) => f.type === 'customer')).toHaveLength(1)
  const stored = await one.store.get(id)
  expect(stored?.customer.pages?.map((p) => p.url)).toEqual(['https://shop.example/', 'https://shop.example/cart'])
})
