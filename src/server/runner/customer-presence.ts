/**
 * Customer sockets held by a process that died (R2 across processes). A live process vouches in the
 * store for the sockets it holds and keeps their heartbeats to itself; when its lease lapses, another
 * process releases them, counting each customer as last heard at the lease's last renewal
 * (see processLost in engine/presence.ts for the bound).
 */
import { processLost } from '../engine/presence.js'
import type { ServerContext } from '../net/context.js'
import { stepOf } from './service.js'

/**
 * This process's own lease lapsed (a stall, a long store outage): another process may have released
 * its sockets, so each writes itself back with its next frame.
 */
export async function checkOwnLease(ctx: ServerContext): Promise<void> {
  if ((await ctx.store.lapsedLeases([ctx.processId])).length === 0) return
  for (const customer of ctx.hub.customers.all()) customer.revouch()
}

/** Releases the customer connections of every process whose lease lapsed, then forgets the process. */
export async function releaseLapsedProcesses(ctx: ServerContext): Promise<void> {
  const holders = (await ctx.store.leaseHolders()).filter((h) => h.processId !== ctx.processId)
  if (holders.length === 0) return
  const lapsed = new Set(await ctx.store.lapsedLeases(holders.map((h) => h.processId)))
  for (const { processId, renewedAt } of holders) {
    if (!lapsed.has(processId)) continue
    await ctx.store.exclusive(`release:${processId}`, async () => {
      // A scan, but only when a process dies: its conversations are not indexed by process.
      const live = await ctx.store.listConversations({ statuses: ['open', 'active'] })
      for (const conv of live) {
        if (!conv.connections.some((c) => c.heldBy === processId)) continue
        await ctx.service.run(conv.id, (c) => stepOf(processLost(c, processId, renewedAt)))
      }
      await ctx.store.forgetLease(processId)
    })
  }
}
