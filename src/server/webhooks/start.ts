/**
 * Webhooks on one server: every recorded update queues its events in the store's outbox, and this
 * process's dispatcher delivers from it (as does every other process sharing the store).
 */
import type * as PromClient from 'prom-client'
import type { ServerContext } from '../net/context.js'
import { WebhookDispatcher } from './dispatcher.js'
import { resolveWebhooks } from './endpoints.js'
import { enqueueEvents } from './enqueue.js'

/** Running webhooks; `stop` lets the attempts in flight finish (what is left stays queued in the store). */
export interface RunningWebhooks {
  stop(): Promise<void>
}

/**
 * Starts delivering to the configured endpoints, or does nothing when there are none.
 * @example const webhooks = startWebhooks(ctx, prom); ...; await webhooks.stop()
 */
export function startWebhooks(ctx: ServerContext, prom: typeof PromClient): RunningWebhooks {
  const endpoints = resolveWebhooks(ctx.options.webhooks)
  const outbox = ctx.store.webhooks
  if (endpoints.length === 0 || !outbox) return { stop: async () => {} }
  const sink = ctx.metrics.webhooks(prom, endpoints.map((e) => e.id), (id) => outbox.depth(id))
  const dispatcher = new WebhookDispatcher({
    outbox,
    endpoints,
    now: ctx.now,
    sink,
    pollMs: ctx.options.webhookPollMs,
    onError: (error) => ctx.events.emit('error', { error, context: 'webhooks:deliver' }),
  })
  ctx.service.recorded = async (result, created) => {
    await enqueueEvents(ctx.store, outbox, endpoints, result, created, ctx.now())
    dispatcher.wake()
  }
  dispatcher.start()
  return { stop: () => dispatcher.stop() }
}
