/**
 * Queues the webhook events of a recorded update in the outbox, for every endpoint that wants them.
 */
import type { Store, TransactResult } from '../store/types.js'
import type { WebhookOutbox } from '../store/webhook-outbox.js'
import type { ResolvedEndpoint } from './endpoints.js'
import { closes, eventsOf, type RecordedUpdate } from './events-of.js'

/**
 * Queues the events of `result` (`created`: it made the conversation). Resolves once they are in the
 * store; rejects when the store could not take them.
 * @example await enqueueEvents(store, outbox, endpoints, result, false, Date.now())
 */
export async function enqueueEvents(
  store: Store,
  outbox: WebhookOutbox,
  endpoints: readonly ResolvedEndpoint[],
  result: TransactResult,
  created: boolean,
  now: number,
): Promise<void> {
  if (endpoints.length === 0 || (!created && result.items.length === 0)) return
  const update: RecordedUpdate = { previous: created ? undefined : result.previous, conversation: result.conversation, items: result.items }
  // The transcript is read only for a close that some endpoint is sent.
  const wantsClose = endpoints.some((e) => e.events.has('conversation.closed'))
  const transcript = wantsClose && closes(update) ? await store.transcript(result.conversation.id) : []
  const events = eventsOf(update, transcript).map((event) => ({ type: event.type, id: event.id, body: JSON.stringify(event) }))
  await Promise.all(endpoints.map((endpoint) => outbox.enqueue(endpoint.id, events.filter((e) => endpoint.events.has(e.type)), now)))
}
