/**
 * Who calls the API: an admin token, or an agent token (Bearer), and what an agent may read.
 */
import type { IncomingMessage } from 'node:http'
import type { Conversation } from '../../engine/types.js'
import { findAgent, isAdmin, type AgentIdentity } from '../agent-auth.js'
import type { ServerContext } from '../context.js'

/** The caller of an API route. */
export type Caller = { kind: 'admin' } | { kind: 'agent'; agent: AgentIdentity }

/** The caller the request's Bearer token names, or undefined. */
export function callerOf(ctx: ServerContext, req: IncomingMessage): Caller | undefined {
  const header = req.headers.authorization ?? ''
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
  if (!token) return undefined
  const agent = findAgent(ctx.options.agentTokens, token, ctx.options.defaultCapacity)
  if (agent) return { kind: 'agent', agent }
  return isAdmin(ctx.options.adminTokens, token) ? { kind: 'admin' } : undefined
}

/** What an agent is shown anyway: the queue (offers carry the transcript), its own chats, its returning ones. */
export function agentMayRead(conv: Conversation, agentId: string): boolean {
  return conv.status === 'open' || conv.agent?.id === agentId || conv.preferredAgentId === agentId
}

/** Whether `caller` may read `conv`: admins every conversation, agents what {@link agentMayRead} allows. */
export function mayRead(caller: Caller, conv: Conversation): boolean {
  return caller.kind === 'admin' || agentMayRead(conv, caller.agent.id)
}
