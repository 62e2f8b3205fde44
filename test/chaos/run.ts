/**
 * Runs a chaos plan against real parts (server, proxies, customer and agent SDKs over `ws`), then
 * heals every fault, lets everyone settle, closes every chat from the agents' side and collects
 * what each side saw for the invariants.
 */
import { capacityUsed } from '../../src/server/engine/routing.js'
import { waitFor } from '../client/helpers.js'
import { seeded } from '../helpers/random.js'
import { ChaosAgent } from './agent.js'
import { ChaosCustomer, type Interval } from './customer.js'
import type { Observation } from './invariants.js'
import { makePlan, type Plan, type PlanSettings, type PlanStep } from './plan.js'
import { startWorld, type World } from './world.js'

export interface ChaosSettings extends PlanSettings {
  agentCapacity: number
  /** A Redis URL; the server's memory store without (then `restarts` must be 0). */
  store?: string
  /** Servers sharing the Redis store (see WorldSettings). */
  processes?: number
  /** R10 on (see WorldSettings); customers then take the previous chat back in turn: auto, prompt, off. */
  reconnectWindowMs?: number
}

export interface ChaosRun {
  plan: Plan
  observation: Observation
  /** Counts for the log: faults by kind, state changes by reason, resumes and new chats. */
  summary: Record<string, number>
}

const SETTLE_MS = 20_000
const RECONNECT_MODES = ['auto', 'prompt', 'off'] as const

export async function runChaos(seed: number, settings: ChaosSettings): Promise<ChaosRun> {
  const plan = makePlan(seed, settings)
  const world = await startWorld(settings)
  const now = (): number => Date.now()
  const customers: ChaosCustomer[] = []
  const agents: ChaosAgent[] = []
  try {
    const modes = settings.reconnectWindowMs ? RECONNECT_MODES : (['off'] as const)
    for (let c = 0; c < settings.customers; c++) customers.push(new ChaosCustomer(`c${c}`, await world.proxy(), now, modes[c % modes.length]!))
    for (let a = 0; a < settings.agents; a++) agents.push(new ChaosAgent(`a${a}`, await world.proxy(), world.agentToken(a), seeded(seed + 1 + a)))
    await Promise.all(agents.map((a) => a.connect()))
    for (const customer of customers) customer.open()

    const restarts: Interval[] = []
    await play(plan.steps, { world, customers, agents, restarts })

    // A phase that does not settle is itself a finding; the run goes on so the invariants say more.
    const stalls: string[] = []
    const settle = (done: Promise<void>): Promise<void> => done.catch((error: Error) => void stalls.push(error.message))
    for (const customer of customers) customer.heal()
    await settle(waitFor(() => customers.every(settled), SETTLE_MS, 'every customer connected with nothing pending'))
    for (const customer of customers) customer.staying = true
    // Close until nothing is held: an accept already on its way when closing began lands later.
    const closedAll = async (): Promise<boolean> => {
      await Promise.all(agents.map((a) => a.closeAll()))
      return agents.every((a) => a.agent.capacity.used === 0)
    }
    await settle(waitFor(closedAll, SETTLE_MS, 'capacity back to zero'))
    await settle(waitFor(() => agreed(world, customers), SETTLE_MS, 'customers and server agree'))

    const observation = { ...(await observe(world, settings, customers, agents, restarts)), stalls }
    return { plan, observation, summary: summarize(plan, observation) }
  } finally {
    for (const customer of customers) customer.close()
    for (const agent of agents) agent.stop()
    await world.close()
  }
}

interface Cast {
  world: World
  customers: ChaosCustomer[]
  agents: ChaosAgent[]
  restarts: Interval[]
}

/** Every step at its time; resolves when the last one (and every fault's duration) is over. */
async function play(steps: readonly PlanStep[], cast: Cast): Promise<void> {
  const start = Date.now()
  const running: Array<Promise<void>> = []
  for (const step of steps) {
    const wait = start + step.at - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    running.push(apply(step, cast))
  }
  await Promise.all(running)
}

async function apply(step: PlanStep, { world, customers, agents, restarts }: Cast): Promise<void> {
  switch (step.type) {
    case 'write':
      return customers[step.customer]!.write()
    case 'end':
      return customers[step.customer]!.end()
    case 'fault':
      return customers[step.customer]!.fault(step.kind, step.ms)
    case 'agent-end':
      return agents[step.agent]!.endOne()
    case 'agent-cut':
      return agents[step.agent]!.proxy.dropAll()
    case 'agent-offline':
      return agents[step.agent]!.offline(step.ms)
    case 'agent-stall':
      return agents[step.agent]!.stall(step.ms)
    case 'agent-late-ready':
      return agents[step.agent]!.lateReady(step.ms)
    case 'restart': {
      const from = Date.now()
      await world.restart(step.ms)
      restarts.push({ from, to: Date.now(), why: 'restart' })
    }
  }
}

function settled(customer: ChaosCustomer): boolean {
  const chat = customer.chat
  return (
    chat !== undefined &&
    chat.connection === 'connected' &&
    !chat.messages.some((m) => m.pending) &&
    !customer.written.some((w) => w.fate === 'pending')
  )
}

async function agreed(world: World, customers: readonly ChaosCustomer[]): Promise<boolean> {
  for (const customer of customers) {
    const shown = customer.chat?.conversation
    if (!shown) continue
    if ((await world.server.store.get(shown.id))?.status !== shown.status) return false
  }
  return true
}

async function observe(
  world: World,
  settings: ChaosSettings,
  customers: readonly ChaosCustomer[],
  agents: readonly ChaosAgent[],
  restarts: Interval[],
): Promise<Omit<Observation, 'stalls'>> {
  const store = world.server.store
  const records = await store.listConversations()
  const conversations = await Promise.all(
    records.map(async (c) => ({ id: c.id, status: c.status, ...(c.previousId ? { previousId: c.previousId } : {}), transcript: await store.transcript(c.id) })),
  )
  return {
    graceMs: settings.graceMs,
    heartbeatMs: settings.heartbeatMs,
    agentGraceMs: settings.agentGraceMs,
    ...(settings.reconnectWindowMs ? { reconnectWindowMs: settings.reconnectWindowMs } : {}),
    conversations,
    restarts,
    customers: customers.map((c) => {
      const shown = c.chat?.conversation
      return {
        name: c.name,
        written: c.written,
        events: c.events,
        outages: c.outages,
        ...(shown ? { final: { id: shown.id, status: shown.status, messages: c.chat!.messages.map((m) => ({ seq: m.seq, text: m.text, ...(m.pending ? { pending: true } : {}) })) } } : {}),
      }
    }),
    agents: agents.map((a, index) => ({
      name: a.name,
      id: `a${index}`,
      written: a.written,
      capacities: a.capacities,
      outages: a.outages,
      conversations: [...a.agent.conversations.values()].map((c) => ({ id: c.id, transcript: c.transcript })),
      finalUsed: a.agent.capacity.used,
      serverUsed: capacityUsed(`a${index}`, records, Date.now(), 'block'),
    })),
  }
}

function summarize(plan: Plan, o: Observation): Record<string, number> {
  const summary: Record<string, number> = {}
  const count = (key: string): void => void (summary[key] = (summary[key] ?? 0) + 1)
  for (const step of plan.steps) if (step.type === 'fault') count(`fault ${step.kind} ${step.gap}`)
  for (const step of plan.steps) if (step.type === 'restart' || (step.type.startsWith('agent-') && step.type !== 'agent-end')) count(step.type)
  for (const conv of o.conversations) for (const item of conv.transcript) if (item.kind === 'status') count(`-> ${item.status} (${item.reason})`)
  summary['messages recorded'] = o.conversations.reduce((n, c) => n + c.transcript.filter((i) => i.kind === 'message' && !i.automated).length, 0)
  for (const c of o.customers) for (const e of c.events) if (e.type !== 'conversation') count(`customer ${e.type}${e.type === 'new-chat' ? ` (${e.reason})` : ''}`)
  return summary
}
