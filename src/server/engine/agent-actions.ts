/**
 * What an agent may do to a conversation, decided here once: the agent session runs these, and the
 * engine model tests call the same functions. Each guard reads the record as it is when the store
 * applies the step, so two consoles racing decide on the same record.
 */
import type { AgentInfo } from '../../protocol/frames.js'
import { eligibleAgents, type AgentLoad } from './routing.js'
import { accept, transition } from './transitions.js'
import { agentMessage } from './messages.js'
import type { Conversation, EngineConfig, Step } from './types.js'

/** Why an agent's action is refused: a wire code and words for the error frame. */
export interface AgentRefusal {
  code: 'conflict' | 'forbidden' | 'capacity-full'
  message: string
}

/** Active with `agentId`: what an accept by that agent asks for. */
export function isOwnedBy(conv: Conversation, agentId: string): boolean {
  return conv.status === 'active' && conv.agent?.id === agentId
}

/**
 * Whether `agentId` may take `conv` with the loads as they are: `'owned'` when it is already its own
 * (an accept re-sent, or from its other console: granted again), a refusal, or undefined to go on.
 */
export function acceptRefusal(conv: Conversation, agentId: string, loads: readonly AgentLoad[]): AgentRefusal | 'owned' | undefined {
  if (isOwnedBy(conv, agentId)) return 'owned'
  if (conv.status !== 'open') return { code: 'conflict', message: `the conversation is ${conv.status}` }
  const load = loads.find((l) => l.agent.id === agentId)
  if (!load || load.used >= load.agent.capacity) return { code: 'capacity-full', message: 'no free capacity' }
  if (!eligibleAgents(conv, loads).includes(agentId)) return { code: 'forbidden', message: 'this conversation is not offered to you' }
  return undefined
}

/** The accept on the record as the store has it: null when it is no longer Open (taken meanwhile). */
export function acceptStep(conv: Conversation, agent: AgentInfo, now: number, config: EngineConfig): Step | null {
  return conv.status === 'open' ? accept(conv, agent, now, config) : null
}

/** The agent ends its active chat: Active -> Wrap-up (`agent-ended`); null when it may not. */
export function agentEndStep(conv: Conversation, agentId: string, now: number, config: EngineConfig): Step | null {
  return isOwnedBy(conv, agentId) ? transition(conv, 'wrap-up', 'agent-ended', now, config) : null
}

/** The agent closes its chat, early from Wrap-up or straight from Active (`agent-closed`); null when it may not. */
export function agentCloseStep(conv: Conversation, agentId: string, now: number, config: EngineConfig): Step | null {
  const closable = conv.agent?.id === agentId && (conv.status === 'wrap-up' || conv.status === 'active')
  return closable ? transition(conv, 'closed', 'agent-closed', now, config) : null
}

/** The agent writes in its active chat; null when the chat is not (or no longer) its own and active. */
export function agentMessageStep(conv: Conversation, agent: AgentInfo, text: string, clientId: string, now: number): Step | null {
  return isOwnedBy(conv, agent.id) ? { conversation: conv, drafts: [agentMessage(agent, text, clientId, now)] } : null
}
