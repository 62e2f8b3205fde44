/**
 * The connections this process holds, what of the store's fan-out they follow, and the delivery of
 * its messages to them. The process follows a conversation while one of its customer connections
 * shows it or one of its consoles follows it (assigned, offered, a supervisor's), an agent while one
 * of its consoles is signed in as that agent, and routing while it holds a console or a customer
 * waiting in the queue: a process receives only what one of its connections shows.
 */
import type { CustomerConnection } from '../engine/types.js'
import { agentTopic, conversationTopic } from '../store/topics.js'
import type { BusMessage, ChangeMessage, Store, Topic } from '../store/types.js'
import { Interest } from './interest.js'
import type { AgentPeer, CustomerPeer } from './peers.js'
import { Registry } from './registry.js'

/** Registry of local connections. @example hub.deliver({ type: 'routing' }) */
export class Hub {
  readonly customers = new Registry<CustomerPeer>()
  readonly agents = new Registry<AgentPeer>()
  /** Supervisors' consoles (admin tokens): they follow every conversation and hold no capacity. */
  readonly supervisors = new Set<AgentPeer>()
  /** Set by the server: recompute offers and capacity for local agents. */
  onRouting: () => void = () => {}
  /** A customer connection attached to its conversation (it may need its queue position). */
  onCustomerAdded: () => void = () => {}
  /** A follow of the store's fan-out failed (the store is down; its reconnect resyncs everyone). */
  onError: (error: unknown) => void = () => {}
  /** Customer connections whose conversation is open: they are told their place in the queue. */
  private readonly waiting = new Set<CustomerPeer>()
  /** The conversations each console follows. */
  private readonly follows = new Map<AgentPeer, Set<string>>()
  private interest: Interest | undefined

  constructor(private readonly now: () => number) {}

  /** Subscribes to `store`'s fan-out; returns the unsubscribe. */
  listen(store: Store): () => void {
    const subscription = store.subscribe((m) => this.deliver(m))
    this.interest = new Interest(subscription)
    return () => subscription.close()
  }

  /**
   * A customer connection shows `conversationId` (`waiting`: it is open, in the queue). Resolves
   * once what is published for it reaches this process.
   */
  async addCustomer(conversationId: string, conn: CustomerPeer, waiting = false): Promise<void> {
    const following = this.customers.add(conversationId, conn) ? this.hold(conversationTopic(conversationId)) : undefined
    if (waiting && !this.waiting.has(conn)) {
      this.waiting.add(conn)
      this.quietly(this.hold('routing'))
    }
    this.onCustomerAdded()
    await following
  }

  removeCustomer(conversationId: string, conn: CustomerPeer): void {
    if (this.customers.remove(conversationId, conn)) this.release(conversationTopic(conversationId))
    if (this.waiting.delete(conn)) this.release('routing')
  }

  addAgent(agentId: string, conn: AgentPeer): void {
    if (!this.agents.add(agentId, conn)) return
    this.quietly(this.hold(agentTopic(agentId)))
    this.quietly(this.hold('routing'))
  }

  removeAgent(agentId: string, conn: AgentPeer): void {
    this.unfollowAll(conn)
    if (!this.agents.remove(agentId, conn)) return
    this.release(agentTopic(agentId))
    this.release('routing')
  }

  addSupervisor(conn: AgentPeer): void {
    if (this.supervisors.has(conn)) return
    this.supervisors.add(conn)
    this.quietly(this.hold('routing'))
  }

  removeSupervisor(conn: AgentPeer): void {
    this.unfollowAll(conn)
    if (this.supervisors.delete(conn)) this.release('routing')
  }

  /**
   * Console `conn` follows conversation `id` (assigned, offered, a supervisor's). Resolves once its
   * publishes reach this process: true when they did not before (what was published meanwhile was
   * not received here, and the console should read it).
   */
  async follow(conn: AgentPeer, id: string): Promise<boolean> {
    let followed = this.follows.get(conn)
    if (!followed) this.follows.set(conn, (followed = new Set()))
    if (followed.has(id)) return false
    followed.add(id)
    return this.hold(conversationTopic(id))
  }

  /** Console `conn` no longer follows conversation `id` (it closed). */
  unfollow(conn: AgentPeer, id: string): void {
    const followed = this.follows.get(conn)
    if (!followed?.delete(id)) return
    if (followed.size === 0) this.follows.delete(conn)
    this.release(conversationTopic(id))
  }

  private unfollowAll(conn: AgentPeer): void {
    for (const id of [...(this.follows.get(conn) ?? [])]) this.unfollow(conn, id)
  }

  private async hold(topic: Topic): Promise<boolean> {
    return this.interest ? this.interest.add(topic) : false
  }

  private release(topic: Topic): void {
    this.interest?.remove(topic)
  }

  private quietly(following: Promise<unknown>): void {
    following.catch((error: unknown) => this.onError(error))
  }

  /** Holders of `topic` on this process (tests, metrics). */
  holders(topic: Topic): number {
    return this.interest?.count(topic) ?? 0
  }

  /** All local agent connections. */
  allAgents(): AgentPeer[] {
    return this.agents.all()
  }

  /** Handles one message from the store's fan-out. */
  deliver(message: BusMessage): void {
    if (message.type === 'routing') return this.onRouting()
    if (message.type === 'typing') return this.typing(message.conversationId, message.from, message.agentId)
    if (message.type === 'resync') return this.resync()
    if (message.type === 'note') return this.note(message)
    this.changed(message)
  }

  /** Changes published while the subscription was down never came: everyone reads what they hold. */
  private resync(): void {
    for (const customer of this.customers.all()) customer.resync()
    for (const agent of [...this.allAgents(), ...this.supervisors]) agent.resync()
    this.onRouting()
  }

  private changed(change: ChangeMessage): void {
    const id = change.conversationId
    const customers = this.customers.get(id)
    if (change.connections) this.recorded(customers, change.connections)
    if (change.status !== 'open') for (const customer of customers) if (this.waiting.delete(customer)) this.release('routing')
    if (change.items.length === 0 && !change.presence && !change.customer) return
    for (const customer of customers) customer.deliver(change.items)
    if (this.agents.size === 0 && this.supervisors.size === 0) return
    // What is left of the grace window is counted here, when it is shown.
    const presence = change.presence?.deadline === undefined ? change.presence : { ...change.presence, remainingMs: Math.max(0, change.presence.deadline - this.now()) }
    for (const agent of this.agentsFor(change)) {
      agent.deliver(id, change.items)
      if (presence) agent.send({ type: 'presence', presence })
      if (change.customer) agent.send({ type: 'customer', conversationId: id, customer: change.customer })
    }
  }

  private recorded(customers: readonly CustomerPeer[], connections: readonly CustomerConnection[]): void {
    for (const customer of customers) customer.recorded(connections)
  }

  /** Agent connections that follow the changed conversation: its agent (before and after), those offered it, supervisors. */
  private agentsFor(change: ChangeMessage): Set<AgentPeer> {
    const out = new Set<AgentPeer>()
    for (const agentId of [change.agentId, change.previousAgentId]) {
      if (agentId) for (const a of this.agents.get(agentId)) out.add(a)
    }
    for (const a of this.allAgents()) if (a.offered.has(change.conversationId)) out.add(a)
    for (const s of this.supervisors) out.add(s)
    return out
  }

  /**
   * An internal note goes to agent consoles alone: the conversation's agent, those offered it, the
   * supervisors. No customer connection is looked at here.
   */
  private note(message: Extract<BusMessage, { type: 'note' }>): void {
    const out = new Set<AgentPeer>(message.agentId ? this.agents.get(message.agentId) : [])
    for (const a of this.allAgents()) if (a.offered.has(message.conversationId)) out.add(a)
    for (const s of this.supervisors) out.add(s)
    for (const a of out) a.deliverNotes(message.conversationId, [message.note])
  }

  /** Typing goes to the customer's tabs, or to the assigned agent's consoles; never recorded. */
  private typing(conversationId: string, from: 'customer' | 'agent', agentId: string | undefined): void {
    if (from === 'agent') {
      for (const c of this.customers.get(conversationId)) c.send({ type: 'typing', from })
      return
    }
    for (const a of agentId ? this.agents.get(agentId) : []) a.send({ type: 'typing', from, conversationId })
  }
}
