/** The customer's presence as a list row or a header says it. */
import type { AgentConversation } from '../agent/index.js'
import { formatCountdown } from './format.js'

export interface PresenceText {
  state: 'online' | 'away' | 'left'
  text: string
}

/** `deadline`: when the disconnected customer's window runs out, on the local clock. */
export function presenceText(c: AgentConversation, deadline: number | undefined, now: number): PresenceText {
  if (c.status === 'wrap-up' || c.status === 'closed') return { state: 'left', text: c.status === 'closed' ? 'Chat closed' : 'Chat ended' }
  if (c.presence?.state !== 'disconnected') return { state: 'online', text: 'Customer online' }
  if (deadline === undefined) return { state: 'away', text: 'Customer away' }
  return { state: 'away', text: `Customer away · ${formatCountdown(deadline - now)} left` }
}
