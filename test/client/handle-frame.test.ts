/**
 * Frame handling as a table: a runtime in a given phase, one server frame, then the phase, the
 * events the app heard and the frames the client sent. No sockets: a transport that records, and a
 * test clock.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_HEARTBEAT_MS, type ServerToCustomerFrame } from '../../src/protocol/index.js'
import { createChatEmitter } from '../../src/client/events.js'
import { handleFrame } from '../../src/client/handle-frame.js'
import { resolveOptions } from '../../src/client/options.js'
import { recordKey } from '../../src/client/record.js'
import { setPhase, type Phase, type Runtime } from '../../src/client/runtime.js'
import { openStorage } from '../../src/client/storage.js'
import { createSeqTracker } from '../../src/client/transcript.js'
import type { ChatEvents } from '../../src/client/types.js'
import type { Transport } from '../../src/transport/transport.js'
import { createTestClock } from '../helpers/test-clock.js'

const EVENTS: Array<keyof ChatEvents> = ['connection', 'conversation', 'message', 'delivered', 'resumed', 'new-chat', 'reconnect-available', 'typing', 'error']

function runtime(phase: Phase) {
  const clock = createTestClock()
  const sent: unknown[] = []
  const transport: Transport = { connect() {}, replace() {}, stop() {}, send: (frame) => (sent.push(frame), true), open: true }
  const events = createChatEmitter()
  const heard: string[] = []
  for (const event of EVENTS) events.on(event, ((payload: unknown) => heard.push(`${event}:${summary(payload)}`)) as never)
  const rt: Runtime = {
    _options: resolveOptions({ url: 'https://chat.example', widgetId: 'w', WebSocket: class {} as never, reconnect: 'prompt' }),
    _clock: clock,
    _storage: openStorage('memory', () => undefined),
    _key: recordKey('w'),
    _tabId: 't1',
    _events: events,
    _phase: phase,
    _connection: 'connecting',
    _seq: createSeqTracker(),
    _messages: [],
    _heartbeatMs: DEFAULT_HEARTBEAT_MS,
    _presence: { away: false, online: true },
    _lastAliveWrite: 0,
    _lastAcked: 0,
    _lastTypingAt: -Infinity,
    _welcomeWaiters: [],
    _sendWaiters: new Map(),
    _endWaiters: [],
    _transport: transport,
    _decision: { kind: 'new' },
  }
  return { rt, clock, sent, heard }
}

function summary(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return String(payload)
  const p = payload as Record<string, unknown>
  return String(p.state ?? p.status ?? p.code ?? p.text ?? p.reason ?? p.from ?? p.conversationId ?? '')
}

const welcome: ServerToCustomerFrame = { type: 'welcome', v: 1, conversationId: 'c1', token: 'k', status: 'open', resumed: false, lastSeq: 1, graceMs: 180_000, heartbeatMs: 15_000 }
const agentSays: ServerToCustomerFrame = { type: 'event', item: { kind: 'message', seq: 1, id: 'c1.1', from: 'agent', text: 'hi', at: 5 } }

const cases: Array<[string, Phase, ServerToCustomerFrame[], { phase: Phase; heard: string[]; sent?: unknown[] }]> = [
  ['welcome answers the hello: ready, connected, the conversation', 'hello-sent', [welcome], { phase: 'ready', heard: ['connection:connected', 'conversation:open'] }],
  ['a welcome nobody asked for is ignored', 'connecting', [welcome], { phase: 'connecting', heard: [] }],
  ['reconnect-available: the R10 prompt', 'hello-sent', [{ type: 'reconnect-available', conversationId: 'c0', status: 'wrap-up', endedAt: 1, expiresInMs: 5_000 }], { phase: 'prompt', heard: ['reconnect-available:c0'] }],
  ["an agent's message: one event, acknowledged shortly", 'hello-sent', [welcome, agentSays, agentSays], { phase: 'ready', heard: ['connection:connected', 'conversation:open', 'message:hi'], sent: [{ type: 'ack', seq: 1 }] }],
  ['the agent typing', 'hello-sent', [welcome, { type: 'typing', from: 'agent' }], { phase: 'ready', heard: ['connection:connected', 'conversation:open', 'typing:agent'] }],
  ['internal-error on hello: told, and the session ends', 'hello-sent', [{ type: 'error', code: 'internal-error', message: 'bug', ref: 'hello', fatal: true }], { phase: 'ended', heard: ['error:internal-error', 'connection:closed'] }],
  ['a final refusal (origin-forbidden) ends it', 'hello-sent', [{ type: 'error', code: 'origin-forbidden', message: 'no', fatal: true }], { phase: 'ended', heard: ['error:origin-forbidden', 'connection:closed'] }],
  ['conversation-ended: ended, no error', 'hello-sent', [welcome, { type: 'error', code: 'conversation-ended', message: 'ended' }], { phase: 'ended', heard: ['connection:connected', 'conversation:open', 'connection:closed'] }],
]

describe('handleFrame', () => {
  it.each(cases)('%s', (_, phase, frames, expected) => {
    const { rt, clock, sent, heard } = runtime(phase)
    for (const frame of frames) handleFrame(rt, frame)
    clock.advance(150)
    expect(rt._phase).toBe(expected.phase)
    expect(heard).toEqual(expected.heard)
    if (expected.sent) expect(sent.filter((f) => (f as { type: string }).type !== 'ping')).toEqual(expected.sent)
  })
})

describe('setPhase', () => {
  const moves: Array<[Phase, Phase, boolean]> = [
    ['hello-sent', 'ready', true],
    ['connecting', 'ready', false],
    ['hello-sent', 'prompt', true],
    ['ready', 'prompt', false],
    ['prompt', 'hello-sent', true],
    ['ready', 'hello-sent', false],
    ['ready', 'paused', true],
    ['ended', 'connecting', true],
    ['offline', 'connecting', true],
    ['destroyed', 'connecting', false],
    ['ready', 'destroyed', true],
  ]
  it.each(moves)('%s -> %s: %s', (from, to, allowed) => {
    const { rt } = runtime(from)
    expect(setPhase(rt, to)).toBe(allowed)
    expect(rt._phase).toBe(allowed ? to : from)
  })
})
