/**
 * Transfer: an agent hands its active chat to a colleague, or back to the queue; a
 * supervisor may do so with any active chat, and may direct an open one to an agent.
 *
 * - To an agent (`to`): Active -> Open (`agent-transferred`) with `to` preferred, so routing offers
 *   it to `to` alone while `to` is online with room, for `affinityMs` (as R10/R11 affinity does),
 *   then to anyone. An agent offline or full is no reason to keep the customer waiting: as with
 *   affinity, the chat is then offered to every agent with room at once.
 * - Back to the queue (no `to`): Active -> Open with nobody preferred. The agent who sent it back
 *   is passed over for that stay while any other agent has room (offering it straight back to the
 *   one who just let it go would undo the transfer); if nobody else has room, it is offered to them
 *   too rather than left waiting.
 * - A supervisor directing an open chat: `to` preferred from now on for `affinityMs`; the chat keeps
 *   its place in the queue and its queue timeout, and nothing is recorded (the customer waits on).
 *
 * The transferring agent's capacity is free at once (capacity is derived from the assignment). The
 * time rules run first: a customer whose window ran out before the transfer arrived has left, and
 * the transfer is refused on the record as the time rules leave it.
 */
import { tick } from './tick.js'
import { transition } from './transitions.js'
import type { Conversation, Draft, EngineConfig, Step } from './types.js'

/** Who asks for a transfer. */
export interface Transferrer {
  id: string
  /** A supervisor (admin token) may transfer any active chat and direct an open one. */
  supervisor: boolean
}

/** Why a transfer is refused: a wire code and words for the error frame. */
export interface TransferRefusal {
  code: 'forbidden' | 'conflict' | 'unknown-agent' | 'transfer-to-self'
  message: string
}

/**
 * Whether `by` may transfer `conv` to `to` (undefined: the queue); `knownAgents` are the ids the
 * server has tokens for. Undefined when it may.
 * @example transferRefusal(active, { id: 'a1', supervisor: false }, 'a1', ['a1', 'a2']) // transfer-to-self
 */
export function transferRefusal(conv: Conversation, by: Transferrer, to: string | undefined, knownAgents: readonly string[]): TransferRefusal | undefined {
  if (!by.supervisor && conv.agent?.id !== by.id) return { code: 'forbidden', message: 'this conversation is not assigned to you' }
  const directable = by.supervisor && conv.status === 'open' && to !== undefined
  if (conv.status !== 'active' && !directable) {
    return { code: 'conflict', message: conv.status === 'open' ? 'the conversation is already in the queue' : `the conversation is ${conv.status}` }
  }
  if (to === undefined) return undefined
  if (!knownAgents.includes(to)) return { code: 'unknown-agent', message: `no agent ${JSON.stringify(to.slice(0, 64))}` }
  if (to === conv.agent?.id) return { code: 'transfer-to-self', message: 'the conversation is already with this agent' }
  return undefined
}

/**
 * The transfer as the store applies it, or null when it is refused on the record as it is (after
 * the time rules). The caller checked {@link transferRefusal} first, to say why.
 * @example transferStep(active, { id: 'a1', supervisor: false }, 'a2', ['a1', 'a2'], now, config)?.conversation.status // 'open'
 */
export function transferStep(
  conv: Conversation,
  by: Transferrer,
  to: string | undefined,
  knownAgents: readonly string[],
  now: number,
  config: EngineConfig,
): Step | null {
  const ticked = tick(conv, now, config)
  const current = ticked.conversation
  if (transferRefusal(current, by, to, knownAgents)) return null
  if (current.status === 'open') {
    const directed: Conversation = { ...current, preferredAgentId: to as string, affinitySince: now }
    delete directed.affinityLapsed
    return { conversation: directed, drafts: ticked.drafts }
  }
  const requeued: Conversation = { ...current }
  delete requeued.agent
  if (to === undefined) delete requeued.preferredAgentId
  else requeued.preferredAgentId = to
  const step = transition(requeued, 'open', 'agent-transferred', now, config)
  if (to === undefined && current.agent) step.conversation.transferredFrom = current.agent.id
  step.conversation.transferredBy = by.id
  return { conversation: step.conversation, drafts: [...ticked.drafts, ...step.drafts] }
}

/**
 * A transfer `by` already made in this stay in the queue, sent again (its answer was lost with the
 * console's socket): answered as done, not refused, as an accept of one's own chat is.
 */
export function isTransferRepeat(conv: Conversation, by: Transferrer, to: string | undefined): boolean {
  return conv.status === 'open' && conv.transferredBy === by.id && conv.preferredAgentId === to
}

/**
 * True when an applied step was the transfer: its `agent-transferred` status recorded, or, for an
 * open chat directed by a supervisor, `to` preferred anew.
 */
export function isTransferred(applied: { previous: Conversation; conversation: Conversation; items: readonly Draft[] }, to: string | undefined): boolean {
  if (applied.items.some((i) => i.kind === 'status' && i.reason === 'agent-transferred')) return true
  const { previous, conversation } = applied
  return previous.status === 'open' && conversation.status === 'open' && to !== undefined && conversation.preferredAgentId === to && conversation.affinitySince !== previous.affinitySince
}
