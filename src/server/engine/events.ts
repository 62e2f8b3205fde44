/**
 * Events an operator can subscribe to with `server.on(...)`.
 */
import type { ConversationStatus, TranscriptItem, TransitionReason } from '../../protocol/frames.js'

/** A conversation changed state. */
export interface TransitionEvent {
  conversationId: string
  /** Undefined for a conversation just created. */
  from: ConversationStatus | undefined
  to: ConversationStatus
  reason: TransitionReason
  at: number
  agentId?: string
}

/** An item was recorded in a conversation. */
export interface ItemEvent {
  conversationId: string
  item: TranscriptItem
}

/** Something failed without stopping the server (a store call, a socket). */
export interface ServerErrorEvent {
  error: unknown
  context: string
}

/**
 * The server's event map.
 * @example server.on('transition', (e) => console.log(e.conversationId, e.from, '->', e.to, e.reason))
 */
export interface ServerEvents {
  transition: (event: TransitionEvent) => void
  item: (event: ItemEvent) => void
  error: (event: ServerErrorEvent) => void
}
