/**
 * The drafts of chat messages, built in one place (automated messages: `automated()` in
 * transitions.ts). The store gives each its seq and id.
 */
import type { AgentInfo } from '../../protocol/frames.js'
import type { Draft } from './types.js'

/** A message the customer wrote, with the client id its outbox gave it (duplicates are dropped by it). */
export function customerMessage(text: string, clientId: string, now: number): Draft {
  return { kind: 'message', from: 'customer', text, at: now, clientId }
}

/** A message the agent wrote. */
export function agentMessage(agent: AgentInfo, text: string, clientId: string, now: number): Draft {
  return { kind: 'message', from: 'agent', text, at: now, clientId, agent }
}
