/**
 * Tells each local customer whose conversation is open its place in the queue (the routing order,
 * read from the store's queue index) and the estimated wait, with a `queue` frame whenever either
 * changes. Runs after every routing change (a new chat, an accept, a chat leaving the queue: also
 * those of other processes, through the store's `routing` fan-out) and when a customer connection
 * attaches. Accept times are the ones this process saw.
 */
import { RECENT_ACCEPTS, estimateWaitMs } from '../engine/queue-estimate.js'
import type { TransitionEvent } from '../engine/events.js'
import type { ServerContext } from '../net/context.js'
import type { CustomerPeer } from '../net/peers.js'

export class QueueNotifier {
  private readonly accepts: number[] = []
  private readonly sent = new WeakMap<CustomerPeer, string>()
  private running: Promise<void> | undefined
  private again = false

  constructor(private readonly ctx: ServerContext) {}

  /** Remember accepts (open -> active) for the estimate. */
  transition(event: TransitionEvent): void {
    if (event.from !== 'open' || event.to !== 'active') return
    this.accepts.push(event.at)
    if (this.accepts.length > RECENT_ACCEPTS) this.accepts.shift()
  }

  /** Recompute soon; runs are serialised and coalesced. */
  request(): void {
    if (this.ctx.hub.customers.size === 0) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.run()
      .catch((error: unknown) => this.ctx.events.emit('error', { error, context: 'queue' }))
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.request()
        }
      })
  }

  private async run(): Promise<void> {
    // The places of this process's customers only, from the queue's index (no record is read).
    const ranks = await this.ctx.store.queueRanks(this.ctx.hub.customers.keys())
    const now = this.ctx.now()
    for (const [id, position] of ranks) {
      const waitMs = estimateWaitMs(position, this.accepts, now)
      const frame = waitMs === undefined ? { type: 'queue' as const, position } : { type: 'queue' as const, position, waitMs }
      const key = `${id}:${position}:${waitMs ?? ''}`
      for (const conn of this.ctx.hub.customers.get(id)) {
        if (this.sent.get(conn) === key) continue
        this.sent.set(conn, key)
        conn.send(frame)
      }
    }
  }
}
