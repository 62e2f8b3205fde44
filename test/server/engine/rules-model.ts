/**
 * A deliberately naive model of the timed and agent-side rules (SPEC R3, R8-R11), written from the
 * SPEC text alone for engine-model-rules.test.ts. Time moves one millisecond at a time and every rule
 * is checked at every millisecond; agent capacity is a plain counter taken on accept and given back
 * when the wrap-up policy says so. Nothing here calls the engine, so a disagreement points at one
 * of the two.
 */
import type { EngineConfig } from '../../../src/server/engine/types.js'

export type ModelConfig = Pick<
  EngineConfig,
  'graceMs' | 'agentGraceMs' | 'wrapUpAutoCloseMs' | 'wrapUpCapacity' | 'openAutoCloseMs' | 'reconnectWindowMs' | 'affinityMs'
>
type Status = 'open' | 'active' | 'wrap-up' | 'closed'

/** The automated message each transition tells (SPEC sections 1 and 2). */
const TOLD: Record<string, string> = {
  'agent-accepted': 'agent-joined',
  'customer-disconnected': 'customer-disconnected',
  'customer-ended': 'customer-ended',
  'agent-ended': 'agent-ended',
  'wrap-up-timeout': 'wrap-up-timeout',
  'agent-closed': 'agent-closed',
  'queue-timeout': 'queue-timeout',
  'customer-reconnected': 'customer-reconnected',
  'agent-transferred': 'agent-transferred',
  // The customer was told `agent-disconnected` when the console went; the requeue itself says nothing.
}

export interface ModelChat {
  status: Status
  createdAt: number
  statusAt: number
  /** The agent who has (or last had, once ended) the chat; none while queued. */
  agent?: string
  /** The previous agent, preferred when the chat is back in the queue (R10, R11). */
  lastAgent?: string
  customerHere: boolean
  lastHeard: number
  agentAwayAt?: number
  endedAt?: number
  endedBy?: string
  /** True while the chat takes a unit of its agent's capacity. */
  holdsUnit: boolean
  releaseAt?: number
  /** Sent back to the queue by this agent: passed over in this stay while another agent has room. */
  skip?: string
  /** A supervisor directed the open chat to `lastAgent` at this time (its affinity starts here). */
  directedAt?: number
  /** Status changes as `status:reason@agent` and automated messages as `msg:id`, in order. */
  log: string[]
}

export interface ModelAgent {
  id: string
  capacity: number
  online: boolean
  used: number
}

const isLive = (s: Status): boolean => s === 'open' || s === 'active'

export class RulesModel {
  now = 0
  readonly chats: ModelChat[]

  constructor(
    readonly cfg: ModelConfig,
    chatCount: number,
    readonly agents: ModelAgent[],
  ) {
    this.chats = Array.from({ length: chatCount }, () => this.newChat())
  }

  private newChat(): ModelChat {
    const { now } = this
    return { status: 'open', createdAt: now, statusAt: now, customerHere: true, lastHeard: now, holdsUnit: false, log: ['open:customer-started@'] }
  }

  /** The customer starts a new chat; it takes the place of the closed one in slot `i`. */
  startNew(i: number): void {
    this.chats[i] = this.newChat()
  }

  /** Lets time pass, checking every rule at every millisecond. */
  advance(to: number): void {
    while (this.now < to) {
      this.now += 1
      this.settle()
    }
  }

  /** Applies the rules due now until none is (a change may make another one due at once). */
  settle(): void {
    for (const chat of this.chats) while (this.timeRule(chat));
  }

  private timeRule(c: ModelChat): boolean {
    const { cfg, now } = this
    // R3 says "more than" the grace window; the other windows are due once their ms have passed, as
    // a timer set for them fires. When two fall due in the same ms (the SPEC does not say which
    // wins) the customer's absence goes first: with nobody there, queueing or requeueing is moot.
    if (isLive(c.status)) {
      if (!c.customerHere && now > c.lastHeard + cfg.graceMs) return this.move(c, c.status === 'open' ? 'closed' : 'wrap-up', 'customer-disconnected')
      if (c.status === 'open' && now - c.statusAt >= cfg.openAutoCloseMs) return this.move(c, 'closed', 'queue-timeout')
      if (c.status === 'active' && c.agentAwayAt !== undefined && now - c.agentAwayAt >= cfg.agentGraceMs) {
        return this.move(c, 'open', 'agent-disconnected')
      }
      return false
    }
    if (c.status !== 'wrap-up') return false
    if (now - c.statusAt >= cfg.wrapUpAutoCloseMs) return this.move(c, 'closed', 'wrap-up-timeout')
    if (c.holdsUnit && c.releaseAt !== undefined && now >= c.releaseAt) this.release(c)
    return false
  }

  private move(c: ModelChat, to: Status, reason: string): true {
    const from = c.status
    if (from === 'active' && to === 'wrap-up') this.enterWrapUp(c)
    else if (c.holdsUnit) this.release(c)
    if (isLive(from) && !isLive(to)) {
      c.endedAt = this.now
      c.endedBy = reason
    }
    if (to === 'open') {
      delete c.agent
      delete c.agentAwayAt
    }
    delete c.skip
    delete c.directedAt
    c.status = to
    c.statusAt = this.now
    c.log.push(`${to}:${reason}@${c.agent ?? ''}`)
    const told = TOLD[reason]
    if (told) c.log.push(`msg:${told}`)
    return true
  }

  /** R9's wrap-up capacity policy: keep the unit, give it back now, or keep it for so many ms. */
  private enterWrapUp(c: ModelChat): void {
    const policy = this.cfg.wrapUpCapacity
    if (policy === 'release' || policy === 0) this.release(c)
    else if (typeof policy === 'number') c.releaseAt = this.now + policy
  }

  private release(c: ModelChat): void {
    const agent = this.agents.find((a) => a.id === c.agent)
    if (!agent || !c.holdsUnit) throw new Error('model: released a unit nobody held')
    agent.used -= 1
    c.holdsUnit = false
    delete c.releaseAt
    if (agent.used < 0) throw new Error(`model: ${agent.id} uses ${agent.used} units`)
  }

  private agent(id: string): ModelAgent {
    const agent = this.agents.find((a) => a.id === id)
    if (!agent) throw new Error(`model: no agent ${id}`)
    return agent
  }

  private hasRoom(id: string | undefined): boolean {
    const agent = this.agents.find((a) => a.id === id)
    return agent !== undefined && agent.online && agent.used < agent.capacity
  }

  /**
   * Routing: for `affinityMs` after the chat is back in the queue, the previous agent alone while it
   * is online with room; otherwise, and after that, any agent with room.
   */
  mayAccept(agentId: string, i: number): boolean {
    const c = this.chats[i]
    if (!c || c.status !== 'open' || !this.hasRoom(agentId)) return false
    const waitingForPrevious = c.lastAgent !== undefined && this.now < (c.directedAt ?? c.statusAt) + this.cfg.affinityMs && this.hasRoom(c.lastAgent)
    if (waitingForPrevious) return c.lastAgent === agentId
    // Transferred back to the queue: the agent who did it only when nobody else has room.
    return agentId !== c.skip || !this.agents.some((a) => a.id !== c.skip && this.hasRoom(a.id))
  }

  /** Offers per agent, oldest in the queue first (then the older chat, then the lower slot). */
  offers(): Record<string, number[]> {
    const queue = this.chats.map((c, i) => ({ c, i })).filter(({ c }) => c.status === 'open')
    queue.sort((x, y) => x.c.statusAt - y.c.statusAt || x.c.createdAt - y.c.createdAt || x.i - y.i)
    const out: Record<string, number[]> = {}
    for (const agent of this.agents) {
      const mine = queue.filter(({ i }) => this.mayAccept(agent.id, i)).map(({ i }) => i)
      if (mine.length > 0) out[agent.id] = mine
    }
    return out
  }

  /** R10: ended by the customer's disconnection (never by R8), and inside the window after that. */
  reconnectable(i: number): boolean {
    const c = this.chats[i]
    const window = this.cfg.reconnectWindowMs
    if (!c || window === undefined || isLive(c.status) || c.endedBy !== 'customer-disconnected') return false
    return c.endedAt !== undefined && this.now - c.endedAt <= window
  }

  accept(agentId: string, i: number): void {
    const c = this.chat(i)
    c.agent = agentId
    c.lastAgent = agentId
    this.move(c, 'active', 'agent-accepted')
    c.holdsUnit = true
    this.agent(agentId).used += 1
  }

  customerLeaves(i: number): void {
    const c = this.chat(i)
    c.customerHere = false
    c.lastHeard = this.now
  }

  customerHeard(i: number): void {
    const c = this.chat(i)
    c.customerHere = true
    c.lastHeard = this.now
  }

  /** R8. */
  customerEnds(i: number): void {
    const c = this.chat(i)
    if (c.status === 'open') this.move(c, 'closed', 'customer-ended')
    else if (c.status === 'active') this.move(c, 'wrap-up', 'customer-ended')
  }

  /** R10: back in the queue with its transcript, its previous agent preferred. */
  reconnect(i: number): void {
    const c = this.chat(i)
    this.customerHeard(i)
    delete c.endedAt
    delete c.endedBy
    this.move(c, 'open', 'customer-reconnected')
  }

  /**
   * Transfer: may `by` (an agent, or a supervisor when undefined) hand chat `i` to `to`
   * (undefined: the queue)? An agent its own active chat, to anyone else; a supervisor any active
   * chat, to anyone but its agent, and an open one to a named agent.
   */
  mayTransfer(by: string | undefined, i: number, to: string | undefined): boolean {
    const c = this.chat(i)
    if (by !== undefined && c.agent !== by) return false
    if (to !== undefined && to === c.agent) return false
    return c.status === 'active' || (by === undefined && c.status === 'open' && to !== undefined)
  }

  transfer(i: number, to: string | undefined): void {
    const c = this.chat(i)
    if (c.status === 'open') {
      c.lastAgent = to
      c.directedAt = this.now
      return
    }
    const from = c.agent
    this.move(c, 'open', 'agent-transferred')
    if (to === undefined) delete c.lastAgent
    else c.lastAgent = to
    if (to === undefined) c.skip = from
  }

  agentEnds(i: number): void {
    this.move(this.chat(i), 'wrap-up', 'agent-ended')
  }

  agentCloses(i: number): void {
    this.move(this.chat(i), 'closed', 'agent-closed')
  }

  /** R11: the console lost its last connection; its customers are told at once. */
  agentGone(id: string): void {
    this.agent(id).online = false
    for (const c of this.chats) {
      if (c.status !== 'active' || c.agent !== id || c.agentAwayAt !== undefined) continue
      c.agentAwayAt = this.now
      c.log.push('msg:agent-disconnected')
    }
  }

  /** R11: back inside the agent grace window, it keeps its chats. */
  agentBack(id: string): void {
    this.agent(id).online = true
    for (const c of this.chats) {
      if (c.status !== 'active' || c.agent !== id || c.agentAwayAt === undefined) continue
      delete c.agentAwayAt
      c.log.push('msg:agent-reconnected')
    }
  }

  chat(i: number): ModelChat {
    const c = this.chats[i]
    if (!c) throw new Error(`model: no chat ${i}`)
    return c
  }
}
