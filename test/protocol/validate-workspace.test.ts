/** The agent workspace frames: transfer, note, and the server's note/agents/conversation, with their limits. */
import { describe, expect, it } from 'vitest'
import { parseAgentFrame, parseCustomerFrame, parseServerToAgentFrame, parseServerToCustomerFrame } from '../../src/protocol/index.js'

const limits = { maxFrameBytes: 2_000, maxTextLength: 100 }
const note = { id: 'c1.n1', at: 5, text: 'VIP', agent: { id: 'a1', name: 'Ana' }, afterSeq: 3, clientId: 'k1' }

describe('agent workspace frames', () => {
  it.each([
    ['transfer without conversationId', { type: 'transfer', to: 'a2' }, 'bad-frame'],
    ['transfer to an empty id', { type: 'transfer', conversationId: 'c1', to: '' }, 'bad-frame'],
    ['transfer with a numeric note', { type: 'transfer', conversationId: 'c1', note: 5 }, 'bad-frame'],
    ['note without clientId', { type: 'note', conversationId: 'c1', text: 'x' }, 'bad-frame'],
    ['note with empty text', { type: 'note', conversationId: 'c1', clientId: 'k1', text: '  ' }, 'bad-frame'],
    ['note text too long', { type: 'note', conversationId: 'c1', clientId: 'k1', text: 'x'.repeat(101) }, 'text-too-long'],
  ])('refuses %s with its code', (_name, frame, code) => {
    expect(parseAgentFrame(JSON.stringify(frame), limits)).toMatchObject({ ok: false, code })
  })

  it('accepts transfer (with and without a target and note) and note', () => {
    for (const frame of [
      { type: 'transfer', conversationId: 'c1' },
      { type: 'transfer', conversationId: 'c1', to: 'a2', note: 'refund' },
      { type: 'note', conversationId: 'c1', clientId: 'k1', text: 'VIP' },
    ]) expect(parseAgentFrame(JSON.stringify(frame), limits)).toEqual({ ok: true, frame })
  })

  it('is no customer frame, and the customer parser knows no note frame', () => {
    expect(parseCustomerFrame(JSON.stringify({ type: 'note', conversationId: 'c1', clientId: 'k1', text: 'x' }), limits)).toMatchObject({ ok: false, code: 'unknown-type' })
    expect(parseServerToCustomerFrame(JSON.stringify({ type: 'note', conversationId: 'c1', note }))).toMatchObject({ ok: false, code: 'unknown-type' })
  })

  it('parses the server frames: note, agents, conversation with notes, ready with role and agents', () => {
    const snapshot = { id: 'c1', status: 'open', widgetId: 'w', customer: {}, createdAt: 1, presence: { conversationId: 'c1', state: 'connected' }, transcript: [], notes: [note] }
    const agents = [{ id: 'a1', name: 'Ana', online: true, used: 1, capacity: 2 }]
    for (const frame of [
      { type: 'note', conversationId: 'c1', note },
      { type: 'agents', agents },
      { type: 'conversation', conversation: snapshot },
      { type: 'ready', v: 1, agent: { id: 'supervisor', name: 'Supervisor', capacity: 0 }, role: 'supervisor', agents, conversations: [snapshot], offers: [], graceMs: 1, agentGraceMs: 1, heartbeatMs: 1 },
    ]) expect(parseServerToAgentFrame(JSON.stringify(frame))).toEqual({ ok: true, frame })
    expect(parseServerToAgentFrame(JSON.stringify({ type: 'agents', agents: [{ id: 'a1', name: 'Ana', online: 'yes', used: 1, capacity: 2 }] }))).toMatchObject({ ok: false })
    expect(parseServerToAgentFrame(JSON.stringify({ type: 'note', conversationId: 'c1', note: { ...note, afterSeq: -1 } }))).toMatchObject({ ok: false })
    expect(parseServerToAgentFrame(JSON.stringify({ type: 'ready', v: 1, agent: { id: 'a', name: 'a', capacity: 0 }, role: 'boss', conversations: [], offers: [], graceMs: 1, agentGraceMs: 1, heartbeatMs: 1 }))).toMatchObject({ ok: false })
  })
})
