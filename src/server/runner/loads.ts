/**
 * What routing, accepts and logins read of the store: agents' loads from each agent's index of live
 * conversations, and the head of the queue, as far as the offers of the local agents need it.
 * Nothing read grows with the number of conversations stored (closed history, other agents' chats
 * beyond their capacity): agents, their few live chats, the queue's head.
 */
import { OFFER_WINDOW, capacityUsed, hasRoom, headSuffices, offerWindow, waitsFor, type AgentLoad } from '../engine/routing.js'
import type { Conversation } from '../engine/types.js'
import type { ServerContext } from '../net/context.js'

/** Loads, with the open conversations that wait for one agent alone (from the same reads). */
/** What the reads need of the server: its store, clock and engine configuration. */
export type RoutingReader = Pick<ServerContext, 'store' | 'now' | 'config'>

interface LoadsRead {
  loads: AgentLoad[]
  waiting: Conversation[]
}

async function readLoads(ctx: RoutingReader): Promise<LoadsRead> {
  const agents = await ctx.store.listAgents()
  const live = agents.length === 0 ? [] : await ctx.store.liveAssigned(agents.map((agent) => agent.id))
  const now = ctx.now()
  const loads = agents.map((agent) => ({ agent, used: capacityUsed(agent.id, live, now, ctx.config.wrapUpCapacity) }))
  const waiting = live.filter((c) => c.status === 'open')
  return { loads, waiting }
}

/** Current load of every known agent, derived from the conversations assigned to it. */
export async function currentLoads(ctx: RoutingReader): Promise<{ loads: AgentLoad[] }> {
  return { loads: (await readLoads(ctx)).loads }
}

/**
 * Loads, and the open conversations that decide the offers of `agentIds` exactly as the whole
 * queue would (engine `computeOffers`): the queue's head, read longer until `headSuffices`, and
 * the conversations waiting for one of those agents alone wherever they are in the queue.
 * `window` is the engine's (OFFER_WINDOW unless a test narrows it).
 */
export async function routingView(
  ctx: RoutingReader,
  agentIds: readonly string[],
  window = OFFER_WINDOW,
): Promise<{ loads: AgentLoad[]; open: Conversation[] }> {
  const { loads, waiting } = await readLoads(ctx)
  const withRoom = agentIds.filter((id) => loads.some((l) => l.agent.id === id && hasRoom(l)))
  let head: Conversation[] = []
  if (withRoom.length > 0) {
    // The first read is as long as the largest window of those agents: skips make it longer.
    const first = Math.max(...loads.filter((l) => withRoom.includes(l.agent.id)).map((l) => offerWindow(l, window)))
    for (let limit = first; ; limit *= 2) {
      head = await ctx.store.queue(limit)
      if (head.length < limit || headSuffices(head, loads, withRoom, window)) break
    }
  }
  const seen = new Set(head.map((c) => c.id))
  const alone = waiting.filter((c) => !seen.has(c.id) && withRoom.some((id) => waitsFor(c, id)))
  return { loads, open: [...head, ...alone] }
}
