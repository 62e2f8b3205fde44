/**
 * State changes of one conversation (SPEC section 2): every change is a status item with its reason,
 * plus the automated message that goes with it. Pure: record + time in, step out.
 */
import type {
  AgentInfo,
  AutomatedMessageId,
  ConversationStatus,
  TransitionReason,
} from '../../protocol/frames.js'
import type { Conversation, Draft, EngineConfig, Step } from './types.js'

/** The automated message recorded with each transition reason, if any. */
const MESSAGE_FOR: Partial<Record<TransitionReason, AutomatedMessageId>> = {
  'agent-accepted': 'agent-joined',
  'customer-disconnected': 'customer-disconnected',
  'customer-ended': 'customer-ended',
  'agent-ended': 'agent-ended',
  'wrap-up-timeout': 'wrap-up-timeout',
  'agent-closed': 'agent-closed',
  'queue-timeout': 'queue-timeout',
  'customer-reconnected': 'customer-reconnected',
  'agent-transferred': 'agent-transferred',
}

/** True while the customer can still talk (Open or Active). */
export function isLive(status: ConversationStatus): boolean {
  return status === 'open' || status === 'active'
}

/** An automated system message draft, its text from the (overridable) table. */
export function automated(id: AutomatedMessageId, now: number, config: EngineConfig): Draft {
  return { kind: 'message', from: 'system', text: config.messages[id], at: now, automated: id }
}

/**
 * Moves `conv` to `status` for `reason`, recording the status item and its automated message.
 * @example transition(conv, 'closed', 'customer-ended', now, config).drafts.length // 2
 */
export function transition(
  conv: Conversation,
  status: ConversationStatus,
  reason: TransitionReason,
  now: number,
  config: EngineConfig,
): Step {
  const next: Conversation = { ...conv, status, statusAt: now }
  if (isLive(conv.status) && !isLive(status)) {
    next.endedAt = now
    next.endedBy = reason
  }
  if (status === 'open' || status === 'active') delete next.agentAwayAt
  // Each stay in the queue starts its own affinity period (R10, R11), each wrap-up its own hold.
  delete next.affinityLapsed
  delete next.affinitySince
  delete next.transferredFrom
  delete next.transferredBy
  delete next.capacityReleased
  const agent = status === 'open' ? undefined : next.agent
  const item: Draft = { kind: 'status', status, reason, at: now, ...(agent ? { agent } : {}) }
  const drafts: Draft[] = [item]
  const message = MESSAGE_FOR[reason]
  if (message) drafts.push(automated(message, now, config))
  return { conversation: next, drafts }
}

/** A new conversation, Open, with its `customer-started` status item. */
export function createConversation(
  init: { id: string; widgetId: string; customer: { name?: string }; tokenHash: string; previousId?: string },
  connection: { id: string; tabId: string },
  now: number,
): Step {
  // Every field spelled out in one literal: V8 then keeps them all inside the object.
  const conversation: Conversation = {
    id: init.id,
    widgetId: init.widgetId,
    customer: init.customer,
    tokenHash: init.tokenHash,
    status: 'open',
    createdAt: now,
    statusAt: now,
    lastSeq: 0,
    lastHeardAt: now,
    connections: [{ id: connection.id, tabId: connection.tabId, lastHeardAt: now }],
    presence: 'connected',
  }
  if (init.previousId) conversation.previousId = init.previousId
  return { conversation, drafts: [{ kind: 'status', status: 'open', reason: 'customer-started', at: now }] }
}

/** R8: the customer ends the chat, at once. Ending an ended chat changes nothing. */
export function customerEnd(conv: Conversation, now: number, config: EngineConfig): Step {
  if (conv.status === 'open') return transition(conv, 'closed', 'customer-ended', now, config)
  if (conv.status === 'active') return transition(conv, 'wrap-up', 'customer-ended', now, config)
  return { conversation: conv, drafts: [] }
}

/** An agent takes an Open conversation. Offer and capacity checks are the caller's (routing). */
export function accept(conv: Conversation, agent: AgentInfo, now: number, config: EngineConfig): Step {
  const withAgent: Conversation = { ...conv, agent }
  delete withAgent.preferredAgentId
  return transition(withAgent, 'active', 'agent-accepted', now, config)
}

/** R11: the agent's last connection went; the customer is told at once. */
export function agentGone(conv: Conversation, now: number, config: EngineConfig): Step {
  if (conv.status !== 'active' || conv.agentAwayAt !== undefined) return { conversation: conv, drafts: [] }
  return { conversation: { ...conv, agentAwayAt: now }, drafts: [automated('agent-disconnected', now, config)] }
}

/** R11: the agent came back inside its grace window and keeps the conversation. */
export function agentBack(conv: Conversation, now: number, config: EngineConfig): Step {
  if (conv.status !== 'active' || conv.agentAwayAt === undefined) return { conversation: conv, drafts: [] }
  const next = { ...conv }
  delete next.agentAwayAt
  return { conversation: next, drafts: [automated('agent-reconnected', now, config)] }
}

/**
 * R10: the previous chat can be reopened until this time, or undefined when it cannot be (off,
 * still live, or ended by anything but the customer's disconnection, such as `customer-ended`).
 */
export function reconnectUntil(conv: Conversation, config: EngineConfig): number | undefined {
  if (config.reconnectWindowMs === undefined || isLive(conv.status)) return undefined
  if (conv.endedBy !== 'customer-disconnected' || conv.endedAt === undefined) return undefined
  return conv.endedAt + config.reconnectWindowMs
}

/** R10: true when the customer may reopen `conv` at `now`. */
export function canReconnect(conv: Conversation, now: number, config: EngineConfig): boolean {
  const until = reconnectUntil(conv, config)
  return until !== undefined && now <= until
}

/** R10: reopen an ended chat, offered first to its previous agent, transcript kept. */
export function reopen(conv: Conversation, now: number, config: EngineConfig): Step {
  const previousAgent = conv.agent?.id ?? conv.preferredAgentId
  const next: Conversation = { ...conv }
  delete next.agent
  delete next.endedAt
  delete next.endedBy
  if (previousAgent) next.preferredAgentId = previousAgent
  return transition(next, 'open', 'customer-reconnected', now, config)
}
