import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  ERROR_CODES,
  parseAgentFrame,
  parseCustomerFrame,
  parseServerToAgentFrame,
  parseServerToCustomerFrame,
} from '../../src/protocol/index.js'

const limits = { maxFrameBytes: 2_000, maxTextLength: 100 }

describe('parseCustomerFrame', () => {
  it.each([
    ['not json', '{', 'bad-json'],
    ['a JSON array', '[1]', 'bad-json'],
    ['a JSON string', '"hello"', 'bad-json'],
    ['no type', '{}', 'unknown-type'],
    ['an unknown type', '{"type":"launch"}', 'unknown-type'],
    ['a type of the agent side', '{"type":"accept","conversationId":"c"}', 'unknown-type'],
    ['a prototype key as type', '{"type":"toString"}', 'unknown-type'],
    ['hello without tabId', '{"type":"hello","v":1,"widgetId":"w"}', 'bad-frame'],
    ['hello with a numeric widgetId', '{"type":"hello","v":1,"widgetId":5,"tabId":"t"}', 'bad-frame'],
    ['resume with a negative lastSeq', '{"type":"hello","v":1,"widgetId":"w","tabId":"t","resume":{"conversationId":"c","token":"k","lastSeq":-1}}', 'bad-frame'],
    ['message without clientId', '{"type":"message","text":"hi"}', 'bad-frame'],
    ['message with empty text', '{"type":"message","clientId":"m1","text":"   "}', 'bad-frame'],
    ['message text too long', JSON.stringify({ type: 'message', clientId: 'm1', text: 'x'.repeat(101) }), 'text-too-long'],
    ['oversize frame', JSON.stringify({ type: 'message', clientId: 'm1', text: 'é'.repeat(1_500) }), 'frame-too-large'],
    ['ack with a fractional seq', '{"type":"ack","seq":1.5}', 'bad-frame'],
    ['ping with a string time', '{"type":"ping","t":"now"}', 'bad-frame'],
  ])('refuses %s with its code', (_name, raw, code) => {
    const result = parseCustomerFrame(raw, limits)
    expect(result).toMatchObject({ ok: false, code })
  })

  it('accepts a full hello and keeps every field', () => {
    const hello = {
      type: 'hello', v: 1, widgetId: 'support', tabId: 't1', reconnect: true, customer: { name: 'Kim' },
      resume: { conversationId: 'c1', token: 'tok', lastSeq: 4 }, previous: { conversationId: 'c0', token: 'old' },
    }
    expect(parseCustomerFrame(JSON.stringify(hello), limits)).toEqual({ ok: true, frame: hello })
  })

  it('counts the frame limit in UTF-8 bytes, not characters', () => {
    const raw = JSON.stringify({ type: 'message', clientId: 'm', text: '€'.repeat(90) })
    expect(raw.length).toBeLessThan(limits.maxFrameBytes / 2)
    expect(parseCustomerFrame(raw, { maxFrameBytes: raw.length + 10, maxTextLength: 100 })).toMatchObject({ code: 'frame-too-large' })
  })
})

describe('parseAgentFrame', () => {
  it('refuses a message without a conversation and accepts a valid one', () => {
    expect(parseAgentFrame('{"type":"message","clientId":"a","text":"hi"}')).toMatchObject({ ok: false, code: 'bad-frame' })
    expect(parseAgentFrame('{"type":"message","conversationId":"c","clientId":"a","text":"hi"}')).toMatchObject({ ok: true })
  })

  it('refuses a negative capacity in auth', () => {
    expect(parseAgentFrame('{"type":"auth","v":1,"token":"t","capacity":-1}')).toMatchObject({ ok: false, code: 'bad-frame' })
  })
})

describe('server frames', () => {
  it('accepts a welcome and an event, refuses an event with a malformed item', () => {
    const welcome = { type: 'welcome', v: 1, conversationId: 'c', token: 't', status: 'open', resumed: false, lastSeq: 1, graceMs: 2000, heartbeatMs: 500 }
    expect(parseServerToCustomerFrame(JSON.stringify(welcome))).toEqual({ ok: true, frame: welcome })
    const item = { kind: 'message', seq: 2, id: 'm', from: 'agent', text: 'hi', at: 1 }
    expect(parseServerToCustomerFrame(JSON.stringify({ type: 'event', item }))).toMatchObject({ ok: true })
    expect(parseServerToCustomerFrame(JSON.stringify({ type: 'event', item: { ...item, from: 'robot' } }))).toMatchObject({ ok: false, code: 'bad-frame' })
  })

  it('accepts an agent ready frame with snapshots', () => {
    const snapshot = {
      id: 'c', status: 'open', widgetId: 'w', customer: {}, createdAt: 1,
      presence: { conversationId: 'c', state: 'connected' },
      transcript: [{ kind: 'status', seq: 1, status: 'open', reason: 'customer-started', at: 1 }],
    }
    const ready = { type: 'ready', v: 1, agent: { id: 'a', name: 'A', capacity: 2 }, conversations: [], offers: [snapshot], graceMs: 1, agentGraceMs: 1, heartbeatMs: 1 }
    expect(parseServerToAgentFrame(JSON.stringify(ready))).toMatchObject({ ok: true })
  })
})

describe('any input', () => {
  const parsers = [parseCustomerFrame, parseAgentFrame, parseServerToCustomerFrame, parseServerToAgentFrame]

  it('is accepted or refused with a known code, never thrown', () => {
    const inputs = fc.oneof(fc.string(), fc.json(), fc.anything().map((v) => { try { return JSON.stringify(v) } catch { return '' } }))
    fc.assert(
      fc.property(inputs, fc.constantFrom(...parsers), (raw, parse) => {
        const result = parse(raw)
        if (!result.ok) expect(ERROR_CODES).toContain(result.code)
      }),
      { numRuns: 2_000 },
    )
  })

  it('never accepts a frame whose fields were tampered with into the wrong type', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())), (bad) => {
        const raw = JSON.stringify({ type: 'message', clientId: 'm', text: bad })
        expect(parseCustomerFrame(raw).ok).toBe(false)
      }),
    )
  })
})
