/**
 * The connections this process holds, and the delivery of store fan-out messages to them.
 */
import type { TranscriptItem } from '../../protocol/frames.js'
import { presenceOf } from '../engine/presence.js'
import { customerChanged } from '../engine/customer-context.js'
import type { Conversation, EngineConfig } from '../engine/types.js'
import type { BusMessage } from '../store/types.js'
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

  constructor(
    private readonly config: EngineConfig,
    private readonly now: () => number,
  ) {}

  addCustomer(conversationId: string, conn: CustomerPeer): void {
    this.customers.add(conversationId, conn)
    this.onCustomerAdded()
  }

  removeCustomer(conversationId: string, conn: CustomerPeer): void {
    this.customers.remove(conversationId, conn)
  }

  addAgent(agentId: string, conn: AgentPeer): void {
    this.agents.add(agentId, conn)
  }

  removeAgent(agentId: string, conn: AgentPeer): void {
    this.agents.remove(agentId, conn)
  }

  addSupervisor(conn: AgentPeer): void {
    this.supervisors.add(conn)
  }

  removeSupervisor(conn: AgentPeer): void {
    this.supervisors.delete(conn)
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
    this.changed(message.conversation, message.previous, message.items)
  }

  /** Changes published while the subscription was down never came: everyone reads what they hold. */
  private resync(): void {
    for (const customer of this.customers.all()) customer.resync()
    for (const agent of [...this.allAgents(), ...this.supervisors]) agent.resync()
    this.onRouting()
  }

  private changed(conv: Conversation, previous: Conversation | undefined, items: TranscriptItem[]): void {
    const presenceChanged = previous !== undefined && previous.presence !== conv.presence
    // A page visited, a browser recorded: the conversation's consoles are told (never its customer).
    const customerMoved = previous !== undefined && customerChanged(previous.customer, conv.customer)
    // Most changes are heartbeats: nothing recorded and presence as it was, so nobody has anything to see.
    if (items.length === 0 && !presenceChanged && !customerMoved) return
    for (const customer of this.customers.get(conv.id)) customer.deliver(items)
    if (this.agents.size === 0 && this.supervisors.size === 0) return
    for (const agent of this.agentsFor(conv, previous)) {
      agent.deliver(conv.id, items)
      if (presenceChanged) agent.send({ type: 'presence', presence: presenceOf(conv, this.config, this.now()) })
      if (customerMoved) agent.send({ type: 'customer', conversationId: conv.id, customer: conv.customer })
    }
  }

  /** Agent connections that follow `conv`: its assigned agent (before and after) and those offered it. */
  private agentsFor(conv: Conversation, previous: Conversation | undefined): Set<AgentPeer> {
    const out = new Set<AgentPeer>()
    for (const id of [conv.agent?.id, previous?.agent?.id]) {
      if (id) for (const a of this.agents.get(id)) out.add(a)
    }
    for (const a of this.allAgents()) if (a.offered.has(conv.id)) out.add(a)
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
