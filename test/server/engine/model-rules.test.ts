/**
 * Proves that the engine follows SPEC R9-R11 (and R3/R8 where they meet them) as a naive model reads
 * them: under random small configurations and random sequences of customers leaving, coming back,
 * ending and reconnecting, agents accepting, ending, closing, dropping and returning, and time
 * passing, every chat has the model's status, agent, status reasons and automated messages; every
 * agent uses exactly the capacity the model counts (never below zero, never above its capacity);
 * the queue offers the same chats to the same agents; and a chat is reconnectable exactly when the
 * model says so. Time passes in the engine only through `deadlinesFor` and `tick`, as the server's
 * scheduler drives it, so a missing or late deadline shows as a disagreement too.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { heard, tabAway } from '../../../src/server/engine/presence.js'
import { capacityUsed, computeOffers, type AgentLoad } from '../../../src/server/engine/routing.js'
import { deadlinesFor, tick } from '../../../src/server/engine/tick.js'
import { acceptRefusal, acceptStep, agentCloseStep, agentEndStep } from '../../../src/server/engine/agent-actions.js'
import { agentBack, agentGone, canReconnect, customerEnd, reopen } from '../../../src/server/engine/transitions.js'
import { transferRefusal, transferStep } from '../../../src/server/engine/transfer.js'
import type { AgentRecord, Conversation, EngineConfig, Step } from '../../../src/server/engine/types.js'
import { stepOf, withTick } from '../../../src/server/runner/service.js'
import { config, opened } from './fixtures.js'
import { RulesModel, type ModelConfig } from './rules-model.js'

const AGENT_IDS = ['a1', 'a2'] as const
const isLive = (s: Conversation['status']): boolean => s === 'open' || s === 'active'

/** The engine run the way the server's runner runs it: each operation followed by the time rules. */
class EngineWorld {
  now = 0
  readonly convs: Conversation[]
  readonly logs: string[][]

  constructor(
    readonly cfg: EngineConfig,
    count: number,
    readonly agents: AgentRecord[],
  ) {
    this.convs = Array.from({ length: count }, (_, i) => opened(0, `c${i}`))
    this.logs = this.convs.map(() => ['open:customer-started@'])
  }

  /** A new chat in slot `i`, in place of a closed one. */
  startNew(i: number): void {
    this.convs[i] = opened(this.now, `c${i}`)
    this.logs[i] = ['open:customer-started@']
  }

  conv(i: number): Conversation {
    const conv = this.convs[i]
    if (!conv) throw new Error(`no conversation ${i}`)
    return conv
  }

  run(i: number, op: (conv: Conversation, now: number) => Step): void {
    this.record(i, withTick(op(this.conv(i), this.now), this.now, this.cfg))
  }

  /** Fires each conversation's deadlines in order up to `to`, as the scheduler does. */
  advance(to: number): void {
    this.convs.forEach((_, i) => {
      let at = this.now
      for (;;) {
        const due = deadlinesFor(this.conv(i), at, this.cfg).map((d) => d.at).filter((t) => t <= to)
        if (due.length === 0) break
        at = Math.min(...due)
        this.record(i, tick(this.conv(i), at, this.cfg))
      }
    })
    this.now = to
  }

  loads(): AgentLoad[] {
    return this.agents.map((agent) => ({ agent, used: capacityUsed(agent.id, this.convs, this.now, this.cfg.wrapUpCapacity) }))
  }

  /** The agent session's own check before an accept (a chat already the agent's is no new accept). */
  mayAccept(agentId: string, i: number): boolean {
    return acceptRefusal(this.conv(i), agentId, this.loads()) === undefined
  }

  /** The step the agent session would run, or null where it refuses. */
  step(i: number, decide: (conv: Conversation, now: number) => Step | null): Step | null {
    return decide(this.conv(i), this.now)
  }

  agent(id: string): AgentRecord {
    const agent = this.agents.find((a) => a.id === id)
    if (!agent) throw new Error(`no agent ${id}`)
    return agent
  }

  private record(i: number, step: Step): void {
    this.convs[i] = step.conversation
    for (const d of step.drafts) {
      if (d.kind === 'status') this.logs[i]?.push(`${d.status}:${d.reason}@${d.agent?.id ?? ''}`)
      else if (d.automated) this.logs[i]?.push(`msg:${d.automated}`)
    }
  }
}

type ChatIndex = 0 | 1 | 2
type CustomerAct = 'leave' | 'back' | 'end' | 'reconnect' | 'new'
type AgentAct = 'accept' | 'agent-end' | 'agent-close'
type AgentPresence = 'agent-drop' | 'agent-return'
type AgentId = (typeof AGENT_IDS)[number]
/** A transfer by agent `a` (or a supervisor when absent) to `to` ('queue': back to the queue). */
type TransferEvent = { type: 'transfer'; a?: AgentId; c: ChatIndex; to: AgentId | 'queue' }
type Event =
  | TransferEvent
  | { type: 'wait'; ms: number }
  | { type: CustomerAct; c: ChatIndex }
  | { type: AgentAct; a: AgentId; c: ChatIndex }
  | { type: AgentPresence; a: AgentId }

const CUSTOMER_ACTS: readonly CustomerAct[] = ['leave', 'back', 'end', 'reconnect', 'new']
const AGENT_PRESENCE: readonly AgentPresence[] = ['agent-drop', 'agent-return']
const isOf = <T extends Event['type']>(e: Event, types: readonly T[]): e is Extract<Event, { type: T }> =>
  (types as readonly string[]).includes(e.type)

const chat = fc.constantFrom<ChatIndex>(0, 1, 2)
const agentId = fc.constantFrom<AgentId>(...AGENT_IDS)
const onChat = (type: CustomerAct): fc.Arbitrary<Event> => fc.record({ type: fc.constant(type), c: chat })
const byAgent = (type: AgentAct): fc.Arbitrary<Event> => fc.record({ type: fc.constant(type), a: agentId, c: chat })
const ofAgent = (type: AgentPresence): fc.Arbitrary<Event> => fc.record({ type: fc.constant(type), a: agentId })

const event: fc.Arbitrary<Event> = fc.oneof(
  // Long waits cross whole windows; 1-3 ms waits land on their exact boundaries.
  { weight: 3, arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: onChat('leave') },
  { weight: 1, arbitrary: onChat('back') },
  { weight: 1, arbitrary: onChat('end') },
  { weight: 2, arbitrary: onChat('reconnect') },
  { weight: 1, arbitrary: onChat('new') },
  { weight: 4, arbitrary: byAgent('accept') },
  { weight: 1, arbitrary: byAgent('agent-end') },
  { weight: 1, arbitrary: byAgent('agent-close') },
  { weight: 1, arbitrary: ofAgent('agent-drop') },
  { weight: 1, arbitrary: ofAgent('agent-return') },
  {
    weight: 2,
    arbitrary: fc.record(
      { type: fc.constant('transfer' as const), a: agentId, c: chat, to: fc.constantFrom<AgentId | 'queue'>(...AGENT_IDS, 'queue') },
      { requiredKeys: ['type', 'c', 'to'] },
    ),
  },
)

// Windows of a few ms so that every rule fires, and fires near the others, within one run.
const window = (max: number): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max }))
const modelConfig: fc.Arbitrary<ModelConfig> = fc.record({
  graceMs: window(40),
  agentGraceMs: window(40),
  wrapUpAutoCloseMs: window(80),
  wrapUpCapacity: fc.oneof(fc.constant('block' as const), fc.constant('release' as const), fc.integer({ min: 0, max: 80 })),
  // Long enough, often, for agents to take the chat before the queue gives up on it.
  openAutoCloseMs: window(200),
  reconnectWindowMs: fc.option(window(80), { nil: undefined }),
  affinityMs: window(60),
})

const setup = fc.record({
  cfg: modelConfig,
  chats: fc.integer({ min: 1, max: 3 }),
  capacities: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  online: fc.tuple(fc.boolean(), fc.boolean()),
})

/** What both sides must agree on after every event. */
function view(world: EngineWorld): unknown {
  const loads = world.loads()
  const offers = computeOffers(world.convs, loads)
  const byAgent: Record<string, number[]> = {}
  for (const { agent } of loads) {
    const ids = offers.get(agent.id)
    if (ids) byAgent[agent.id] = ids.map((id) => Number(id.slice(1)))
  }
  return {
    chats: world.convs.map((c, i) => ({ status: c.status, agent: c.agent?.id, log: world.logs[i] })),
    used: loads.map((l) => l.used),
    offers: byAgent,
    reconnectable: world.convs.map((c) => canReconnect(c, world.now, world.cfg)),
  }
}

function modelView(m: RulesModel): unknown {
  return {
    chats: m.chats.map((c) => ({ status: c.status, agent: c.agent, log: c.log })),
    used: m.agents.map((a) => a.used),
    offers: m.offers(),
    reconnectable: m.chats.map((_, i) => m.reconnectable(i)),
  }
}

function applyCustomer(e: Extract<Event, { type: CustomerAct }>, m: RulesModel, w: EngineWorld): void {
  const i = e.c % m.chats.length
  const c = m.chat(i)
  const live = isLive(c.status)
  if (e.type === 'leave' && live && c.customerHere) {
    w.run(i, (conv, now) => stepOf(tabAway(conv, 't1', now)))
    m.customerLeaves(i)
  } else if (e.type === 'back' && live && !c.customerHere) {
    w.run(i, (conv, now) => stepOf(heard(conv, 'k1', 't1', now)))
    m.customerHeard(i)
  } else if (e.type === 'end' && live) {
    w.run(i, (conv, now) => customerEnd(conv, now, w.cfg))
    m.customerEnds(i)
  } else if (e.type === 'new' && c.status === 'closed' && !m.reconnectable(i)) {
    w.startNew(i)
    m.startNew(i)
  } else if (e.type === 'reconnect' && !live) {
    const allowed = m.reconnectable(i)
    expect(canReconnect(w.conv(i), w.now, w.cfg), `reconnect chat ${i} at ${w.now}`).toBe(allowed)
    if (!allowed) return
    w.run(i, (conv, now) => reopen(heard(conv, 'k1', 't1', now), now, w.cfg))
    m.reconnect(i)
  }
}

/** R11: the agent's console loses its last connection, or comes back. */
function applyAgentPresence(e: Extract<Event, { type: AgentPresence }>, m: RulesModel, w: EngineWorld): void {
  const drop = e.type === 'agent-drop'
  const online = m.agents.find((a) => a.id === e.a)?.online === true
  if (online !== drop) return
  w.agent(e.a).connections = drop ? [] : ['x']
  const op = drop ? agentGone : agentBack
  w.convs.forEach((conv, i) => conv.agent?.id === e.a && w.run(i, (c, now) => op(c, now, w.cfg)))
  if (drop) m.agentGone(e.a)
  else m.agentBack(e.a)
}

function applyAgentAct(e: Extract<Event, { type: AgentAct }>, m: RulesModel, w: EngineWorld): void {
  const i = e.c % m.chats.length
  const c = m.chat(i)
  // An agent whose console is gone sends nothing.
  if (m.agents.find((a) => a.id === e.a)?.online !== true) return
  const mine = c.agent === e.a
  if (e.type === 'accept') {
    const allowed = m.mayAccept(e.a, i)
    expect(w.mayAccept(e.a, i), `${e.a} accepts chat ${i} at ${w.now}`).toBe(allowed)
    if (!allowed) return
    w.run(i, (conv, now) => acceptStep(conv, { id: e.a, name: e.a }, now, w.cfg) ?? stepOf(conv))
    m.accept(e.a, i)
    return
  }
  // The session's own guards decide; the model says what they must allow: ending its active chat,
  // closing early from Wrap-up or straight from Active.
  const allowed = mine && (e.type === 'agent-end' ? c.status === 'active' : c.status === 'active' || c.status === 'wrap-up')
  const decide = e.type === 'agent-end' ? agentEndStep : agentCloseStep
  const step = w.step(i, (conv, now) => decide(conv, e.a, now, w.cfg))
  expect(step !== null, `${e.a} ${e.type} chat ${i} (${c.status}) at ${w.now}`).toBe(allowed)
  if (!step) return
  w.run(i, () => step)
  if (e.type === 'agent-end') m.agentEnds(i)
  else m.agentCloses(i)
}

/** Issue 17: an agent (whose console is up) or a supervisor transfers; the model says what is allowed. */
function applyTransfer(e: TransferEvent, m: RulesModel, w: EngineWorld): void {
  const i = e.c % m.chats.length
  if (e.a !== undefined && m.agents.find((a) => a.id === e.a)?.online !== true) return
  const to = e.to === 'queue' ? undefined : e.to
  const by = { id: e.a ?? 'supervisor', supervisor: e.a === undefined }
  const allowed = m.mayTransfer(e.a, i, to)
  const label = `${e.a ?? 'supervisor'} transfers chat ${i} (${m.chat(i).status}) to ${e.to} at ${w.now}`
  expect(transferRefusal(w.conv(i), by, to, AGENT_IDS) === undefined, label).toBe(allowed)
  const step = w.step(i, (conv, now) => transferStep(conv, by, to, AGENT_IDS, now, w.cfg))
  expect(step !== null, label).toBe(allowed)
  if (!step) return
  w.run(i, () => step)
  m.transfer(i, to)
}

function check(m: RulesModel, w: EngineWorld): void {
  const engine = view(w)
  const model = modelView(m)
  // Comparing strings first keeps 1,000 runs fast; the deep assertion only runs to show a diff.
  if (JSON.stringify(engine) !== JSON.stringify(model)) expect(engine, `at ${w.now} ms`).toEqual(model)
  for (const load of w.loads()) {
    expect(load.used).toBeGreaterThanOrEqual(0)
    expect(load.used).toBeLessThanOrEqual(load.agent.capacity)
  }
}

describe('engine against the model of R9-R11', () => {
  it('wrap-up, capacity, queue timeout, reconnection, agent disconnection and transfer follow the model', () => {
    fc.assert(
      fc.property(setup, fc.array(event, { maxLength: 80, size: 'max' }), ({ cfg, chats, capacities, online }, events) => {
        const agents = AGENT_IDS.map((id, n) => ({ id, capacity: capacities[n] ?? 1, online: online[n] ?? true }))
        const m = new RulesModel(cfg, chats, agents.map((a) => ({ ...a, used: 0 })))
        const records = agents.map((a) => ({ id: a.id, name: a.id, capacity: a.capacity, connections: a.online ? ['x'] : [] }))
        // Presence is engine-model.test.ts's job: here a customer is heard after every event or gone
        // by an away beacon, and no wait comes near the silence after which a socket counts as dead.
        const w = new EngineWorld(config(cfg), chats, records)
        for (const e of events) {
          if (e.type === 'wait') {
            m.advance(m.now + e.ms)
            w.advance(w.now + e.ms)
          } else if (isOf(e, CUSTOMER_ACTS)) {
            applyCustomer(e, m, w)
          } else if (isOf(e, AGENT_PRESENCE)) {
            applyAgentPresence(e, m, w)
          } else if (e.type === 'transfer') {
            applyTransfer(e, m, w)
          } else {
            applyAgentAct(e, m, w)
          }
          // Heartbeats: a customer who is here keeps being heard.
          m.chats.forEach((c, i) => {
            if (!isLive(c.status) || !c.customerHere) return
            w.run(i, (conv, now) => stepOf(heard(conv, 'k1', 't1', now)))
            m.customerHeard(i)
          })
          m.settle()
          check(m, w)
        }
      }),
      { numRuns: 1_000 },
    )
  })
})
