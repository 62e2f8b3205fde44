/**
 * One contract, every store: the in-memory default, Redis (a real redis-server) and Redis Cluster (three
 * real masters) must number, de-duplicate, index, schedule and fan out exactly alike, so the engine
 * runs unchanged on any.
 */
import { describe, expect, it } from 'vitest'
import { createConversation } from '../../src/server/engine/transitions.js'
import type { Conversation, Step } from '../../src/server/engine/types.js'
import { MemoryStore } from '../../src/server/store/memory-store.js'
import type { BusMessage, Store } from '../../src/server/store/types.js'
import { waitFor } from '../helpers/raw.js'
import { useRedisPairs } from '../helpers/redis-pairs.js'

const pairOn = useRedisPairs()

/** Two handles on one store: for Redis two separate connections, as two processes would have. */
async function pair(kind: 'memory' | 'redis' | 'redis-cluster'): Promise<[Store, Store]> {
  if (kind === 'memory') {
    const store = new MemoryStore()
    return [store, store]
  }
  return pairOn(kind)
}

const open = (id: string, at = 1_000): Step =>
  createConversation({ id, widgetId: 'w', customer: { name: 'Kim' }, tokenHash: 'h' }, { id: 'k1', tabId: 't1' }, at)

const say = (text: string, clientId?: string) => (c: Conversation): Step => ({
  conversation: c,
  drafts: [{ kind: 'message', from: 'customer', text, at: 2_000, ...(clientId ? { clientId } : {}) }],
})

describe.each(['memory', 'redis', 'redis-cluster'] as const)('%s store', (kind) => {
  it('creates a conversation, numbers its items from 1 and refuses a second create of the same id', async () => {
    const [store] = await pair(kind)
    const created = await store.create(open('c1'))
    expect(created.items.map((i) => i.seq)).toEqual(created.items.map((_, n) => n + 1))
    expect(created.conversation.lastSeq).toBe(created.items.length)
    expect(await store.get('c1')).toEqual(created.conversation)
    await expect(store.create(open('c1'))).rejects.toThrow()
    expect(await store.get('missing')).toBeUndefined()
    expect(await store.transact('missing', say('x'))).toBeUndefined()
  })

  it('appends in order, drops a repeated client id with the original ack, and replays after a seq', async () => {
    const [store] = await pair(kind)
    const start = (await store.create(open('c2'))).conversation.lastSeq
    const first = await store.transact('c2', say('hello', 'm1'))
    expect(first?.items).toEqual([expect.objectContaining({ seq: start + 1, id: `c2.${start + 1}`, text: 'hello', clientId: 'm1' })])
    const again = await store.transact('c2', say('hello', 'm1'))
    expect(again?.items).toEqual([])
    expect(again?.duplicates.get('m1')).toEqual({ seq: start + 1, messageId: `c2.${start + 1}` })
    await store.transact('c2', say('second', 'm2'))
    expect(await store.findAck('c2', 'm2')).toEqual({ seq: start + 2, messageId: `c2.${start + 2}` })
    const after = await store.transcript('c2', start)
    expect(after.map((i) => (i.kind === 'message' ? i.text : i.status))).toEqual(['hello', 'second'])
    expect((await store.transcript('c2')).map((i) => i.seq)).toEqual(Array.from({ length: start + 2 }, (_, n) => n + 1))
  })

  it('changes nothing when the mutator returns null', async () => {
    const [store] = await pair(kind)
    const created = await store.create(open('c3'))
    const result = await store.transact('c3', () => null)
    expect(result?.items).toEqual([])
    expect(await store.get('c3')).toEqual(created.conversation)
  })

  it('lists by status and by agent, following changes', async () => {
    const [store] = await pair(kind)
    await store.create(open('o1'))
    await store.create(open('o2'))
    await store.transact('o2', (c) => ({ conversation: { ...c, status: 'active', agent: { id: 'a1', name: 'Ana' } }, drafts: [] }))
    const ids = async (filter: Parameters<Store['listConversations']>[0]) => (await store.listConversations(filter)).map((c) => c.id).sort()
    expect(await ids({ statuses: ['open'] })).toEqual(['o1'])
    expect(await ids({ statuses: ['active'] })).toEqual(['o2'])
    expect(await ids({ agentId: 'a1' })).toEqual(['o2'])
    await store.transact('o2', (c) => {
      const next = { ...c, status: 'open' as const }
      delete next.agent
      return { conversation: next, drafts: [] }
    })
    expect(await ids({ agentId: 'a1' })).toEqual([])
    expect(await ids({ statuses: ['open'] })).toEqual(['o1', 'o2'])
    await store.transact('o1', (c) => ({ conversation: { ...c, status: 'closed' }, drafts: [] }))
    expect(await store.countByStatus()).toEqual({ open: 1, active: 0, 'wrap-up': 0, closed: 1 })
  })

  it('removes a closed conversation with its transcript, acks, indexes and deadlines; a live one stays', async () => {
    const [store] = await pair(kind)
    await store.create(open('r1'))
    await store.create(open('r2'))
    await store.transact('r1', say('bye', 'm1'))
    await store.transact('r1', (c) => ({ conversation: { ...c, status: 'closed' }, drafts: [] }))
    await store.setDeadlines('r1', [{ conversationId: 'r1', kind: 'purge', at: 5 }])
    expect(await store.removeClosed('r2')).toBe(false)
    expect(await store.removeClosed('r1')).toBe(true)
    expect(await store.get('r1')).toBeUndefined()
    expect(await store.transcript('r1')).toEqual([])
    expect(await store.findAck('r1', 'm1')).toBeUndefined()
    expect((await store.listConversations()).map((c) => c.id)).toEqual(['r2'])
    expect(await store.claimDue(1_000)).toEqual([])
    expect(await store.removeClosed('r1')).toBe(false)
  })

  it('keeps internal notes in their own list: ids made by the store, a repeated client id recorded once, no seq taken', async () => {
    const [a, b] = await pair(kind)
    const created = await a.create(open('n1'))
    await a.create(open('n2'))
    const ana = { id: 'a1', name: 'Ana' }
    const first = await a.addNote('n1', { at: 5, text: 'VIP, be kind', agent: ana, afterSeq: 1, clientId: 'k1' })
    expect(first).toEqual({ note: { id: 'n1.n1', at: 5, text: 'VIP, be kind', agent: ana, afterSeq: 1, clientId: 'k1' }, duplicate: false })
    // Another process repeats the same client id (an outbox re-send after a reconnect): the original.
    expect(await b.addNote('n1', { at: 9, text: 'VIP, be kind', agent: ana, afterSeq: 2, clientId: 'k1' })).toEqual({ note: first?.note, duplicate: true })
    const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).addNote('n1', { at: 10 + i, text: `n${i}`, agent: ana, afterSeq: 1, clientId: `r${i}` })))
    const notes = await b.notes('n1')
    expect(notes.map((n) => n.id)).toEqual(Array.from({ length: 11 }, (_, i) => `n1.n${i + 1}`))
    expect(new Set(racing.map((r) => r?.note.id)).size).toBe(10)
    // The same client id in another conversation is another note; notes take no transcript seq.
    expect((await a.addNote('n2', { at: 5, text: 'x', agent: ana, afterSeq: 0, clientId: 'k1' }))?.note.id).toBe('n2.n1')
    expect((await a.get('n1'))?.lastSeq).toBe(created.conversation.lastSeq)
    expect(await a.transcript('n1')).toEqual(created.items)
    expect(await a.addNote('missing', { at: 5, text: 'x', agent: ana, afterSeq: 0, clientId: 'k9' })).toBeUndefined()
    expect(await a.notes('missing')).toEqual([])
  })

  it('removes the notes with the conversation', async () => {
    const [store] = await pair(kind)
    await store.create(open('nr'))
    await store.addNote('nr', { at: 5, text: 'gone soon', agent: { id: 'a1', name: 'Ana' }, afterSeq: 1, clientId: 'k1' })
    await store.transact('nr', (c) => ({ conversation: { ...c, status: 'closed' }, drafts: [] }))
    expect(await store.removeClosed('nr')).toBe(true)
    expect(await store.notes('nr')).toEqual([])
    // A conversation made again with the id starts without them, and numbers its notes from 1.
    await store.create(open('nr'))
    expect((await store.addNote('nr', { at: 6, text: 'new', agent: { id: 'a1', name: 'Ana' }, afterSeq: 1, clientId: 'k1' }))).toMatchObject({ duplicate: false, note: { id: 'nr.n1', text: 'new' } })
  })

  it('writes the deadlines of the record as updated, with the update: racing updates leave the last one', async () => {
    const [a, b] = await pair(kind)
    // Deadlines that name the record they were made from, so a stale set would show.
    const schedule = (c: Conversation) => [{ conversationId: c.id, kind: 'grace' as const, at: 10_000 + c.lastSeq }]
    const created = await a.create(open('s1'), schedule)
    expect(created.deadlines).toEqual([{ conversationId: 's1', kind: 'grace', at: 10_000 + created.conversation.lastSeq }])
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).transact('s1', say(`m${i}`), schedule)))
    const last = Math.max(...results.map((r) => r!.conversation.lastSeq))
    expect(await a.nextDeadline()).toBe(10_000 + last)
    // No change, no write.
    expect((await a.transact('s1', () => null, () => []))?.deadlines).toBeUndefined()
    expect(await b.claimDue(20_000)).toEqual([{ conversationId: 's1', kind: 'grace', at: 10_000 + last }])
  })

  it('an update with a schedule replaces deadlines set on their own, and the reverse', async () => {
    const [a, b] = await pair(kind)
    await a.create(open('m1'))
    await a.setDeadlines('m1', [{ conversationId: 'm1', kind: 'grace', at: 100 }, { conversationId: 'm1', kind: 'queue', at: 200 }])
    await b.transact('m1', say('hi'), (c) => [{ conversationId: c.id, kind: 'grace', at: 300 }])
    expect(await a.nextDeadline()).toBe(300)
    await b.setDeadlines('m1', [{ conversationId: 'm1', kind: 'queue', at: 400 }])
    expect(await a.claimDue(1_000)).toEqual([{ conversationId: 'm1', kind: 'queue', at: 400 }])
  })

  it("sees a process's lease from another handle, and sees it lapse when not renewed", async () => {
    const [a, b] = await pair(kind)
    await a.renewLease('p1', 60_000)
    await a.renewLease('p2', 50)
    expect(await b.lapsedLeases(['p1', 'never'])).toEqual(['never'])
    await waitFor(async () => (await b.lapsedLeases(['p1', 'p2'])).length === 1)
    expect(await b.lapsedLeases(['p1', 'p2'])).toEqual(['p2'])
  })

  it('replaces deadlines per conversation and gives each due one to exactly one claimer', async () => {
    const [a, b] = await pair(kind)
    await a.setDeadlines('d1', [{ conversationId: 'd1', kind: 'grace', at: 500 }])
    await a.setDeadlines('d1', [{ conversationId: 'd1', kind: 'grace', at: 100 }, { conversationId: 'd1', kind: 'queue', at: 9_000 }])
    for (let i = 0; i < 40; i++) await a.setDeadlines(`x${i}`, [{ conversationId: `x${i}`, kind: 'grace', at: 200 + i }])
    expect(await a.nextDeadline()).toBe(100)
    const [left, right] = await Promise.all([a.claimDue(1_000, 1_000), b.claimDue(1_000, 1_000)])
    const claimed = [...left, ...right].map((d) => `${d.conversationId}/${d.kind}`)
    expect(new Set(claimed).size).toBe(claimed.length)
    expect(claimed).toHaveLength(41)
    expect(claimed).not.toContain('d1/queue')
    expect(await a.claimDue(1_000)).toEqual([])
    expect(await b.nextDeadline()).toBe(9_000)
  })

  it('updates agents atomically under contention', async () => {
    const [a, b] = await pair(kind)
    const add = (store: Store, n: number) =>
      store.updateAgent('ana', (prev) => ({ id: 'ana', name: 'Ana', capacity: 2, connections: [...(prev?.connections ?? []), `k${n}`] }))
    await Promise.all(Array.from({ length: 20 }, (_, n) => add(n % 2 ? a : b, n)))
    expect((await a.getAgent('ana'))?.connections).toHaveLength(20)
    expect((await b.listAgents()).map((x) => x.id)).toEqual(['ana'])
  })

  it('numbers concurrent appends from two handles without gaps or repeats', async () => {
    const [a, b] = await pair(kind)
    const start = (await a.create(open('busy'))).conversation.lastSeq
    await Promise.all(Array.from({ length: 50 }, (_, n) => (n % 2 ? a : b).transact('busy', say(`m${n}`, `c${n}`))))
    const seqs = (await b.transcript('busy', start)).map((i) => i.seq)
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, n) => start + n + 1))
    expect((await a.get('busy'))?.lastSeq).toBe(start + 50)
  })

  it('runs bodies under one name one at a time across handles, and frees the name after a failure', async () => {
    const [a, b] = await pair(kind)
    let inside = 0
    let most = 0
    const body = async (): Promise<number> => {
      most = Math.max(most, ++inside)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inside -= 1
      return inside
    }
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).exclusive('agent:a1', body)))
    expect(most).toBe(1)
    await expect(a.exclusive('agent:a1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await b.exclusive('agent:a1', async () => 'free again')).toBe('free again')
  })

  it('fans a published message out to every handle that follows its topic, the publisher included', async () => {
    const [a, b] = await pair(kind)
    // Wrapped: an async function returning the promise itself would wait for it.
    const got = async (store: Store): Promise<{ message: Promise<BusMessage> }> => {
      let resolve: (m: BusMessage) => void = () => {}
      const message = new Promise<BusMessage>((r) => (resolve = r))
      await store.subscribe((m) => resolve(m)).follow('routing')
      return { message }
    }
    const both = Promise.all((await Promise.all([got(a), got(b)])).map((g) => g.message))
    await a.publish({ type: 'routing' })
    expect(await both).toEqual([{ type: 'routing' }, { type: 'routing' }])
  })

  it('delivers a conversation\'s messages only to the listeners following it, until they unfollow', async () => {
    const [a, b] = await pair(kind)
    const heardBy = { follower: [] as BusMessage[], other: [] as BusMessage[] }
    const follower = b.subscribe((m) => heardBy.follower.push(m))
    const other = b.subscribe((m) => heardBy.other.push(m))
    await follower.follow('conversation:t1')
    await other.follow('conversation:t2')
    const typing = (n: string): BusMessage => ({ type: 'typing', conversationId: 't1', from: 'agent', agentId: n })
    await a.publish(typing('first'))
    // Published after the first and on the same connection, so it arrives after it: a fence.
    await a.publish({ type: 'typing', conversationId: 't2', from: 'agent' })
    await waitFor(() => heardBy.other.length === 1)
    expect(heardBy.follower).toEqual([typing('first')])
    follower.unfollow('conversation:t1')
    await a.publish(typing('second'))
    await a.publish({ type: 'typing', conversationId: 't2', from: 'agent' })
    await waitFor(() => heardBy.other.length === 2)
    expect(heardBy.follower).toEqual([typing('first')])
    follower.close()
    other.close()
  })

  // Signed customer identity: the sub index, written with the record.
  const signedIn = (id: string, sub: string, at = 1_000): Step =>
    createConversation({ id, widgetId: 'w', customer: { sub, name: 'Kim' }, tokenHash: 'h' }, { id: 'k1', tabId: 't1' }, at)
  const toStatus = (status: Conversation['status']) => (c: Conversation): Step => ({ conversation: { ...c, status }, drafts: [] })

  it('indexes a signed-in customer\'s live conversation by sub, seen from another handle, and drops it as the chat ends', async () => {
    const [a, b] = await pair(kind)
    await a.create(open('anon'))
    expect(await b.liveConversationOf('kim')).toBeUndefined()
    await a.create(signedIn('s1', 'kim'))
    expect(await b.liveConversationOf('kim')).toBe('s1')
    await b.transact('s1', toStatus('active'))
    expect(await a.liveConversationOf('kim')).toBe('s1')
    await b.transact('s1', toStatus('wrap-up'))
    expect(await a.liveConversationOf('kim')).toBeUndefined()
    // Reopened (R10): live again.
    await b.transact('s1', toStatus('active'))
    expect(await a.liveConversationOf('kim')).toBe('s1')
    await a.create(signedIn('s2', 'kim', 2_000))
    expect(await b.liveConversationOf('kim')).toBe('s2')
    // An older chat ending does not unlink the newer one.
    await a.transact('s1', toStatus('closed'))
    expect(await b.liveConversationOf('kim')).toBe('s2')
    expect(await b.liveConversationOf('other')).toBeUndefined()
  })

  it('lists a customer\'s conversations newest first, bounded, and forgets removed ones', async () => {
    const [a, b] = await pair(kind)
    await a.create(signedIn('h1', 'lee', 1_000))
    await a.create(signedIn('h2', 'lee', 2_000))
    await a.create(signedIn('h3', 'lee', 3_000))
    await a.create(signedIn('x1', 'someone-else', 4_000))
    expect((await b.conversationsOf('lee', 10)).map((c) => c.id)).toEqual(['h3', 'h2', 'h1'])
    expect((await b.conversationsOf('lee', 2)).map((c) => c.id)).toEqual(['h3', 'h2'])
    expect((await b.conversationsOf('lee', 2))[0]?.customer).toEqual({ sub: 'lee', name: 'Kim' })
    await a.transact('h2', toStatus('closed'))
    expect(await a.removeClosed('h2')).toBe(true)
    expect((await b.conversationsOf('lee', 10)).map((c) => c.id)).toEqual(['h3', 'h1'])
    expect(await b.conversationsOf('nobody', 10)).toEqual([])
  })

  it('keeps the queue oldest first (statusAt, then createdAt) in the write itself, seen from another handle', async () => {
    const [store, other] = await pair(kind)
    await store.create(open('q-late', 3_000))
    await store.create(open('q-early', 1_000))
    // Same statusAt as q-tie-b, created earlier: ahead of it.
    await store.create({ ...open('q-tie-b', 2_000), conversation: { ...open('q-tie-b', 2_000).conversation, createdAt: 1_500 } })
    await store.create({ ...open('q-tie-a', 2_000), conversation: { ...open('q-tie-a', 2_000).conversation, createdAt: 1_200 } })
    const ids = async (limit: number) => (await other.queue(limit)).map((c) => c.id)
    expect(await ids(10)).toEqual(['q-early', 'q-tie-a', 'q-tie-b', 'q-late'])
    expect(await ids(2)).toEqual(['q-early', 'q-tie-a'])
    expect(await ids(0)).toEqual([])
    expect(Object.fromEntries(await other.queueRanks(['q-late', 'q-early', 'missing']))).toEqual({ 'q-early': 1, 'q-late': 4 })

    // Accepted: out of the queue. Back in it (a transfer): at the end, from its new statusAt.
    await store.transact('q-early', (c) => ({ conversation: { ...c, status: 'active', statusAt: 4_000, agent: { id: 'a1', name: 'Ana' } }, drafts: [] }))
    expect(await ids(10)).toEqual(['q-tie-a', 'q-tie-b', 'q-late'])
    expect(Object.fromEntries(await other.queueRanks(['q-early', 'q-late']))).toEqual({ 'q-late': 3 })
    await store.transact('q-early', (c) => {
      const back: Conversation = { ...c, status: 'open', statusAt: 5_000 }
      delete back.agent
      return { conversation: back, drafts: [] }
    })
    // A write that leaves status and statusAt alone leaves its place alone.
    await store.transact('q-tie-a', (c) => ({ conversation: { ...c, lastHeardAt: 9_000 }, drafts: [] }))
    expect(await ids(10)).toEqual(['q-tie-a', 'q-tie-b', 'q-late', 'q-early'])
    await store.transact('q-tie-b', (c) => ({ conversation: { ...c, status: 'closed', statusAt: 6_000 }, drafts: [] }))
    expect(await ids(10)).toEqual(['q-tie-a', 'q-late', 'q-early'])
    expect((await other.queue(1))[0]).toEqual(await store.get('q-tie-a'))
  })

  it('indexes an agent\'s live conversations (Active, Wrap-up, Open waiting for it alone), never its closed ones', async () => {
    const [store, other] = await pair(kind)
    const ana = { id: 'a1', name: 'Ana' }
    const to = (status: Conversation['status'], extra: Partial<Conversation> = {}) => (c: Conversation): Step => ({ conversation: { ...c, status, ...extra }, drafts: [] })
    const live = async (agentId: string) => (await other.liveAssigned([agentId])).map((c) => c.id).sort()
    for (const id of ['g1', 'g2', 'g3', 'g4']) await store.create(open(id))
    expect(await live('a1')).toEqual([])
    await store.transact('g1', to('active', { agent: ana }))
    await store.transact('g2', to('active', { agent: ana }))
    await store.transact('g2', to('wrap-up'))
    await store.transact('g3', to('active', { agent: ana }))
    await store.transact('g3', to('closed'))
    await store.transact('g4', to('open', { preferredAgentId: 'a1', affinitySince: 1_000 }))
    expect(await live('a1')).toEqual(['g1', 'g2', 'g4'])
    expect(await live('a2')).toEqual([])
    expect((await other.liveAssigned(['a1', 'a2'])).find((c) => c.id === 'g2')).toEqual(await store.get('g2'))
    // The preference lapses: no longer waiting for a1 alone. Transferred to a2: in a2's index.
    await store.transact('g4', to('open', { affinityLapsed: true }))
    await store.transact('g1', (c) => {
      const moved: Conversation = { ...c, status: 'open', preferredAgentId: 'a2' }
      delete moved.agent
      return { conversation: moved, drafts: [] }
    })
    expect(await live('a1')).toEqual(['g2'])
    expect(await live('a2')).toEqual(['g1'])
    expect((await other.liveAssigned(['a1', 'a2', 'a3'])).map((c) => c.id).sort()).toEqual(['g1', 'g2'])
    expect(await other.liveAssigned([])).toEqual([])
    await store.transact('g2', to('closed'))
    expect(await store.removeClosed('g2')).toBe(true)
    expect(await live('a1')).toEqual([])
  })
})
