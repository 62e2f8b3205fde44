import { describe, expect, test } from 'vitest'
import { connectionClosed, heard } from '../../../src/server/engine/presence.js'
import { capacityUsed, computeOffers, OFFER_WINDOW, unitsUsed, type AgentLoad } from '../../../src/server/engine/routing.js'
import { deadlinesFor, tick } from '../../../src/server/engine/tick.js'
import { accept, agentBack, agentGone, canReconnect, customerEnd, reopen, transition } from '../../../src/server/engine/transitions.js'
import type { AgentRecord, Conversation, WrapUpCapacity } from '../../../src/server/engine/types.js'
import { DEFAULTS, resolveOptions } from '../../../src/server/options.js'
import { ANA, GRACE, Log, config, opened } from './fixtures.js'

const cfg = config()
const active = (at = 0, id = 'c1'): Conversation => accept(opened(at, id), ANA, at, cfg).conversation

describe('R1 defaults', () => {
  test('the default grace window is 180_000 ms', () => {
    expect(DEFAULTS.graceMs).toBe(180_000)
    expect(resolveOptions({}).graceMs).toBe(180_000)
    expect(resolveOptions({}).wrapUpAutoCloseMs).toBe(900_000)
    expect(resolveOptions({}).openAutoCloseMs).toBe(1_200_000)
    expect(resolveOptions({}).agentGraceMs).toBe(60_000)
    expect(resolveOptions({}).reconnectWindowMs).toBeUndefined()
  })

  test.each([
    [{ graceMs: -1 }], [{ graceMs: 1.5 }], [{ wrapUpCapacity: 'sometimes' }], [{ port: 70_000 }],
    [{ agentTokens: { t: { name: 'no id' } } }], [{ limits: { maxTextLength: 0 } }], [{ store: 'mysql://x' }],
  ])('invalid options throw TypeError: %j', (bad) => {
    expect(() => resolveOptions(bad as never)).toThrow(TypeError)
  })
})

describe('R8 the customer ends: immediate', () => {
  test.each([
    { from: () => opened(0), to: 'closed' },
    { from: () => active(0), to: 'wrap-up' },
  ])('$to at once, with customer-ended', ({ from, to }) => {
    const log = new Log(from()).apply(customerEnd(from(), 5, cfg))
    expect(log.summary()).toEqual([`${to}:customer-ended`, 'msg:customer-ended'])
    expect(log.conv.statusAt).toBe(5)
  })

  test('ending an ended conversation changes nothing', () => {
    const closed = customerEnd(opened(0), 1, cfg).conversation
    expect(customerEnd(closed, 2, cfg).drafts).toEqual([])
  })
})

describe('agent end and close, R9 auto-close', () => {
  test('agent end: active -> wrap-up; agent close: wrap-up -> closed', () => {
    const log = new Log(active(0))
    log.apply(transition(log.conv, 'wrap-up', 'agent-ended', 10, cfg)).apply(transition(log.conv, 'closed', 'agent-closed', 20, cfg))
    expect(log.summary()).toEqual(['wrap-up:agent-ended', 'msg:agent-ended', 'closed:agent-closed', 'msg:agent-closed'])
  })

  test('wrap-up closes by itself after wrapUpAutoCloseMs', () => {
    const wrap = transition(active(0), 'wrap-up', 'agent-ended', 1_000, cfg).conversation
    expect(tick(wrap, 1_000 + 900_000 - 1, cfg).conversation.status).toBe('wrap-up')
    const log = new Log(wrap).tick(1_000 + 900_000, cfg)
    expect(log.summary()).toEqual(['closed:wrap-up-timeout', 'msg:wrap-up-timeout'])
    expect(deadlinesFor(wrap, 1_000, cfg)).toEqual([{ conversationId: 'c1', kind: 'wrap-up', at: 901_000 }])
  })

  test('a closed conversation is purged after retainClosedMs, never before the reconnect window ends', () => {
    const closed = transition(active(0), 'closed', 'agent-closed', 1_000, cfg).conversation
    expect(deadlinesFor(closed, 1_000, config({ retainClosedMs: 5_000 }))).toEqual([{ conversationId: 'c1', kind: 'purge', at: 6_000 }])
    expect(deadlinesFor(closed, 1_000, config({ retainClosedMs: 5_000, reconnectWindowMs: 60_000 }))).toEqual([{ conversationId: 'c1', kind: 'purge', at: 61_000 }])
  })

  test('an open conversation closes after openAutoCloseMs with queue-timeout, while the customer is there', () => {
    let conv = opened(0)
    for (let t = 10_000; t < 1_200_000; t += 10_000) conv = tick(heard(conv, 'k1', 't1', t), t, cfg).conversation
    expect(conv.status).toBe('open')
    const log = new Log(heard(conv, 'k1', 't1', 1_200_000)).tick(1_200_000, cfg)
    expect(log.summary()).toEqual(['closed:queue-timeout', 'msg:queue-timeout'])
  })
})

describe('capacity (derived, never counted)', () => {
  const wrapUpAt = (at: number) => transition(active(0), 'wrap-up', 'agent-ended', at, cfg).conversation
  test.each<{ policy: WrapUpCapacity; now: number; used: number }>([
    { policy: 'block', now: 10, used: 1 },
    { policy: 'block', now: 10_000_000, used: 1 },
    { policy: 'release', now: 10, used: 0 },
    { policy: 30_000, now: 10 + 29_999, used: 1 },
    { policy: 30_000, now: 10 + 30_000, used: 0 },
  ])('wrap-up under $policy at $now uses $used', ({ policy, now, used }) => {
    expect(unitsUsed(wrapUpAt(10), now, policy)).toBe(used)
  })

  test('active counts, closed and open do not; other agents do not count', () => {
    const convs = [active(0, 'x'), active(0, 'y'), opened(0, 'z'), customerEnd(active(0, 'w'), 1, cfg).conversation]
    const closed = transition(convs[3] as Conversation, 'closed', 'agent-closed', 2, cfg).conversation
    expect(capacityUsed('a1', [...convs.slice(0, 3), closed], 5, 'block')).toBe(2)
    expect(capacityUsed('a1', convs, 5, 'release')).toBe(2)
    expect(capacityUsed('a1', convs, 5, 'block')).toBe(3)
    expect(capacityUsed('b2', convs, 5, 'block')).toBe(0)
  })

  test('a numbered policy sets a capacity deadline; its end is a change of the record, once per wrap-up', () => {
    const cfg500 = config({ wrapUpCapacity: 500 })
    expect(deadlinesFor(wrapUpAt(10), 10, cfg500)).toContainEqual({ conversationId: 'c1', kind: 'capacity', at: 510 })
    expect(tick(wrapUpAt(10), 509, cfg500).conversation.capacityReleased).toBeUndefined()
    const released = tick(wrapUpAt(10), 510, cfg500).conversation
    expect(released.capacityReleased).toBe(true)
    expect(tick(released, 600, cfg500).conversation).toBe(released)
    expect(deadlinesFor(released, 510, cfg500).map((d) => d.kind)).not.toContain('capacity')
    // Reopened (R10), taken and ended again: a new hold.
    const retaken = accept(reopen(released, 700, cfg500).conversation, ANA, 750, cfg500).conversation
    const again = customerEnd(retaken, 800, cfg500).conversation
    expect(again.capacityReleased).toBeUndefined()
    expect(deadlinesFor(again, 800, cfg500)).toContainEqual({ conversationId: 'c1', kind: 'capacity', at: 1_300 })
  })
})

describe('routing', () => {
  const agent = (id: string, capacity: number, online = true): AgentRecord => ({ id, name: id, capacity, connections: online ? ['k'] : [] })
  const load = (a: AgentRecord, used: number): AgentLoad => ({ agent: a, used })

  test('open conversations are offered oldest first to every online agent with room', () => {
    const loads = [load(agent('a1', 2), 1), load(agent('a2', 1), 1), load(agent('a3', 3, false), 0), load(agent('a4', 1), 0)]
    const offers = computeOffers([opened(20, 'late'), opened(10, 'early'), active(0, 'taken')], loads)
    expect(Object.fromEntries(offers)).toEqual({ a1: ['early', 'late'], a4: ['early', 'late'] })
  })

  test('each agent is offered the oldest OFFER_WINDOW of the queue (or its free capacity, if more), and besides them every chat waiting for it alone', () => {
    const queue = Array.from({ length: OFFER_WINDOW + 5 }, (_, i) => opened(i, `q${i}`))
    const late = { ...opened(1_000, 'late'), preferredAgentId: 'a1' }
    const offers = computeOffers([late, ...queue], [load(agent('a1', 1), 0), load(agent('a2', 1), 0)])
    const oldest = queue.slice(0, OFFER_WINDOW).map((c) => c.id)
    expect(offers.get('a1')).toEqual([...oldest, 'late'])
    expect(offers.get('a2')).toEqual(oldest)
    expect(computeOffers(queue, [load(agent('a1', 1), 0)], 2).get('a1')).toEqual(['q0', 'q1'])
    // An agent free to take more than the window at once is offered that many.
    expect(computeOffers(queue, [load(agent('a1', 30), 7)]).get('a1')).toEqual(queue.slice(0, 23).map((c) => c.id))
  })

  test('a preferred agent gets it alone while online with room, otherwise everyone does', () => {
    const conv = { ...opened(0), preferredAgentId: 'a1' }
    expect(Object.fromEntries(computeOffers([conv], [load(agent('a1', 1), 0), load(agent('a2', 1), 0)]))).toEqual({ a1: ['c1'] })
    expect(Object.fromEntries(computeOffers([conv], [load(agent('a1', 1), 1), load(agent('a2', 1), 0)]))).toEqual({ a2: ['c1'] })
    expect(Object.fromEntries(computeOffers([conv], [load(agent('a1', 1, false), 0), load(agent('a2', 1), 0)]))).toEqual({ a2: ['c1'] })
  })

  test('after affinityMs in the queue the preference lapses and everyone with room is offered it', () => {
    const cfg1 = config({ affinityMs: 1_000 })
    const conv = heard({ ...opened(0), preferredAgentId: 'a1' }, 'k1', 't1', 0)
    const loads = [load(agent('a1', 1), 0), load(agent('a2', 1), 0)]
    expect(deadlinesFor(conv, 0, cfg1)).toContainEqual({ conversationId: 'c1', kind: 'affinity', at: 1_000 })
    const before = tick(conv, 999, cfg1).conversation
    expect(Object.fromEntries(computeOffers([before], loads))).toEqual({ a1: ['c1'] })
    const after = tick(conv, 1_000, cfg1).conversation
    expect(after).toMatchObject({ preferredAgentId: 'a1', affinityLapsed: true })
    expect(Object.fromEntries(computeOffers([after], loads))).toEqual({ a1: ['c1'], a2: ['c1'] })
    expect(deadlinesFor(after, 1_000, cfg1).map((d) => d.kind)).not.toContain('affinity')
    // Closed from the queue, then reopened (R10): the previous agent is preferred again, for a new period.
    const reopened = reopen(transition(after, 'closed', 'customer-disconnected', 2_000, cfg1).conversation, 3_000, cfg1).conversation
    expect(reopened.affinityLapsed).toBeUndefined()
    expect(Object.fromEntries(computeOffers([reopened], loads))).toEqual({ a1: ['c1'] })
  })
})

describe('R10 reconnection to a previous chat', () => {
  const window = config({ reconnectWindowMs: 600_000 })
  const expired = (): Conversation => {
    const conv = connectionClosed(active(0), 'k1')
    return tick(conv, GRACE + 1, window).conversation
  }

  test.each([
    { label: 'inside the window', cfg: window, at: GRACE + 1 + 600_000, ok: true },
    { label: 'after the window', cfg: window, at: GRACE + 1 + 600_001, ok: false },
    { label: 'when reconnection is off (default)', cfg, at: GRACE + 2, ok: false },
  ])('$label: $ok', ({ cfg: c, at, ok }) => {
    expect(canReconnect(expired(), at, c)).toBe(ok)
  })

  test('reopening: open, previous agent preferred, customer-reconnected, transcript kept', () => {
    const before = expired()
    expect(before.endedBy).toBe('customer-disconnected')
    const log = new Log(before)
    log.apply(reopen(heard(log.conv, 'k9', 't9', GRACE + 100), GRACE + 100, window))
    log.tick(GRACE + 200, window)
    expect(log.summary()).toEqual(['open:customer-reconnected', 'msg:customer-reconnected'])
    expect(log.conv).toMatchObject({ status: 'open', preferredAgentId: 'a1' })
    expect(log.conv.agent).toBeUndefined()
  })

  test('still reconnectable after the wrap-up timed out', () => {
    const closed = tick(expired(), GRACE + 1 + 900_000, window).conversation
    expect(closed.status).toBe('closed')
    expect(canReconnect(closed, GRACE + 1 + 500_000, window)).toBe(true)
  })

  test('never after customer-ended', () => {
    const ended = customerEnd(active(0), 10, window).conversation
    expect(canReconnect(ended, 20, window)).toBe(false)
  })
})

describe('R11 the agent disconnects', () => {
  test('the customer is told at once; after agentGraceMs the chat goes back to the queue, agent preferred', () => {
    const log = new Log(active(0))
    log.apply(agentGone(log.conv, 1_000, cfg))
    expect(log.summary().at(-1)).toBe('msg:agent-disconnected')
    for (let t = 2_000; t < 61_000; t += 2_000) log.apply(tick(heard(log.conv, 'k1', 't1', t), t, cfg))
    expect(log.conv.status).toBe('active')
    log.apply(tick(heard(log.conv, 'k1', 't1', 61_000), 61_000, cfg))
    expect(log.summary().slice(-2)).toEqual(['msg:agent-disconnected', 'open:agent-disconnected'])
    expect(log.conv).toMatchObject({ status: 'open', preferredAgentId: 'a1' })
    expect(log.conv.agent).toBeUndefined()
  })

  test('an agent back inside agentGraceMs keeps everything', () => {
    const log = new Log(active(0))
    log.apply(agentGone(log.conv, 1_000, cfg)).apply(agentBack(log.conv, 30_000, cfg))
    log.apply(tick(heard(log.conv, 'k1', 't1', 61_000), 61_000, cfg))
    expect(log.summary().slice(-2)).toEqual(['msg:agent-disconnected', 'msg:agent-reconnected'])
    expect(log.conv.status).toBe('active')
    expect(deadlinesFor(log.conv, 61_000, cfg).map((d) => d.kind)).not.toContain('agent-grace')
  })
})
