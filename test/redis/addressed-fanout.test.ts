/**
 * Addressed fan-out on one Redis with three processes: A holds the customer, B the agent, C nothing.
 * A change is published to its conversation's sharded channel, which only A and B follow: C receives
 * nothing. And when every subscriber connection drops and comes back, both sides still get each
 * message once, in order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createClient } from 'redis'
import { createAgent, type Agent } from '../../src/agent/index.js'
import { createServer, type HoldlineServer } from '../../src/server/index.js'
import { createRedisStore, type RedisStore } from '../../src/server/store/redis-store.js'
import type { BusMessage } from '../../src/server/store/types.js'
import { customer, waitFor, type Raw } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis
let admin: ReturnType<typeof createClient>
const servers: HoldlineServer[] = []
const agents: Agent[] = []
const sockets: Raw[] = []

beforeAll(async () => {
  redis = await startRedis()
  admin = createClient({ url: redis.url })
  await admin.connect()
})
afterAll(async () => {
  await admin?.quit()
  await redis?.stop()
})
afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const s of sockets.splice(0)) s.drop()
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await admin.flushAll()
})

/** A server process on its own Redis store, with every message its store hands it counted. */
async function processOn(): Promise<{ server: HoldlineServer; store: RedisStore; received: BusMessage[]; subscribe: RedisStore['subscribe'] }> {
  const store = await createRedisStore(redis.url)
  const received: BusMessage[] = []
  // The server subscribes through this: every message handed to it is counted.
  const subscribe = store.subscribe.bind(store)
  store.subscribe = (listener) => subscribe((m) => {
    received.push(m)
    listener(m)
  })
  const server = await createServer({
    host: '127.0.0.1', port: 0, store, heartbeatMs: 300, graceMs: 60_000,
    agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 3 } }, staticRoot: false, distRoot: false,
  })
  servers.push(server)
  return { server, store, received, subscribe }
}

async function activeChatAcross(a: HoldlineServer, b: HoldlineServer): Promise<{ raw: Raw; agent: Agent; id: string }> {
  const agent = createAgent({ url: b.url, token: 'agent-token', WebSocket: WebSocket as never })
  agents.push(agent)
  await agent.connect()
  const { raw, welcome } = await customer(a.url)
  sockets.push(raw)
  const id = String(welcome.conversationId)
  await waitFor(() => agent.offers.has(id))
  await agent.accept(id)
  await raw.next((f) => f.type === 'event' && (f.item as { status?: string }).status === 'active')
  return { raw, agent, id }
}

const customerTexts = (raw: Raw) => raw.items().filter((i) => i.kind === 'message' && i.from !== 'system').map((i) => String(i.text))
const agentTexts = (agent: Agent, id: string) =>
  (agent.conversations.get(id)?.transcript ?? []).flatMap((i) => (i.kind === 'message' && i.from !== 'system' ? [i.text] : []))

/**
 * Waits until `store`'s subscriber has received everything Redis sent it so far: a message to a
 * channel only this fence follows, published after the others, arrives after them.
 */
async function fence(on: { store: RedisStore; subscribe: RedisStore['subscribe'] }): Promise<void> {
  let seen = false
  const subscription = on.subscribe(() => (seen = true))
  await subscription.follow('conversation:fence')
  await admin.sPublish(`${on.store.shardOf('fence')}bus:fence`, JSON.stringify({ type: 'typing', conversationId: 'fence', from: 'agent' }))
  await waitFor(() => seen)
  subscription.close()
}

describe('addressed fan-out across processes', () => {
  it('a process with no interested socket receives no publish of a message; the two that serve it do', async () => {
    const [A, B, C] = [await processOn(), await processOn(), await processOn()]
    const { raw, agent, id } = await activeChatAcross(A.server, B.server)
    const before = { a: A.received.length, b: B.received.length }

    for (let n = 1; n <= 3; n++) {
      raw.send({ type: 'message', clientId: `c${n}`, text: `customer ${n}` })
      await agent.send(id, `agent ${n}`)
    }
    await waitFor(() => agentTexts(agent, id).length === 6 && customerTexts(raw).length === 6)
    await fence(C)

    expect(C.received).toEqual([])
    expect(A.received.length).toBeGreaterThan(before.a)
    expect(B.received.length).toBeGreaterThan(before.b)
    // Both sides' processes follow the conversation's channel, and no other process does.
    const channel = `${A.store.shardOf(id)}bus:${id}`
    expect(await admin.pubSubShardNumSub(channel)).toEqual({ [channel]: 2 })
  })

  it('after the subscriber connections drop and come back, customer and agent get every message once, in order', async () => {
    const [A, B] = [await processOn(), await processOn()]
    const { raw, agent, id } = await activeChatAcross(A.server, B.server)
    raw.send({ type: 'message', clientId: 'c1', text: 'before' })
    await waitFor(() => agentTexts(agent, id).includes('before'))

    const resynced = { a: A.received.length, b: B.received.length }
    await admin.clientKill({ filter: 'TYPE', type: 'pubsub' })
    // Written while the subscriptions are down: their publishes reach no one, the resync reads them.
    raw.send({ type: 'message', clientId: 'c2', text: 'during, from the customer' })
    await agent.send(id, 'during, from the agent')
    await waitFor(() => A.received.slice(resynced.a).some((m) => m.type === 'resync') && B.received.slice(resynced.b).some((m) => m.type === 'resync'))
    raw.send({ type: 'message', clientId: 'c3', text: 'after' })
    await agent.send(id, 'after, from the agent')

    const all = ['before', 'during, from the customer', 'during, from the agent', 'after', 'after, from the agent']
    const inOrder = (texts: string[]) => [...texts].sort((x, y) => all.indexOf(x) - all.indexOf(y))
    await waitFor(() => agentTexts(agent, id).length === 5 && customerTexts(raw).length === 5, 10_000)
    expect(new Set(agentTexts(agent, id))).toEqual(new Set(all))
    expect(new Set(customerTexts(raw))).toEqual(new Set(all))
    // Each once, in seq order (the two "during" ones may be recorded either way round).
    const seqs = raw.items().map((i) => Number(i.seq))
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    expect(agentTexts(agent, id)).toEqual(customerTexts(raw))
    expect(customerTexts(raw)).toEqual(inOrder(customerTexts(raw)))
    // Every subscription was made again.
    const channel = `${A.store.shardOf(id)}bus:${id}`
    expect(await admin.pubSubShardNumSub(channel)).toEqual({ [channel]: 2 })
  })
})
