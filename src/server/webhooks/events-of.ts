/**
 * The webhook events of one recorded update, derived from what the store recorded. Pure: the same
 * update always gives the same events with the same ids (conversation id + item seq), so an event
 * queued twice, or delivered twice, is recognisably one.
 */
import type { ConversationStatus, StatusItem, TranscriptItem } from '../../protocol/frames.js'
import type { Conversation } from '../engine/types.js'
import type { ConversationSummary, WebhookEvent } from './types.js'

/** What the identity work adds to the customer (optional until it is there). */
type Customer = Conversation['customer'] & { sub?: string; email?: string }

/**
 * A conversation without what must not leave the server (its token hash, connections).
 * @example summaryOf(conv).status // 'open'
 */
export function summaryOf(conv: Conversation): ConversationSummary {
  const customer = conv.customer as Customer
  return {
    id: conv.id,
    widgetId: conv.widgetId,
    status: conv.status,
    customer: {
      ...(customer.sub !== undefined ? { sub: customer.sub } : {}),
      ...(customer.name !== undefined ? { name: customer.name } : {}),
      ...(customer.email !== undefined ? { email: customer.email } : {}),
    },
    ...(conv.agent ? { agent: conv.agent } : {}),
    createdAt: conv.createdAt,
    statusAt: conv.statusAt,
    ...(conv.endedAt !== undefined ? { endedAt: conv.endedAt } : {}),
    ...(conv.endedBy !== undefined ? { endedBy: conv.endedBy } : {}),
  }
}

/** What {@link eventsOf} reads. */
export interface RecordedUpdate {
  /** The record before, undefined when the update created it. */
  previous: Conversation | undefined
  conversation: Conversation
  items: readonly TranscriptItem[]
}

/** True when the update closes the conversation (its `conversation.closed` needs the transcript). */
export function closes(update: RecordedUpdate): boolean {
  return update.items.some((item) => item.kind === 'status' && item.status === 'closed')
}

/**
 * The events of `update`, in the order they happened. `transcript` is the whole transcript after the
 * update (read after it, so only what is up to its last seq is sent), needed only when it
 * {@link closes} the conversation.
 * @example eventsOf({ previous: undefined, conversation, items })[0].type // 'conversation.created'
 */
export function eventsOf(update: RecordedUpdate, transcript: readonly TranscriptItem[] = []): WebhookEvent[] {
  const { conversation: conv, previous } = update
  const events: WebhookEvent[] = []
  if (!previous) events.push({ id: `${conv.id}.created`, type: 'conversation.created', createdAt: conv.createdAt, data: { conversation: summaryOf(conv) } })
  let from: ConversationStatus | undefined = previous?.status
  let closedBy: StatusItem | undefined
  for (const item of update.items) {
    const id = `${conv.id}.${item.seq}`
    if (item.kind === 'message') {
      events.push({ id, type: 'message.created', createdAt: item.at, data: { conversationId: conv.id, message: item } })
      continue
    }
    events.push({
      id,
      type: 'conversation.transitioned',
      createdAt: item.at,
      data: { conversationId: conv.id, ...(from ? { from } : {}), to: item.status, reason: item.reason, ...(item.agent ? { agent: item.agent } : {}) },
    })
    from = item.status
    if (item.status === 'closed') closedBy = item
  }
  // Last, so that it comes after the update's own items (the closing message), which it includes.
  if (closedBy) {
    const transcriptThen = transcript.filter((t) => t.seq <= conv.lastSeq)
    events.push({ id: `${conv.id}.${closedBy.seq}.closed`, type: 'conversation.closed', createdAt: closedBy.at, data: { conversation: summaryOf(conv), transcript: transcriptThen } })
  }
  return events
}
