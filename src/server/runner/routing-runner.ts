/**
 * Turns the pure routing decision into frames for this process's agent connections: `offer` for
 * new offers, `offer-withdrawn` for withdrawn ones, `capacity` when capacity in use changed.
 */
import { computeOffers } from '../engine/routing.js'
import type { Conversation } from '../engine/types.js'
import type { AgentPeer } from '../net/peers.js'
import type { ServerContext } from '../net/context.js'
import { snapshotOf } from '../net/snapshot.js'
import { agentSummaries } from '../net/agent-workspace.js'
import { routingView } from './loads.js'

/**
 * Recomputes offers; runs are serialised and coalesced (a request during a run causes one more run).
 * @example routing.request()
 */
export class RoutingRunner {
  private running: Promise<void> | undefined
  private again = false

  constructor(private readonly ctx: ServerContext) {}

  request(): void {
    // A run starts by looking for local agents; with none, it would do nothing (an agent who
    // authenticates later asks for a run itself). Every new conversation asks, so this is common.
    if (!this.running && this.ctx.hub.agents.size === 0 && this.ctx.hub.supervisors.size === 0) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.run()
      .catch((error: unknown) => this.ctx.events.emit('error', { error, context: 'routing' }))
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.request()
        }
      })
  }

  /** Resolves when no run is pending (tests and close()). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  private async run(): Promise<void> {
    const agents = this.ctx.hub.allAgents().filter((a) => a.agent !== undefined)
    const supervisors = [...this.ctx.hub.supervisors].filter((a) => a.agent !== undefined)
    if (agents.length === 0 && supervisors.length === 0) return
    const { loads, open } = await routingView(this.ctx, agents.flatMap((a) => (a.agent ? [a.agent.id] : [])))
    // Load and presence of every agent, for transfer pickers and supervisors (sent when it changed).
    const summaries = agentSummaries(this.ctx, loads)
    for (const conn of [...agents, ...supervisors]) conn.agentsChanged(summaries)
    const offers = computeOffers(open, loads)
    const byId = new Map(open.map((c) => [c.id, c]))
    for (const conn of agents) {
      const identity = conn.agent
      if (!identity) continue
      await this.update(conn, offers.get(identity.id) ?? [], byId)
      const load = loads.find((l) => l.agent.id === identity.id)
      conn.capacity(load?.used ?? 0, load?.agent.capacity ?? identity.capacity)
    }
  }

  private async update(conn: AgentPeer, wanted: string[], byId: Map<string, Conversation>): Promise<void> {
    for (const id of [...conn.offered]) {
      if (wanted.includes(id)) continue
      conn.offered.delete(id)
      // Read again: an accept of this console may have landed since `open` was read. (It can still
      // land after this read; the agent SDK keeps a withdrawn offer while its accept is on its way.)
      const taken = (await this.ctx.store.get(id))?.agent?.id === conn.agent?.id
      if (!taken) conn.send({ type: 'offer-withdrawn', conversationId: id })
    }
    for (const id of wanted) {
      if (conn.offered.has(id) || conn.closed) continue
      const conv = byId.get(id)
      if (!conv) continue
      const snapshot = await snapshotOf(conv, this.ctx.store, this.ctx.config, this.ctx.now())
      // The transcript is read after `open` was: a status recorded since (taken, closed) means it
      // is no longer offered, and an offer now would outlive the status the console already has.
      if (snapshot.transcript.some((i) => i.kind === 'status' && i.seq > conv.lastSeq)) continue
      conn.offered.add(id)
      conn.follow(id, snapshot.transcript.at(-1)?.seq ?? conv.lastSeq, snapshot.notes)
      conn.send({ type: 'offer', conversation: snapshot })
      // A note written while the snapshot was read went to the consoles offered it then, not this one.
      conn.deliverNotes(id, await this.ctx.store.notes(id))
    }
  }
}
