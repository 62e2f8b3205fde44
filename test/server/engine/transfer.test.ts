/**
 * Transfer rule by rule: Active -> Open with `agent-transferred` and its automated
 * message, capacity freed, the target offered the chat alone for `affinityMs`, the transferring agent
 * passed over when it sent the chat back to the queue, refusals with their codes, the race with the
 * customer's grace window, and R11 (the agent away). The random model of R9-R11 with transfers is in
 * model-rules.test.ts.
 */
import { describe, expect, test } from 'vitest'
import { tabAway } from '../../../src/server/engine/presence.js'
import { capacityUsed, computeOffers, eligibleAgents, type AgentLoad } from '../../../src/server/engine/routing.js'
import { deadlinesFor, tick } from '../../../src/server/engine/tick.js'
import { isTransferRepeat, isTransferred, transferRefusal, transferStep, type Transferrer } from '../../../src/server/engine/transfer.js'
import { accept, agentBack, agentGone } from '../../../src/server/engine/transitions.js'
import type { AgentRecord, Conversation } from '../../../src/server/engine/types.js'
import { withTick } from '../../../src/server/runner/service.js'
import { ANA, GRACE, Log, config, opened } from './fixtures.js'

const cfg = config()
const KNOWN = ['a1', 'a2', 'a3']
const ana: Transferrer = { id: 'a1', supervisor: false }
const bob: Transferrer = { id: 'a2', supervisor: false }
const boss: Transferrer = { id: 'supervisor', supervisor: true }
const active = (at = 0, id = 'c1'): Conversation => accept(opened(at, id), ANA, at, cfg).conversation
const agent = (id: string, capacity = 2, online = true): AgentRecord => ({ id, name: id, capacity, connections: online ? ['x'] : [] })

function loads(convs: readonly Conversation[], agents: AgentRecord[], now: number): AgentLoad[] {
  return agents.map((a) => ({ agent: a, used: capacityUsed(a.id, convs, now, cfg.wrapUpCapacity) }))
}

/** Runs the transfer the way the service does: the step, then the time rules. */
function run(conv: Conversation, by: Transferrer, to: string | undefined, now: number): { step: ReturnType<typeof withTick>; applied: boolean } {
  const step = transferStep(conv, by, to, KNOWN, now, cfg)
  const result = withTick(step ?? { conversation: conv, drafts: [] }, now, cfg)
  return { step: result, applied: step !== null }
}

describe('transfer to a colleague', () => {
  test('Active -> Open with agent-transferred, the customer told once, the history recorded', () => {
    const log = new Log(active(0)).apply(run(active(0), ana, 'a2', 10).step)
    expect(log.summary()).toEqual(['open:agent-transferred', 'msg:agent-transferred'])
    expect(log.drafts.find((d) => d.kind === 'message')).toMatchObject({ from: 'system', automated: 'agent-transferred', text: 'You are being transferred to another agent.' })
    expect(log.conv).toMatchObject({ status: 'open', statusAt: 10, preferredAgentId: 'a2' })
    expect(log.conv.agent).toBeUndefined()
  })

  test('capacity moves: the transferring agent has its unit back at once, the target takes it on accept', () => {
    const before = active(0)
    expect(capacityUsed('a1', [before], 5, cfg.wrapUpCapacity)).toBe(1)
    const moved = run(before, ana, 'a2', 5).step.conversation
    expect(capacityUsed('a1', [moved], 5, cfg.wrapUpCapacity)).toBe(0)
    const taken = accept(moved, { id: 'a2', name: 'Bob' }, 6, cfg).conversation
    expect(capacityUsed('a2', [taken], 6, cfg.wrapUpCapacity)).toBe(1)
    expect(taken.preferredAgentId).toBeUndefined()
  })

  test('offered to the target alone for affinityMs, then to everyone with room', () => {
    const moved = run(active(0), ana, 'a2', 100).step.conversation
    const agents = [agent('a1'), agent('a2'), agent('a3')]
    expect(eligibleAgents(moved, loads([moved], agents, 100))).toEqual(['a2'])
    expect(deadlinesFor(moved, 100, cfg)).toContainEqual({ conversationId: 'c1', kind: 'affinity', at: 100 + cfg.affinityMs })
    const lapsed = tick(moved, 100 + cfg.affinityMs, cfg).conversation
    expect(eligibleAgents(lapsed, loads([lapsed], agents, 100 + cfg.affinityMs))).toEqual(['a1', 'a2', 'a3'])
  })

  test('a target offline or full does not hold the customer: offered to everyone with room, as affinity does', () => {
    const moved = run(active(0), ana, 'a2', 100).step.conversation
    expect(eligibleAgents(moved, loads([moved], [agent('a1'), agent('a2', 2, false), agent('a3')], 100))).toEqual(['a1', 'a3'])
  })
})

describe('transfer back to the queue', () => {
  test('nobody preferred, and the agent who sent it back is passed over while another has room', () => {
    const moved = run(active(0), ana, undefined, 10).step.conversation
    expect(moved).toMatchObject({ status: 'open', transferredFrom: 'a1' })
    expect(moved.preferredAgentId).toBeUndefined()
    expect(computeOffers([moved], loads([moved], [agent('a1'), agent('a2')], 10))).toEqual(new Map([['a2', ['c1']]]))
  })

  test('offered back to that agent when nobody else has room, rather than left waiting', () => {
    const moved = run(active(0), ana, undefined, 10).step.conversation
    const busy = { ...active(0, 'c2'), agent: { id: 'a2', name: 'Bob' } }
    expect(eligibleAgents(moved, loads([moved, busy], [agent('a1'), agent('a2', 1)], 10))).toEqual(['a1'])
  })

  test('the pass-over lasts one stay: once accepted it is forgotten', () => {
    const moved = run(active(0), ana, undefined, 10).step.conversation
    expect(accept(moved, { id: 'a2', name: 'Bob' }, 11, cfg).conversation.transferredFrom).toBeUndefined()
  })
})

describe('a transfer sent again (its answer lost with the socket)', () => {
  test('is a repeat for the agent who made it, in that stay, to the same target; nothing else is', () => {
    const moved = run(active(0), ana, 'a2', 10).step.conversation
    expect(isTransferRepeat(moved, ana, 'a2')).toBe(true)
    expect(isTransferRepeat(moved, ana, 'a3')).toBe(false)
    expect(isTransferRepeat(moved, ana, undefined)).toBe(false)
    expect(isTransferRepeat(moved, bob, 'a2')).toBe(false)
    expect(isTransferRepeat(accept(moved, { id: 'a2', name: 'Bob' }, 11, cfg).conversation, ana, 'a2')).toBe(false)
    expect(isTransferRepeat(run(active(0), ana, undefined, 10).step.conversation, ana, undefined)).toBe(true)
    expect(isTransferRepeat(active(0), ana, 'a2')).toBe(false)
  })
})

describe('refusals', () => {
  test.each([
    { name: 'not the owner', conv: () => active(0), by: bob, to: 'a3', code: 'forbidden' },
    { name: 'not active (open)', conv: () => opened(0), by: ana, to: 'a2', code: 'forbidden' },
    { name: 'not active (wrap-up)', conv: (): Conversation => ({ ...active(0), status: 'wrap-up' }), by: ana, to: 'a2', code: 'conflict' },
    { name: 'unknown target', conv: () => active(0), by: ana, to: 'nobody', code: 'unknown-agent' },
    { name: 'target = self', conv: () => active(0), by: ana, to: 'a1', code: 'transfer-to-self' },
    { name: 'supervisor: open to the queue', conv: () => opened(0), by: boss, to: undefined, code: 'conflict' },
    { name: 'supervisor: to the agent it is with', conv: () => active(0), by: boss, to: 'a1', code: 'transfer-to-self' },
  ])('$name: $code, and the step changes nothing', ({ conv, by, to, code }) => {
    expect(transferRefusal(conv(), by, to, KNOWN)?.code).toBe(code)
    expect(transferStep(conv(), by, to, KNOWN, 5, cfg)).toBeNull()
  })
})

describe('the supervisor', () => {
  test('reassigns any active chat, to an agent or to the queue', () => {
    expect(run(active(0), boss, 'a2', 5).step.conversation).toMatchObject({ status: 'open', preferredAgentId: 'a2' })
    const queued = run(active(0), boss, undefined, 5).step.conversation
    expect(queued.status).toBe('open')
    expect(queued.transferredFrom).toBe('a1')
  })

  test('directs an open chat to an agent: its queue place and timeout kept, affinity from now, nothing recorded', () => {
    const waiting = opened(0)
    const { step } = run(waiting, boss, 'a3', 500)
    expect(step.drafts).toEqual([])
    expect(step.conversation).toMatchObject({ status: 'open', statusAt: 0, preferredAgentId: 'a3', affinitySince: 500 })
    expect(isTransferred({ previous: waiting, conversation: step.conversation, items: step.drafts }, 'a3')).toBe(true)
    const agents = [agent('a1'), agent('a3')]
    expect(eligibleAgents(step.conversation, loads([step.conversation], agents, 500))).toEqual(['a3'])
    expect(deadlinesFor(step.conversation, 500, cfg)).toContainEqual({ conversationId: 'c1', kind: 'affinity', at: 500 + cfg.affinityMs })
    expect(deadlinesFor(step.conversation, 500, cfg)).toContainEqual({ conversationId: 'c1', kind: 'queue', at: cfg.openAutoCloseMs })
    const lapsed = tick(step.conversation, 500 + cfg.affinityMs, cfg).conversation
    expect(eligibleAgents(lapsed, loads([lapsed], agents, 500 + cfg.affinityMs))).toEqual(['a1', 'a3'])
  })
})

describe('transfer racing the customer window (R3)', () => {
  const gone = (): Conversation => tabAway(active(0), 't1', 1_000)

  test('the window ran out while the transfer was on its way: the customer has left, the transfer is refused', () => {
    const late = 1_000 + GRACE + 1
    const { step, applied } = run(gone(), ana, 'a2', late)
    expect(applied).toBe(false)
    expect(new Log(gone()).apply(step).summary()).toEqual(['wrap-up:customer-disconnected', 'msg:customer-disconnected'])
    expect(step.conversation.agent?.id).toBe('a1')
    expect(isTransferred({ previous: gone(), conversation: step.conversation, items: step.drafts }, 'a2')).toBe(false)
  })

  test('transferred inside the window, then the window runs out while Open: Open -> Closed, customer-disconnected', () => {
    const log = new Log(gone()).apply(run(gone(), ana, 'a2', 1_000 + GRACE).step)
    expect(log.conv.status).toBe('open')
    const due = deadlinesFor(log.conv, 1_000 + GRACE, cfg).find((d) => d.kind === 'grace')
    expect(due?.at).toBe(1_000 + GRACE + 1)
    log.tick(due?.at ?? 0, cfg)
    expect(log.summary()).toEqual(['open:agent-transferred', 'msg:agent-transferred', 'closed:customer-disconnected', 'msg:customer-disconnected'])
  })
})

describe('transfer and R11 (the agent away)', () => {
  test('a supervisor reassigns the chat of an agent who is away: its grace ends there, its return changes nothing', () => {
    const away = agentGone(active(0), 100, cfg).conversation
    const log = new Log(away).apply(run(away, boss, 'a2', 200).step)
    expect(log.summary()).toEqual(['open:agent-transferred', 'msg:agent-transferred'])
    expect(log.conv.agentAwayAt).toBeUndefined()
    expect(deadlinesFor(log.conv, 200, cfg).map((d) => d.kind)).not.toContain('agent-grace')
    expect(agentBack(log.conv, 300, cfg).drafts).toEqual([])
    expect(capacityUsed('a1', [log.conv], 300, cfg.wrapUpCapacity)).toBe(0)
  })

  test('the agent grace ran out first: requeued by R11, and the late transfer of the old owner is refused', () => {
    const away = agentGone(active(0), 100, cfg).conversation
    const { step, applied } = run(away, ana, 'a2', 100 + cfg.agentGraceMs)
    expect(applied).toBe(false)
    expect(new Log(away).apply(step).summary()).toEqual(['open:agent-disconnected'])
    expect(isTransferred({ previous: away, conversation: step.conversation, items: step.drafts }, 'a2')).toBe(false)
  })
})
