import { describe, expect, it } from 'vitest'
import { MAX_TITLE_LENGTH, MAX_URL_LENGTH, parseCustomerFrame, parseServerToAgentFrame } from '../../src/protocol/index.js'

const json = (v: unknown) => JSON.stringify(v)

describe('customer context frames', () => {
  it('a page frame: a URL and a title within the limits', () => {
    expect(parseCustomerFrame(json({ type: 'page', url: 'https://a.example/x#y', title: '' })).ok).toBe(true)
    expect(parseCustomerFrame(json({ type: 'page', url: 'u'.repeat(MAX_URL_LENGTH), title: 't'.repeat(MAX_TITLE_LENGTH) })).ok).toBe(true)
    for (const bad of [
      { type: 'page', title: 'x' },
      { type: 'page', url: 'https://a.example/' },
      { type: 'page', url: '', title: 'x' },
      { type: 'page', url: 1, title: 'x' },
      { type: 'page', url: 'u'.repeat(MAX_URL_LENGTH + 1), title: 'x' },
      { type: 'page', url: 'https://a.example/', title: 't'.repeat(MAX_TITLE_LENGTH + 1) },
    ]) {
      expect(parseCustomerFrame(json(bad)), json(bad).slice(0, 60)).toMatchObject({ ok: false, code: 'bad-frame' })
    }
  })

  it('hello may carry the page, checked the same way', () => {
    const hello = { type: 'hello', v: 1, widgetId: 'w', tabId: 't' }
    expect(parseCustomerFrame(json({ ...hello, page: { url: 'https://a.example/', title: 'A' } })).ok).toBe(true)
    expect(parseCustomerFrame(json({ ...hello, page: { url: 'https://a.example/' } }))).toMatchObject({ ok: false, code: 'bad-frame' })
  })

  it('the agent side: ready with canned responses (or without, from older servers), and customer frames', () => {
    const ready = { type: 'ready', v: 1, agent: { id: 'a', name: 'A', capacity: 1 }, conversations: [], offers: [], graceMs: 1, agentGraceMs: 1, heartbeatMs: 1 }
    expect(parseServerToAgentFrame(json(ready)).ok).toBe(true)
    expect(parseServerToAgentFrame(json({ ...ready, canned: [{ id: 'hi', title: 'Hi', text: 'Hi {{name}}' }] })).ok).toBe(true)
    expect(parseServerToAgentFrame(json({ ...ready, canned: [{ id: 'hi', title: 'Hi' }] })).ok).toBe(false)
    expect(parseServerToAgentFrame(json({ type: 'customer', conversationId: 'c', customer: { pages: [] } })).ok).toBe(true)
    expect(parseServerToAgentFrame(json({ type: 'customer', conversationId: 'c' })).ok).toBe(false)
  })
})
