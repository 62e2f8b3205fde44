/**
 * The `customer` frame folded into the agent's view: the held conversation (assigned, offered, or
 * an offer withdrawn while its accept is on its way) takes the customer as the server says it now.
 */
import type { CustomerContextFrame } from '../protocol/index.js'
import type { AgentState } from './state.js'

/** Applies a `customer` frame; true when a conversation this console holds took it. */
export function applyCustomer(state: AgentState, frame: CustomerContextFrame): boolean {
  const id = frame.conversationId
  let held = false
  for (const map of [state.conversations, state.offers, state.withdrawn]) {
    const conversation = map.get(id)
    if (!conversation) continue
    conversation.customer = frame.customer
    held = true
  }
  return held
}
