/**
 * Data the conversation engine works on. Plain JSON-friendly records so any store can keep them.
 */
import type {
  AgentInfo,
  AutomatedMessageId,
  ConversationStatus,
  MessageItem,
  StatusItem,
  TranscriptItem,
  TransitionReason,
} from '../../protocol/frames.js'
import type { CustomerDetails } from '../../protocol/context.js'

/** One customer connection (one socket of one tab), as presence sees it. */
export interface CustomerConnection {
  /** The connection's id (unique across processes). */
  id: string
  tabId: string
  /** Last time anything arrived on this connection. */
  lastHeardAt: number
  /** Set when the connection closed or its tab said `away`; a later frame revives it. */
  goneAt?: number
}

/** A conversation record, as kept by the store. */
export interface Conversation {
  id: string
  widgetId: string
  /** What the agent console is told of the customer (the name given, the browser, the pages visited). */
  customer: CustomerDetails
  status: ConversationStatus
  createdAt: number
  /** When the current status was entered. */
  statusAt: number
  /** Assigned agent (active and wrap-up). */
  agent?: AgentInfo
  /**
   * The previous agent (R10, R11): offered the chat alone while it is online with room, until the
   * affinity lapses; kept after that, so a later reopen (R10) still knows whom to prefer.
   */
  preferredAgentId?: string
  /** The affinity to `preferredAgentId` lapsed in this stay in the queue (`affinityMs`). */
  affinityLapsed?: true
  /**
   * When the affinity of this stay began, when not at `statusAt`: a supervisor directed the open
   * chat to an agent (transfer.ts) without moving it in the queue.
   */
  affinitySince?: number
  /** Transferred in this stay by this agent (or `supervisor`): a transfer it sends again is answered as done. */
  transferredBy?: string
  /** Sent back to the queue by this agent (a transfer without a target): passed over in this stay while another agent has room. */
  transferredFrom?: string
  /** In wrap-up under a numbered `wrapUpCapacity`: the hold ended and the agent has the unit back. */
  capacityReleased?: true
  /** SHA-256 (hex) of the resume token; the token itself is never stored. */
  tokenHash: string
  /** Highest sequence number recorded (0 when none). */
  lastSeq: number
  /** Last moment any connection of the customer was heard, or an away beacon arrived. */
  lastHeardAt: number
  /**
   * The customer's connections, one record each. A list rather than an object keyed by id: every
   * connection id is new, and V8 would give each such object its own hidden class (~110 bytes more).
   */
  connections: CustomerConnection[]
  /** Presence as last announced to agents. */
  presence: 'connected' | 'disconnected'
  /** When the assigned agent lost every connection (R11), while it has not come back. */
  agentAwayAt?: number
  /** When the conversation left Open/Active (ended), and why: decides R10. */
  endedAt?: number
  endedBy?: TransitionReason
  /**
   * The customer's chat before this one (named in `hello`, token checked). A message the outbox
   * re-sends here after it was recorded there is acknowledged, not recorded twice.
   */
  previousId?: string
}

/** An item to record; the store gives it its `seq` and `id`. */
export type Draft = Omit<MessageItem, 'seq' | 'id'> | Omit<StatusItem, 'seq'>

/** What one engine step decided: the new record and the items to record with it. */
export interface Step {
  conversation: Conversation
  drafts: Draft[]
}

/** Wrap-up capacity policy (R9). */
export type WrapUpCapacity = 'block' | 'release' | number

/** The engine's configuration (durations in ms). */
export interface EngineConfig {
  graceMs: number
  agentGraceMs: number
  /** How long a chat back in the queue is offered to its previous agent alone (R10, R11). */
  affinityMs: number
  heartbeatMs: number
  wrapUpAutoCloseMs: number
  wrapUpCapacity: WrapUpCapacity
  openAutoCloseMs: number
  reconnectWindowMs: number | undefined
  /** How long a closed conversation is kept (at least `reconnectWindowMs`) before it is removed. */
  retainClosedMs: number
  messages: Readonly<Record<AutomatedMessageId, string>>
}

/** Kinds of deadline a conversation can have (`purge`: a closed one leaves the store). */
export const DEADLINE_KINDS = ['grace', 'liveness', 'wrap-up', 'queue', 'agent-grace', 'capacity', 'affinity', 'purge'] as const

/** One of {@link DEADLINE_KINDS}. */
export type DeadlineKind = (typeof DEADLINE_KINDS)[number]

/** A deadline: at `at`, re-evaluate conversation `conversationId`. */
export interface Deadline {
  conversationId: string
  kind: DeadlineKind
  at: number
}

/** An agent as routing sees it. */
export interface AgentRecord {
  id: string
  name: string
  capacity: number
  /** Ids of its live connections (across processes). */
  connections: string[]
  /** When the last connection went, while none is back. */
  awaySince?: number
}

export type { TranscriptItem }
