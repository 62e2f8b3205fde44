/**
 * The agent's view folded from server frames (pure). The case here is a race the chaos run found: the
 * server's routing withdraws an offer on what it read just before this console's accept landed, the
 * accept wins anyway, and the chat's next items come to a console that had dropped it.
 */
import { describe, expect, it } from 'vitest'
import type { ConversationSnapshot, ServerToAgentFrame, StatusItem } from '../../src/protocol/index.js'
import { applyFrame, emptyState } from '../../src/agent/state.js'

const me = { id: 'a1', name: 'Ana' }

const snapshot: ConversationSnapshot = {
  id: 'c1',
  status: 'open',
  widgetId: 'w',
  customer: { name: 'Kim' },
  createdAt: 1_000,
  presence: { conversationId: 'c1', state: 'connected' },
  transcript: [
    { kind: 'status', seq: 1, status: 'open', reason: 'customer-started', at: 1_000 },
    { kind: 'message', seq: 2, id: 'c1.2', from: 'customer', text: 'hello', at: 1_001 },
  ],
}

const acceptedItem: StatusItem = { kind: 'status', seq: 3, status: 'active', reason: 'agent-accepted', at: 1_002, agent: me }
const accepted: ServerToAgentFrame = { type: 'event', conversationId: 'c1', item: acceptedItem }
const ready: ServerToAgentFrame = {
  type: 'ready',
  v: 1,
  agent: { ...me, capacity: 2 },
  conversations: [],
  offers: [],
  graceMs: 2_000,
  agentGraceMs: 2_000,
  heartbeatMs: 15_000,
}

describe('an offer withdrawn while its accept is on its way', () => {
  it('becomes the console conversation, whole transcript included, when the accept wins', () => {
    const state = emptyState()
    applyFrame(state, { type: 'offer', conversation: snapshot }, me.id)
    state.accepting.add('c1')
    expect(applyFrame(state, { type: 'offer-withdrawn', conversationId: 'c1' }, me.id)).toEqual([{ type: 'offer-withdrawn', conversationId: 'c1' }])
    expect(state.offers.has('c1')).toBe(false)

    const changes = applyFrame(state, accepted, me.id)
    const held = state.conversations.get('c1')
    expect(held?.status).toBe('active')
    expect(held?.agent).toEqual(me)
    expect(held?.transcript.map((i) => i.seq)).toEqual([1, 2, 3])
    // `assigned` is what makes the runner emit `conversation` and resolve accept().
    expect(changes).toEqual([{ type: 'item', conversation: held, item: acceptedItem, assigned: true }])
    expect(state.withdrawn.size).toBe(0)
  })

  it('is forgotten when no accept of it is on its way', () => {
    const state = emptyState()
    applyFrame(state, { type: 'offer', conversation: snapshot }, me.id)
    applyFrame(state, { type: 'offer-withdrawn', conversationId: 'c1' }, me.id)
    expect(state.withdrawn.size).toBe(0)
    expect(applyFrame(state, accepted, me.id)).toEqual([])
    expect(state.conversations.has('c1')).toBe(false)
  })

  it('is forgotten on ready, whose snapshot says what the console holds', () => {
    const state = emptyState()
    applyFrame(state, { type: 'offer', conversation: snapshot }, me.id)
    state.accepting.add('c1')
    applyFrame(state, { type: 'offer-withdrawn', conversationId: 'c1' }, me.id)
    applyFrame(state, ready, me.id)
    expect(state.withdrawn.size).toBe(0)
  })
})

describe('a chat this console held, reopened and offered to it again', () => {
  it('is the offer, whole, and once accepted holds every item', () => {
    const state = emptyState()
    const held = { ...snapshot, status: 'closed' as const, agent: me, transcript: [...snapshot.transcript, { ...acceptedItem }] }
    applyFrame(state, { ...ready, conversations: [held] } as ServerToAgentFrame, me.id)
    // Reopened (R10): the previous agent hears it, then gets it as an offer with what was written since.
    const reopened: StatusItem = { kind: 'status', seq: 4, status: 'open', reason: 'customer-reconnected', at: 2_000 }
    applyFrame(state, { type: 'event', conversationId: 'c1', item: reopened }, me.id)
    const written = { kind: 'message' as const, seq: 5, id: 'c1.5', from: 'customer' as const, text: 'back', at: 2_001 }
    applyFrame(state, { type: 'offer', conversation: { ...snapshot, transcript: [...held.transcript, reopened, written] } }, me.id)
    expect(state.conversations.has('c1')).toBe(false)

    const again: StatusItem = { ...acceptedItem, seq: 6, at: 2_002 }
    applyFrame(state, { type: 'event', conversationId: 'c1', item: again }, me.id)
    expect(state.conversations.get('c1')?.transcript.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6])
  })
})

describe('internal notes and the workspace frames in the console view', () => {
  const note = (n: number) => ({ id: `c1.n${n}`, at: 1_000 + n, text: `note ${n}`, agent: me, afterSeq: 2 })

  it('holds each note once, in order, from the snapshot and live, and counts each as shown once', async () => {
    const { unshownNotes } = await import('../../src/agent/state.js')
    const state = emptyState()
    applyFrame(state, { ...ready, conversations: [{ ...snapshot, status: 'active', agent: me, notes: [note(1)] }] } as ServerToAgentFrame, me.id)
    const held = state.conversations.get('c1')
    expect(held && unshownNotes(state, held).map((n) => n.id)).toEqual(['c1.n1'])
    expect(applyFrame(state, { type: 'note', conversationId: 'c1', note: note(2) }, me.id)).toHaveLength(1)
    expect(applyFrame(state, { type: 'note', conversationId: 'c1', note: note(2) }, me.id)).toEqual([])
    expect(applyFrame(state, { type: 'note', conversationId: 'unknown', note: note(3) }, me.id)).toEqual([])
    expect(held?.notes?.map((n) => n.id)).toEqual(['c1.n1', 'c1.n2'])
    expect(held && unshownNotes(state, held).map((n) => n.id)).toEqual(['c1.n2'])
    // A ready after a reconnect brings them again: nothing new to show.
    applyFrame(state, { ...ready, conversations: [{ ...snapshot, status: 'active', agent: me, notes: [note(1), note(2)] }] } as ServerToAgentFrame, me.id)
    const again = state.conversations.get('c1')
    expect(again && unshownNotes(state, again)).toEqual([])
  })

  it('takes role and agents from ready and agents frames, and a conversation frame whole without losing what it held', () => {
    const state = emptyState()
    const agents = [{ id: 'a1', name: 'Ana', online: true, used: 0, capacity: 2 }]
    applyFrame(state, { ...ready, role: 'supervisor', agents } as ServerToAgentFrame, me.id)
    expect(state.role).toBe('supervisor')
    expect([...state.agents.keys()]).toEqual(['a1'])
    applyFrame(state, { type: 'agents', agents: [...agents, { id: 'a2', name: 'Bob', online: false, used: 0, capacity: 1 }] }, me.id)
    expect([...state.agents.keys()]).toEqual(['a1', 'a2'])
    applyFrame(state, { type: 'conversation', conversation: { ...snapshot, notes: [note(1)] } }, me.id)
    applyFrame(state, { type: 'event', conversationId: 'c1', item: acceptedItem }, me.id)
    applyFrame(state, { type: 'conversation', conversation: { ...snapshot, notes: [note(2)] } }, me.id)
    const held = state.conversations.get('c1')
    expect(held?.transcript.map((i) => i.seq)).toEqual([1, 2, 3])
    expect(held?.notes?.map((n) => n.id)).toEqual(['c1.n1', 'c1.n2'])
  })
})
