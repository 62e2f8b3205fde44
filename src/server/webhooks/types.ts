/**
 * Webhooks: what an endpoint is configured with and what it is sent.
 */
import type { AgentInfo, ConversationStatus, MessageItem, TranscriptItem, TransitionReason } from '../../protocol/frames.js'

/** Every event type a webhook endpoint can be sent. */
export const WEBHOOK_EVENT_TYPES = ['conversation.created', 'conversation.transitioned', 'conversation.closed', 'message.created'] as const

/** One of {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/**
 * One webhook endpoint (`createServer({ webhooks: [...] })`, or `--webhooks FILE`).
 * @example { url: 'https://crm.example.com/holdline', secret: process.env.HOLDLINE_WEBHOOK_SECRET }
 */
export interface WebhookEndpoint {
  /** Where events are POSTed (http or https). */
  url: string
  /** Shared secret the signature is made with (at least 16 characters). */
  secret: string
  /** Event types to send; all when omitted. */
  events?: readonly WebhookEventType[]
  /**
   * Name of the endpoint in metrics and in the store (its queue's key): keep it when the URL changes,
   * or the events still queued for the old name stay there. @default the URL
   */
  id?: string
  /** A delivery not answered within this counts as failed, ms. @default 10000 */
  timeoutMs?: number
  /** Delay before the first retry, ms; each next one doubles, with jitter. @default 1000 */
  backoffMs?: number
  /** Longest delay between two attempts, ms. @default 300000 */
  maxBackoffMs?: number
  /** Attempts before an event is dead-lettered. @default 15 */
  maxAttempts?: number
  /** An event still undelivered this long after it was queued is dead-lettered, ms. @default 86400000 */
  maxAgeMs?: number
}

/** A conversation as webhooks and the back-office API show it (no token hash, no connections). */
export interface ConversationSummary {
  id: string
  widgetId: string
  status: ConversationStatus
  customer: { sub?: string; name?: string; email?: string }
  agent?: AgentInfo
  createdAt: number
  statusAt: number
  endedAt?: number
  endedBy?: TransitionReason
}

interface EventBase<T extends WebhookEventType, D> {
  /** Stable: the same event always carries the same id, so a receiver can drop duplicates. */
  id: string
  type: T
  /** When it happened (server time, ms since the epoch). */
  createdAt: number
  data: D
}

/** An event sent to webhook endpoints. */
export type WebhookEvent =
  | EventBase<'conversation.created', { conversation: ConversationSummary }>
  | EventBase<'conversation.transitioned', { conversationId: string; from?: ConversationStatus; to: ConversationStatus; reason: TransitionReason; agent?: AgentInfo }>
  | EventBase<'conversation.closed', { conversation: ConversationSummary; transcript: TranscriptItem[] }>
  | EventBase<'message.created', { conversationId: string; message: MessageItem }>
