/**
 * Whether an agent is connected anywhere (R11), across server processes. An agent record lists its
 * live connections; each connection id starts with its process's id, and each process holds a lease
 * in the store that it renews. A process that dies without closing its sockets stops renewing: the
 * others then drop its connections from the records, and an agent left with none is gone, as if its
 * console had closed.
 */
import { agentBack, agentGone } from '../engine/transitions.js'
import type { ServerContext } from '../net/context.js'

/** The id of a new agent connection on this process (joined, not a template: one flat string, see tokens.ts). */
export function agentConnectionId(ctx: ServerContext, connectionId: string): string {
  return [ctx.processId, '.', connectionId].join('')
}

function processOf(connectionId: string): string {
  return connectionId.slice(0, connectionId.indexOf('.'))
}

/** How often a process renews its lease and looks for lapsed ones, and how long a lease lasts. */
export function leaseTiming(heartbeatMs: number): { everyMs: number; ttlMs: number } {
  const everyMs = Math.min(heartbeatMs, 5_000)
  // Generous: an event loop stalled for a while must not make a live process look dead.
  return { everyMs, ttlMs: Math.max(10_000, 3 * everyMs) }
}

/** R11: the agent's last connection went; its active conversations are told, the grace window starts. */
export async function agentGoneEverywhere(ctx: ServerContext, agentId: string): Promise<void> {
  const assigned = await ctx.store.listConversations({ agentId, statuses: ['active'] })
  for (const conv of assigned) {
    await ctx.service.run(conv.id, (c, now) => (c.agent?.id === agentId ? agentGone(c, now, ctx.config) : null))
  }
  // A new connection may have authenticated while this ran: then the agent is back after all.
  const record = await ctx.store.getAgent(agentId)
  if (record && record.connections.length > 0) await agentBackEverywhere(ctx, agentId)
}

/** R11: an agent back inside its grace window keeps its conversations. */
export async function agentBackEverywhere(ctx: ServerContext, agentId: string): Promise<void> {
  const assigned = await ctx.store.listConversations({ agentId, statuses: ['active'] })
  for (const conv of assigned) {
    if (conv.agentAwayAt !== undefined) await ctx.service.run(conv.id, (c, now) => agentBack(c, now, ctx.config))
  }
}

/**
 * Renews this process's lease, drops the connections of processes whose lease lapsed (unless
 * `judgeOthers` is false), and makes the
 * records agree with this process's own sockets: a live one another process dropped (a stall past the
 * lease) goes back, one that closed while this sweep added it goes away on the next sweep.
 */
export async function sweepAgentLeases(ctx: ServerContext, ttlMs: number, judgeOthers = true): Promise<void> {
  await ctx.store.renewLease(ctx.processId, ttlMs, ctx.now())
  const agents = await ctx.store.listAgents()
  const others = new Set(agents.flatMap((a) => a.connections.map(processOf)).filter((p) => p !== ctx.processId))
  const lapsed = new Set(judgeOthers ? await ctx.store.lapsedLeases([...others]) : [])
  let changed = false
  for (const agent of agents) {
    const local = ctx.hub.agents.get(agent.id).map((conn) => conn.id)
    const dead = agent.connections.filter((c) => lapsed.has(processOf(c)) || (processOf(c) === ctx.processId && !local.includes(c)))
    const missing = local.filter((id) => !agent.connections.includes(id))
    if (dead.length === 0 && missing.length === 0) continue
    let wentAway = false
    const record = await ctx.store.updateAgent(agent.id, (prev) => {
      const before = prev?.connections ?? []
      const connections = [...before.filter((c) => !dead.includes(c)), ...missing.filter((id) => !before.includes(id))]
      wentAway = before.length > 0 && connections.length === 0
      const next = { id: agent.id, name: prev?.name ?? agent.name, capacity: prev?.capacity ?? agent.capacity, connections }
      return wentAway ? { ...next, awaySince: ctx.now() } : next
    })
    changed = true
    if (wentAway) await agentGoneEverywhere(ctx, agent.id)
    else if (missing.length > 0 && record.connections.length > 0) await agentBackEverywhere(ctx, agent.id)
  }
  if (changed) await ctx.store.publish({ type: 'routing' })
}
