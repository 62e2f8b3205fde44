/**
 * A routing step reads the agents, their live conversations and the head of the queue: a real
 * store, wrapped only to count the records it hands out, holds 1,000 or 10,000 closed and active
 * conversations, and the step reads the same few records either way. What it reads decides the
 * offers of the local agents exactly as a scan of every open conversation does.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { capacityUsed, computeOffers, OFFER_WINDOW, type AgentLoad } from '../../../src/server/engine/routing.js'
import type { AgentRecord, Conversation } from '../../../src/server/engine/types.js'
import { currentLoads, routingView } from '../../../src/server/runner/loads.js'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import type { Store } from '../../../src/server/store/types.js'
import { config, opened } from '../engine/fixtures.js'

/** The store as it is, with a count of the records each call hands out. */
function counting(store: Store): { store: Store; reads: Map<string, number> } {
  const reads = new Map<string, number>()
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args)
        const n = Array.isArray(result) ? result.length : result instanceof Map ? result.size : result === undefined ? 0 : 1
        reads.set(String(name), (reads.get(String(name)) ?? 0) + n)
        return result
      }
    },
  })
  return { store: proxy, reads }
}

const cfg = config()
const agentRecord = (id: string, capacity: number, online = true): AgentRecord => ({ id, name: id, capacity, connections: online ? [`k-${id}`] : [] })

/** `stored` conversations: each agent's history (closed) and one active chat each, plus `waiting` open ones. */
async function seed(store: Store, stored: number, waiting: number): Promise<void> {
  const agents = ['a1', 'a2', 'a3', 'a4']
  for (const id of agents) await store.updateAgent(id, () => agentRecord(id, 3))
  for (let i = 0; i < stored; i++) {
    const agentId = agents[i % agents.length] as string
    const status = i < agents.length ? 'active' : 'closed'
    const conversation: Conversation = { ...opened(i, `s${i}`), status, statusAt: i, agent: { id: agentId, name: agentId } }
    await store.create({ conversation, drafts: [] })
  }
  for (let i = 0; i < waiting; i++) await store.create({ conversation: opened(100_000 + i, `w${i}`), drafts: [] })
}

describe('a routing step', () => {
  it('reads the same few records with 1,000 or 10,000 conversations stored, and never lists conversations', async () => {
    const counts: Array<Record<string, number>> = []
    for (const stored of [1_000, 10_000]) {
      const { store, reads } = counting(new MemoryStore())
      await seed(store, stored, 50)
      reads.clear()
      const view = await routingView({ store, config: cfg, now: () => 200_000 }, ['a1', 'a2'])
      expect(view.loads.map((l) => l.used)).toEqual([1, 1, 1, 1])
      expect(computeOffers(view.open, view.loads).get('a1')).toHaveLength(OFFER_WINDOW)
      counts.push(Object.fromEntries(reads))
    }
    expect(counts[1]).toEqual(counts[0])
    // Four agents, their four live chats, the queue's head of OFFER_WINDOW.
    expect(counts[0]).toEqual({ listAgents: 4, liveAssigned: 4, queue: OFFER_WINDOW })
  })

  it('gives the local agents the offers a scan of every open conversation gives them', async () => {
    const agentIds = ['a1', 'a2', 'a3']
    const chat = fc.record({
      at: fc.integer({ min: 0, max: 50 }),
      status: fc.constantFrom('open', 'open', 'open', 'active', 'wrap-up', 'closed'),
      agent: fc.constantFrom(...agentIds),
      preferred: fc.option(fc.constantFrom(...agentIds), { nil: undefined }),
      lapsed: fc.boolean(),
      transferredFrom: fc.option(fc.constantFrom(...agentIds), { nil: undefined }),
    })
    const world = fc.record({
      chats: fc.array(chat, { maxLength: 60 }),
      agents: fc.tuple(...agentIds.map(() => fc.record({ capacity: fc.integer({ min: 1, max: 4 }), online: fc.boolean() }))),
      local: fc.subarray(agentIds, { minLength: 1 }),
      window: fc.integer({ min: 1, max: 5 }),
    })
    await fc.assert(fc.asyncProperty(world, async ({ chats, agents, local, window }) => {
      const store = new MemoryStore()
      for (const [i, a] of agents.entries()) await store.updateAgent(agentIds[i] as string, () => agentRecord(agentIds[i] as string, a.capacity, a.online))
      for (const [i, c] of chats.entries()) {
        const conversation: Conversation = { ...opened(c.at, `c${i}`), status: c.status, statusAt: c.at }
        if (c.status !== 'open') conversation.agent = { id: c.agent, name: c.agent }
        if (c.status === 'open' && c.preferred !== undefined) Object.assign(conversation, { preferredAgentId: c.preferred, ...(c.lapsed ? { affinityLapsed: true } : {}) })
        if (c.status === 'open' && c.transferredFrom !== undefined) conversation.transferredFrom = c.transferredFrom
        await store.create({ conversation, drafts: [] })
      }
      const now = 1_000
      const all = await store.listConversations()
      const scanLoads: AgentLoad[] = (await store.listAgents()).map((agent) => ({ agent, used: capacityUsed(agent.id, all, now, cfg.wrapUpCapacity) }))
      const scan = computeOffers(all.filter((c) => c.status === 'open'), scanLoads, window)
      const ctx = { store, config: cfg, now: () => now }
      const view = await routingView(ctx, local, window)
      const offers = computeOffers(view.open, view.loads, window)
      expect(view.loads).toEqual(scanLoads)
      expect((await currentLoads(ctx)).loads).toEqual(scanLoads)
      for (const id of local) expect(offers.get(id) ?? []).toEqual(scan.get(id) ?? [])
    }), { numRuns: 300 })
  })
})
