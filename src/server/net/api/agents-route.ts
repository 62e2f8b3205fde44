/**
 * `GET /api/agents` (admins): every agent the store knows, with its load and presence.
 */
import type { ServerResponse } from 'node:http'
import { currentLoads } from '../../runner/loads.js'
import type { ServerContext } from '../context.js'
import { sendJson } from './respond.js'

/** An agent as the back office sees it. */
export interface AgentView {
  id: string
  name: string
  capacity: number
  /** Capacity units taken (active chats, and wrap-ups while they hold one). */
  used: number
  /** Online while any console of it is connected, to any process. */
  presence: 'online' | 'offline'
  connections: number
  /** Since when it has no console, while offline. */
  awaySince?: number
}

export async function listAgents(ctx: ServerContext, res: ServerResponse): Promise<void> {
  const { loads } = await currentLoads(ctx)
  const agents: AgentView[] = loads
    .map(({ agent, used }) => ({
      id: agent.id,
      name: agent.name,
      capacity: agent.capacity,
      used,
      presence: agent.connections.length > 0 ? 'online' as const : 'offline' as const,
      connections: agent.connections.length,
      ...(agent.connections.length === 0 && agent.awaySince !== undefined ? { awaySince: agent.awaySince } : {}),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  sendJson(res, 200, { agents })
}
