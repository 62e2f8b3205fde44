/** Agents' loads as routing and accepts need them, derived from the conversations assigned to each. */
import { capacityUsed, type AgentLoad } from '../engine/routing.js'
import type { Conversation } from '../engine/types.js'
import type { ServerContext } from '../net/context.js'

/** Current load of every known agent, derived from the conversations assigned to it. */
export async function currentLoads(ctx: ServerContext): Promise<{ loads: AgentLoad[]; open: Conversation[] }> {
  const [open, assigned, agents] = await Promise.all([
    ctx.store.listConversations({ statuses: ['open'] }),
    ctx.store.listConversations({ statuses: ['active', 'wrap-up'] }),
    ctx.store.listAgents(),
  ])
  const now = ctx.now()
  const loads = agents.map((agent) => ({ agent, used: capacityUsed(agent.id, assigned, now, ctx.config.wrapUpCapacity) }))
  return { loads, open }
}
