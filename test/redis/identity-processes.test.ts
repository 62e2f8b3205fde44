/**
 * One signed-in customer on two servers sharing one redis-server: a device on the second process
 * joins the live chat started on the first (the sub index and the per-sub lock are in Redis), and
 * two devices saying hello at once on the two processes get one chat.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type HoldlineServer } from '../../src/server/index.js'
import { customer, type Frame, type Raw } from '../helpers/raw.js'
import { IDENTITY_OPTIONS, signIdentity } from '../helpers/identity.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis
const servers: HoldlineServer[] = []
const sockets: Raw[] = []
let prefix = 0

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})
afterEach(async () => {
  for (const s of sockets.splice(0)) await s.close().catch(() => undefined)
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** Two processes' worth of servers on one Redis (each with its own store connections). */
async function twoServers(): Promise<[HoldlineServer, HoldlineServer]> {
  const { createRedisStore } = await import('../../src/server/store/redis-store.js')
  const keyPrefix = `id${++prefix}:`
  const make = async (): Promise<HoldlineServer> => {
    const store = await createRedisStore(redis.url, { prefix: keyPrefix })
    const server = await createServer({ host: '127.0.0.1', port: 0, graceMs: 1_500, heartbeatMs: 300, staticRoot: false, distRoot: false, store, identity: IDENTITY_OPTIONS })
    const close = server.close.bind(server)
    servers.push({ ...server, on: server.on.bind(server), close: async () => (await close(), await store.close()) })
    return server
  }
  return [await make(), await make()]
}

describe('identity across processes', () => {
  it('a device on another process joins the live chat, with its transcript', async () => {
    const [one, two] = await twoServers()
    const laptop = await customer(one.url, { tabId: 'laptop', identity: await signIdentity({ sub: 'anne' }) })
    sockets.push(laptop.raw)
    laptop.raw.send({ type: 'message', clientId: 'm1', text: 'asked on process one' })
    await laptop.raw.next((f) => f.type === 'ack')
    const phone = await customer(two.url, { tabId: 'phone', identity: await signIdentity({ sub: 'anne' }) })
    sockets.push(phone.raw)
    expect(phone.welcome).toMatchObject({ conversationId: laptop.welcome.conversationId, resumed: true })
    await phone.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'asked on process one')
    // And what the phone says reaches the laptop on the other process, once.
    phone.raw.send({ type: 'message', clientId: 'm2', text: 'from the phone' })
    await laptop.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'from the phone')
    expect(laptop.raw.items().filter((i) => i.text === 'from the phone')).toHaveLength(1)
  })

  it('two devices at once on two processes: one chat', async () => {
    const [one, two] = await twoServers()
    const token = await signIdentity({ sub: 'lee' })
    const [a, b] = await Promise.all([customer(one.url, { tabId: 'a', identity: token }), customer(two.url, { tabId: 'b', identity: token })])
    sockets.push(a.raw, b.raw)
    expect(a.welcome.conversationId).toBe(b.welcome.conversationId)
  })
})
