import { describe, expect, it } from 'vitest'
import { AgentOutbox, type AgentRequest } from '../../src/agent/outbox.js'

const message = (conversationId: string, clientId: string): AgentRequest => ({ kind: 'message', conversationId, clientId, text: clientId })

describe('AgentOutbox', () => {
  it('sends one request per conversation at a time, in the order made; the next once the first is done', () => {
    const outbox = new AgentOutbox()
    const [a1, a2, b1] = [message('a', 'a1'), message('a', 'a2'), message('b', 'b1')]
    const end: AgentRequest = { kind: 'end', conversationId: 'a' }
    for (const r of [a1, a2, end, b1]) outbox.add(r)
    expect(outbox.due()).toEqual([a1, b1])
    expect(outbox.due()).toEqual([])
    outbox.done(a1)
    expect(outbox.due()).toEqual([a2])
    outbox.done(a2)
    expect(outbox.first('a')).toBe(end)
    expect(outbox.due()).toEqual([end])
  })

  it('after a lost socket or a refusal for now, the first request goes again before any later one', () => {
    const outbox = new AgentOutbox()
    const [a1, a2] = [message('a', 'a1'), message('a', 'a2')]
    outbox.add(a1)
    expect(outbox.due()).toEqual([a1])
    outbox.add(a2)
    outbox.lost()
    expect(outbox.sent('a')).toBeUndefined()
    expect(outbox.due()).toEqual([a1])
    outbox.again('a')
    expect(outbox.due()).toEqual([a1])
    expect(outbox.message('a2')).toBe(a2)
  })

  it('drops every request of a conversation that is not ours, and nothing of another', () => {
    const outbox = new AgentOutbox()
    const [a1, a2, b1] = [message('a', 'a1'), message('a', 'a2'), message('b', 'b1')]
    for (const r of [a1, a2, b1]) outbox.add(r)
    outbox.due()
    expect(outbox.drop('a')).toEqual([a1, a2])
    expect(outbox.due()).toEqual([])
    expect(outbox.sent('b')).toBe(b1)
    expect(outbox.clear()).toEqual([b1])
  })
})
