import { describe, expect, it } from 'vitest'
import { afterWelcome, buildHello, decideStart, reactToLifecycle, type LifecycleInput, type StartDecision } from '../../src/client/machine.js'
import type { LocalWindow } from '../../src/client/record.js'
import type { WelcomeFrame } from '../../src/protocol/index.js'

const GRACE = 180_000
const T = 1_700_000_000_000
const stored = (extra: Partial<LocalWindow> = {}): LocalWindow => ({
  conversationId: 'c1',
  token: 'tok',
  lastSeq: 7,
  graceMs: GRACE,
  lastAliveAt: T,
  outbox: [],
  ...extra,
})
const ctx = { memoryLastSeq: 0, reconnect: 'prompt' as const }

const welcome = (extra: Partial<WelcomeFrame> = {}): WelcomeFrame => ({
  type: 'welcome',
  v: 1,
  conversationId: 'c1',
  token: 'tok',
  status: 'active',
  resumed: true,
  lastSeq: 7,
  graceMs: GRACE,
  heartbeatMs: 15_000,
  ...extra,
})

describe('decideStart: resume or new', () => {
  const resume = { kind: 'resume', resume: { conversationId: 'c1', token: 'tok', lastSeq: 0 }, beyondGrace: false }
  const fresh = { kind: 'new', previous: { conversationId: 'c1', token: 'tok' }, reason: 'local-window-passed' }
  it.each<[string, LocalWindow, number, unknown]>([
    ['nothing stored', { lastSeq: 0, outbox: [] }, T, { kind: 'new' }],
    ['alive, grace - 1 ms', stored(), T + GRACE - 1, resume],
    ['alive, exactly grace', stored(), T + GRACE, fresh],
    ['alive, grace + 1 ms', stored(), T + GRACE + 1, fresh],
    ['away counts from awaySince, grace - 1', stored({ awaySince: T + 60_000 }), T + 60_000 + GRACE - 1, resume],
    ['away counts from awaySince, grace + 1', stored({ awaySince: T + 60_000 }), T + 60_000 + GRACE + 1, fresh],
    ['the server grace, not the default', stored({ graceMs: 2_000 }), T + 2_001, fresh],
    ['no grace stored: the default 3 minutes', stored({ graceMs: undefined }), T + GRACE - 1, resume],
    ['no reference at all: ask the server', stored({ lastAliveAt: undefined }), T + 10 * GRACE, resume],
    ['clock moved backwards: ask the server', stored(), T - 3_600_000, resume],
  ])('%s', (_name, record, now, expected) => {
    expect(decideStart(record, now, ctx)).toEqual(expected)
  })

  it('sends the lastSeq held in memory, not the stored one', () => {
    const decision = decideStart(stored(), T + 1, { ...ctx, memoryLastSeq: 5 })
    expect(decision).toMatchObject({ kind: 'resume', resume: { lastSeq: 5 } })
  })

  it('inside the reconnect window (R10) asks to resume so the server can offer it, unless off', () => {
    const record = stored({ reconnectWindowMs: 600_000 })
    expect(decideStart(record, T + GRACE + 1, ctx)).toMatchObject({ kind: 'resume', beyondGrace: true })
    expect(decideStart(record, T + GRACE + 600_001, ctx)).toMatchObject({ kind: 'new', reason: 'local-window-passed' })
    expect(decideStart(record, T + GRACE + 1, { ...ctx, reconnect: 'off' })).toMatchObject({ kind: 'new' })
  })

})

describe('clock safety: a wrong but steady client clock', () => {
  // The server's `at` values are hours away from the client's clock; only client deltas count.
  it.each([
    ['5 hours ahead', 5 * 3_600_000],
    ['5 hours behind', -5 * 3_600_000],
  ])('client clock %s neither resumes an expired chat nor drops a live one', (_name, skew) => {
    const serverNow = T
    const clientAtWelcome = serverNow + skew
    const { record } = afterWelcome({ lastSeq: 0, outbox: [] }, welcome({ resumed: false }), clientAtWelcome, { kind: 'new' })
    expect(record.lastAliveAt).toBe(clientAtWelcome)
    // A message item stamped with server time does not move the window.
    expect(decideStart(record, clientAtWelcome + GRACE - 1, ctx).kind).toBe('resume')
    expect(decideStart(record, clientAtWelcome + GRACE + 1, ctx).kind).toBe('new')
  })

  it('the server answer wins: a refused resume becomes a new chat with the server reason', () => {
    const decision: StartDecision = { kind: 'resume', resume: { conversationId: 'c1', token: 'tok', lastSeq: 3 }, beyondGrace: false }
    const answer = welcome({ conversationId: 'c2', token: 'tok2', resumed: false, newChatReason: 'resume-expired', previousConversationId: 'c1', lastSeq: 1 })
    const { record, outcome } = afterWelcome(stored(), answer, T + 5, decision)
    expect(outcome).toEqual({ type: 'new-chat', reason: 'resume-expired', previousConversationId: 'c1' })
    expect(record).toMatchObject({ conversationId: 'c2', token: 'tok2', lastSeq: 0, lastAliveAt: T + 5, newChatReason: 'resume-expired' })
    expect(record.awaySince).toBeUndefined()
  })
})

describe('afterWelcome', () => {
  const resumeDecision: StartDecision = { kind: 'resume', resume: { conversationId: 'c1', token: 'tok', lastSeq: 0 }, beyondGrace: false }
  it.each<[string, StartDecision, Partial<WelcomeFrame>, unknown]>([
    ['resumed', resumeDecision, {}, { type: 'resumed', reconnected: false }],
    ['reconnected (R10)', resumeDecision, { resumed: false, reconnected: true }, { type: 'resumed', reconnected: true }],
    ['refused without a reason', resumeDecision, { resumed: false, conversationId: 'c2' }, { type: 'new-chat', reason: 'resume-expired', previousConversationId: 'c1' }],
    ['local window passed', { kind: 'new', previous: { conversationId: 'c1', token: 'tok' }, reason: 'local-window-passed' }, { resumed: false, conversationId: 'c2' }, { type: 'new-chat', reason: 'local-window-passed', previousConversationId: 'c1' }],
    ['first chat ever', { kind: 'new' }, { resumed: false, conversationId: 'c2' }, { type: 'fresh' }],
  ])('%s', (_name, decision, frame, outcome) => {
    expect(afterWelcome(stored({ awaySince: T }), welcome(frame), T + 1, decision).outcome).toEqual(outcome)
  })

  it('keeps the durations the server sent and the outbox', () => {
    const outbox = [{ clientId: 'a', text: 'hi', at: T }]
    const { record } = afterWelcome(stored({ outbox }), welcome({ graceMs: 2_000, reconnectWindowMs: 9_000 }), T + 1, resumeDecision)
    expect(record).toMatchObject({ graceMs: 2_000, reconnectWindowMs: 9_000, outbox, lastSeq: 7 })
  })
})

describe('buildHello', () => {
  it('carries resume credentials and lastSeq, or the previous conversation', () => {
    const base = { widgetId: 'w', tabId: 't' }
    expect(buildHello({ kind: 'resume', resume: { conversationId: 'c', token: 'k', lastSeq: 4 }, beyondGrace: false }, base)).toEqual({
      type: 'hello', v: 1, widgetId: 'w', tabId: 't', resume: { conversationId: 'c', token: 'k', lastSeq: 4 },
    })
    expect(buildHello({ kind: 'new', previous: { conversationId: 'c', token: 'k' } }, { ...base, customer: { name: 'Ann' } })).toEqual({
      type: 'hello', v: 1, widgetId: 'w', tabId: 't', previous: { conversationId: 'c', token: 'k' }, customer: { name: 'Ann' },
    })
    expect(buildHello({ kind: 'resume', resume: { conversationId: 'c', token: 'k', lastSeq: 0 }, beyondGrace: true }, { ...base, reconnect: true }).reconnect).toBe(true)
  })

  it('says reconnect: true only with something to resume, and always says a decline', () => {
    const base = { widgetId: 'w', tabId: 't' }
    const resume: StartDecision = { kind: 'resume', resume: { conversationId: 'c', token: 'k', lastSeq: 0 }, beyondGrace: true }
    const fresh: StartDecision = { kind: 'new', previous: { conversationId: 'c', token: 'k' }, reason: 'resume-expired' }
    expect(buildHello(fresh, { ...base, reconnect: true })).not.toHaveProperty('reconnect')
    expect(buildHello(fresh, { ...base, reconnect: false }).reconnect).toBe(false)
    expect(buildHello(resume, { ...base, reconnect: false }).reconnect).toBe(false)
    expect(buildHello(resume, base)).not.toHaveProperty('reconnect')
    expect(buildHello(resume, { ...base, customer: {} })).not.toHaveProperty('customer')
  })
})

describe('reactToLifecycle', () => {
  const present = { away: false, online: true }
  const away = ['record-away', 'send-beacon', 'send-away-frame']
  it.each<[LifecycleInput, { away: boolean; online: boolean }, string[], { away: boolean; online: boolean }]>([
    ['visible', { away: true, online: true }, ['check-liveness'], present],
    ['focus', present, ['check-liveness'], present],
    ['resume', { away: true, online: true }, ['check-liveness'], present],
    ['pageshow-persisted', { away: true, online: true }, ['check-liveness'], present],
    ['foreground', { away: true, online: true }, ['check-liveness'], present],
    ['visible', { away: true, online: false }, [], { away: false, online: false }],
    ['online', { away: false, online: false }, ['check-liveness'], present],
    ['offline', present, ['go-offline'], { away: false, online: false }],
    ['hidden', present, away, { away: true, online: true }],
    ['freeze', present, away, { away: true, online: true }],
    ['pagehide', present, away, { away: true, online: true }],
    ['background', present, away, { away: true, online: true }],
    ['pagehide-persisted', present, [...away, 'close-socket'], { away: true, online: true }],
    ['pagehide', { away: true, online: true }, [], { away: true, online: true }],
    ['pagehide-persisted', { away: true, online: true }, ['close-socket'], { away: true, online: true }],
  ])('%s from %j -> %j', (input, before, effects, after) => {
    const result = reactToLifecycle(before, input)
    expect(result.effects.map((e) => e.type)).toEqual(effects)
    expect(result.presence).toEqual(after)
  })


})
