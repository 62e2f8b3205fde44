/**
 * Conversation views: what the agent console receives and what the HTTP API returns.
 */
import type { ConversationSnapshot, StatusItem } from '../../protocol/frames.js'
import { presenceOf } from '../engine/presence.js'
import type { Conversation, EngineConfig } from '../engine/types.js'
import type { Store } from '../store/types.js'

/**
 * The agent console's view of a conversation, with its full transcript and its internal notes. For
 * agent consoles and agent/admin HTTP answers only: nothing a customer receives is built from it.
 */
export async function snapshotOf(conv: Conversation, store: Store, config: EngineConfig, now: number): Promise<ConversationSnapshot> {
  const [transcript, notes] = await Promise.all([store.transcript(conv.id), store.notes(conv.id)])
  return {
    id: conv.id,
    status: conv.status,
    widgetId: conv.widgetId,
    customer: conv.customer,
    ...(conv.agent ? { agent: conv.agent } : {}),
    createdAt: conv.createdAt,
    ...(conv.status === 'wrap-up' ? { wrapUpDeadline: conv.statusAt + config.wrapUpAutoCloseMs } : {}),
    presence: presenceOf(conv, config, now),
    transcript,
    notes,
  }
}

/** `GET /api/conversations/:id`: the snapshot plus the state history. */
export async function apiViewOf(conv: Conversation, store: Store, config: EngineConfig, now: number): Promise<Record<string, unknown>> {
  const snapshot = await snapshotOf(conv, store, config, now)
  const history = snapshot.transcript.filter((i): i is StatusItem => i.kind === 'status')
  return { ...snapshot, lastSeq: conv.lastSeq, preferredAgentId: conv.preferredAgentId, history }
}
