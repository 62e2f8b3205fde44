/**
 * One agent, two consoles on two server processes sharing a store, each accepting a different chat
 * at the same instant with one unit of capacity left: exactly one accept wins. The store answers
 * reads as slowly as a networked one, so that both accepts read the capacity before either takes it.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, type Raw } from '../../helpers/raw.js'

/** The memory store with a networked store's read latency. */
class DistantStore extends MemoryStore {
  override async listConversations(...args: Parameters<MemoryStore['listConversations']>): ReturnType<MemoryStore['listConversations']> {
    const read = await super.listConversations(...args)
    await new Promise((resolve) => setTimeout(resolve, 30))
    return read
  }

  override async liveAssigned(agentIds: readonly string[]): ReturnType<MemoryStore['liveAssigned']> {
    const read = await super.liveAssigned(agentIds)
    await new Promise((resolve) => setTimeout(resolve, 30))
    return read
  }
}

const servers: StartedServer[] = []
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  for (const s of servers.splice(0)) await s.close()
})

test('two consoles of one agent cannot both take its last unit of capacity', async () => {
  const store = new DistantStore()
  const options = { store, agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 1 } } }
  const [one, two] = [await startServer(options), await startServer(options)]
  servers.push(one, two)
  const c1 = await customer(one.url)
  const c2 = await customer(two.url)
  const left = await agent(one.url)
  const right = await agent(two.url)
  sockets.push(c1.raw, c2.raw, left.raw, right.raw)

  left.raw.send({ type: 'accept', conversationId: c1.welcome.conversationId })
  right.raw.send({ type: 'accept', conversationId: c2.welcome.conversationId })
  const outcome = async (raw: Raw, id: unknown) =>
    (await raw.next((f) => (f.type === 'event' && f.conversationId === id && (f.item as { status?: string }).status === 'active') || (f.type === 'error' && f.ref === id))).type
  const results = await Promise.all([outcome(left.raw, c1.welcome.conversationId), outcome(right.raw, c2.welcome.conversationId)])
  expect(results.sort()).toEqual(['error', 'event'])
  const active = await store.listConversations({ statuses: ['active'] })
  expect(active).toHaveLength(1)
  const refusal = [left.raw, right.raw].flatMap((r) => r.frames).find((f) => f.type === 'error')
  expect(refusal).toMatchObject({ code: 'capacity-full' })
})
