/**
 * What the back-office API may do to a conversation, decided here as the agent's actions are.
 */
import { agentCloseStep } from './agent-actions.js'
import { transition } from './transitions.js'
import type { Conversation, EngineConfig, Step } from './types.js'

/**
 * A close asked through the API: an agent closes as from its console (its own Active or Wrap-up
 * chat, `agent-closed`); an admin closes any conversation not closed yet, recorded with the same
 * reason (the close an agent would have made; no reason of its own, so customers, consoles and
 * metrics need nothing new). Null when it may not.
 * @example apiCloseStep(conv, { admin: true }, now, config)
 */
export function apiCloseStep(conv: Conversation, by: { admin: true } | { agentId: string }, now: number, config: EngineConfig): Step | null {
  if ('agentId' in by) return agentCloseStep(conv, by.agentId, now, config)
  return conv.status === 'closed' ? null : transition(conv, 'closed', 'agent-closed', now, config)
}
