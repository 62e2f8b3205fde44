/**
 * The wire protocol, version 1. Every frame is one JSON object in one WebSocket text message,
 * discriminated by `type`. Types only: validation lives in `validate.ts`.
 *
 * Endpoints (paths on the server's HTTP port):
 * - `GET  /v1/customer`  WebSocket, customer side. First frame: `hello`.
 * - `GET  /v1/agent`     WebSocket, agent side. First frame: `auth` (the token travels in the frame,
 *                        never in the URL, so it stays out of access logs).
 * - `POST /v1/away`      body: {@link AwayBeacon} as JSON (sent with `navigator.sendBeacon`, which
 *                        allows no custom headers, so the resume token is in the body). 204 on success.
 *
 * Ordering and delivery: every item the server records in a conversation (messages, status changes)
 * gets the next per-conversation sequence number (`seq`, from 1, no gaps). A customer resuming says
 * the last `seq` it has seen and the server replays everything after it, in order. Customer messages
 * carry a client-made `clientId`; the server acknowledges each with `ack` and answers a repeated
 * `clientId` with the original `ack` instead of recording it twice.
 */

import type { ErrorCode } from './codes.js'
import type { CannedResponse, CustomerContextFrame, CustomerDetails, PageFrame, PageInfo } from './context.js'

/** Protocol version carried in `hello` and `auth`. */
export const PROTOCOL_VERSION = 1

/** Conversation states on the server (SPEC section 2), in the order of a conversation's life. */
export const CONVERSATION_STATUSES = ['open', 'active', 'wrap-up', 'closed'] as const

/** One of {@link CONVERSATION_STATUSES}. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number]

/** Why a conversation changed state. Also the ids of the automated messages recorded with it. */
export type TransitionReason =
  | 'customer-started'
  | 'agent-accepted'
  | 'customer-disconnected'
  | 'customer-ended'
  | 'agent-ended'
  | 'wrap-up-timeout'
  | 'agent-closed'
  | 'queue-timeout'
  | 'agent-disconnected'
  | 'customer-reconnected'
  | 'agent-transferred'

/** Ids of automated (system) messages. One table maps them to default texts: `messages.ts`. */
export type AutomatedMessageId =
  | 'customer-disconnected'
  | 'customer-ended'
  | 'agent-ended'
  | 'agent-joined'
  | 'wrap-up-timeout'
  | 'agent-closed'
  | 'queue-timeout'
  | 'agent-disconnected'
  | 'agent-reconnected'
  | 'customer-reconnected'
  | 'agent-transferred'

/** Who wrote a message. */
export type Author = 'customer' | 'agent' | 'system'

/** Public view of an agent, as the customer sees it. */
export interface AgentInfo {
  id: string
  name: string
}

/** A chat message recorded in a conversation's transcript. */
export interface MessageItem {
  kind: 'message'
  /** Per-conversation sequence number, from 1, without gaps. */
  seq: number
  /** Server-made message id, unique across conversations. */
  id: string
  from: Author
  text: string
  /** Server time (ms since the epoch) at which it was recorded. */
  at: number
  /** The sender's `clientId`, for customer and agent messages. */
  clientId?: string
  /** Set on automated system messages. */
  automated?: AutomatedMessageId
  /** The agent who wrote it, for agent messages. */
  agent?: AgentInfo
}

/** A state change recorded in a conversation's history. */
export interface StatusItem {
  kind: 'status'
  seq: number
  status: ConversationStatus
  reason: TransitionReason
  at: number
  /** The assigned agent after the change, if any. */
  agent?: AgentInfo
}

/** Everything that gets a sequence number. */
export type TranscriptItem = MessageItem | StatusItem

// ---------------------------------------------------------------------------------------------
// Customer -> server
// ---------------------------------------------------------------------------------------------

/** Resume credentials, kept by the client in storage. */
export interface ResumeCredentials {
  conversationId: string
  /** Unguessable token bound to this conversation, issued in `welcome`. */
  token: string
}

/**
 * First frame on a customer connection.
 * - With `resume`: continue that conversation if the server still holds it live (`welcome` with
 *   `resumed: true`, then the replay of every item after `resume.lastSeq`). If it has ended, is
 *   unknown, or the token is not its own, a new conversation begins (`welcome` with `resumed: false`
 *   and `newChatReason`: see {@link NewChatReason}), unless reconnection
 *   applies (R10): with `reconnect: true` the previous chat is reopened; without it the server
 *   answers `reconnect-available` and waits for a second `hello` carrying the customer's choice.
 * - Without `resume`: a new conversation. `previous` names the conversation the client believes has
 *   expired (its local window passed), so the server ends it the same way (`customer-disconnected`)
 *   if it has not already.
 */
export interface HelloFrame {
  type: 'hello'
  v: number
  widgetId: string
  /** Random id of this browser tab (or client instance). Two tabs of one customer are one customer. */
  tabId: string
  resume?: ResumeCredentials & { lastSeq: number }
  previous?: ResumeCredentials
  /** Ask to reopen the previous chat if it can be reconnected (R10). */
  reconnect?: boolean
  /**
   * For a new chat: a random secret (22-64 base64url characters) the client keeps until welcomed.
   * A `hello` repeated after a lost `welcome` gets the same conversation rather than a second one,
   * and the secret is that conversation's resume token.
   */
  start?: string
  customer?: { name?: string }
  /** The page the customer is on (absent with the SDK's `context: false`). */
  page?: PageInfo
}

/** A customer chat message. */
export interface CustomerMessageFrame {
  type: 'message'
  /** Client-made unique id; the server drops a repeat and re-sends the original `ack`. */
  clientId: string
  text: string
}

/** Cumulative acknowledgement: the client has every item up to and including `seq`. */
export interface AckFrame {
  type: 'ack'
  seq: number
}

/** Application heartbeat. `t` is echoed back in `pong`. */
export interface PingFrame {
  type: 'ping'
  t: number
}

/** The customer is typing. Never recorded, never queued. */
export interface CustomerTypingFrame {
  type: 'typing'
}

/** The customer ends the chat (R8): immediate. */
export interface EndFrame {
  type: 'end'
}

/** The page is leaving (pagehide, freeze): start the window now unless another tab is live. */
export interface AwayFrame {
  type: 'away'
}

export type CustomerFrame =
  | PageFrame
  | HelloFrame
  | CustomerMessageFrame
  | AckFrame
  | PingFrame
  | CustomerTypingFrame
  | EndFrame
  | AwayFrame

/** Body of `POST /v1/away`. */
export interface AwayBeacon {
  conversationId: string
  token: string
  tabId: string
}

// ---------------------------------------------------------------------------------------------
// Server -> customer
// ---------------------------------------------------------------------------------------------

/**
 * Why a client asking to resume (or reopen) got a new chat instead. A refused resume is always said
 * this way, in the `welcome` of the new chat, never as an error frame:
 * - `resume-unknown`: the server does not hold the conversation (removed, or never existed);
 * - `resume-expired`: it has ended (Wrap-up or Closed);
 * - `token-invalid`: the token does not belong to it (the named chat is neither read nor changed);
 * - `reconnect-unavailable`: reopening it (R10) was asked for and is not allowed;
 * - `local-window-passed`: the client's own window had passed (said by the client, not the server).
 */
export type NewChatReason = 'resume-expired' | 'resume-unknown' | 'token-invalid' | 'reconnect-unavailable' | 'local-window-passed'

/** Answer to `hello`: the session is established. */
export interface WelcomeFrame {
  type: 'welcome'
  v: number
  conversationId: string
  token: string
  status: ConversationStatus
  agent?: AgentInfo
  /** True when the conversation named in `hello.resume` continues. */
  resumed: boolean
  /** True when a previous, ended chat was reopened (R10). */
  reconnected?: boolean
  /** Set when the client asked to resume (or reopen) and got a new chat instead: why. */
  newChatReason?: NewChatReason
  /** The conversation the client asked to resume or named as previous, when it is not this one. */
  previousConversationId?: string
  /** The highest `seq` recorded in this conversation when the welcome was sent. */
  lastSeq: number
  /** The grace window, ms (R1). The client builds its local deadline from this duration. */
  graceMs: number
  /** How often the client should ping, ms. */
  heartbeatMs: number
  /** The reconnect window, ms (R10); absent when reconnection is off. */
  reconnectWindowMs?: number
}

/** The previous chat can be reopened (R10): the client answers with a second `hello`. */
export interface ReconnectAvailableFrame {
  type: 'reconnect-available'
  conversationId: string
  status: ConversationStatus
  agent?: AgentInfo
  /** When the previous chat ended (server time). */
  endedAt: number
  /** How long the offer stays valid, ms from now. */
  expiresInMs: number
}

/** A recorded item, live or replayed. */
export interface EventFrame {
  type: 'event'
  item: TranscriptItem
}

/** The server recorded (or had already recorded) the message with this `clientId`. */
export interface MessageAckFrame {
  type: 'ack'
  clientId: string
  seq: number
  messageId: string
  /**
   * Always on the agent endpoint. On the customer endpoint only when the message was recorded in the
   * customer's previous conversation (its ack was lost before that chat ended), not in this one.
   */
  conversationId?: string
}

export interface PongFrame {
  type: 'pong'
  t: number
}

/** The other side is typing. */
export interface TypingNoticeFrame {
  type: 'typing'
  from: 'customer' | 'agent'
  /** Present on the agent endpoint. */
  conversationId?: string
}

/**
 * A refusal. `fatal: true` means the server closes the connection after it (code 4000 + n is not
 * used: refusals are carried here, not in close codes). `ref` names what was refused: the
 * `clientId` of a message, the `conversationId` of an agent action, or the frame `type`.
 */
export interface ErrorFrame {
  type: 'error'
  code: ErrorCode
  message: string
  fatal?: boolean
  ref?: string
}

/**
 * The customer's place in the queue while the conversation is open (1: next), sent after `welcome`
 * and whenever it changes. `waitMs`: the estimated wait, from the recent accepts (absent until the
 * server has seen enough of them).
 */
export interface QueueFrame {
  type: 'queue'
  position: number
  waitMs?: number
}

export type ServerToCustomerFrame =
  | WelcomeFrame
  | QueueFrame
  | ReconnectAvailableFrame
  | EventFrame
  | MessageAckFrame
  | PongFrame
  | TypingNoticeFrame
  | ErrorFrame

// ---------------------------------------------------------------------------------------------
// Agent <-> server
// ---------------------------------------------------------------------------------------------

/** First frame on an agent connection. */
export interface AuthFrame {
  type: 'auth'
  v: number
  token: string
  /** Units of capacity this agent offers; default from the token's configuration, else 3. */
  capacity?: number
}

export interface AgentAcceptFrame {
  type: 'accept'
  conversationId: string
}

export interface AgentMessageFrame {
  type: 'message'
  conversationId: string
  clientId: string
  text: string
}

/** Agent ends an active conversation: Active -> Wrap-up (`agent-ended`). */
export interface AgentEndFrame {
  type: 'end'
  conversationId: string
}

/** Agent closes a conversation in Wrap-up (or Active): -> Closed (`agent-closed`). */
export interface AgentCloseFrame {
  type: 'close'
  conversationId: string
}

export interface AgentTypingFrame {
  type: 'typing'
  conversationId: string
}

export type AgentFrame =
  | AuthFrame
  | AgentAcceptFrame
  | AgentMessageFrame
  | AgentEndFrame
  | AgentCloseFrame
  | AgentTypingFrame
  | PingFrame
  | AgentTransferFrame
  | AgentNoteFrame

/** Customer presence as the agent sees it. */
export interface CustomerPresence {
  conversationId: string
  state: 'connected' | 'disconnected'
  /** Server time from which the customer counts as gone (last heard), when disconnected. */
  since?: number
  /** Server time at which the grace window runs out, when disconnected. */
  deadline?: number
  /**
   * What was left of the window when the server said this, when disconnected. Count it down from
   * receipt: server times are not comparable with the local clock, and the customer may have been
   * gone a while before the server noticed (`deadline - since` would overstate what is left).
   */
  remainingMs?: number
}

/** A conversation as the agent console shows it. */
export interface ConversationSnapshot {
  id: string
  status: ConversationStatus
  widgetId: string
  customer: CustomerDetails
  agent?: AgentInfo
  createdAt: number
  /** Server time at which a Wrap-up closes by itself, when in Wrap-up. */
  wrapUpDeadline?: number
  presence: CustomerPresence
  transcript: TranscriptItem[]
  /** Internal notes, oldest first: in agent snapshots only, never in anything a customer receives. */
  notes?: NoteItem[]
}

/** Answer to `auth`: who the agent is and what it holds (assigned and offered conversations). */
export interface ReadyFrame {
  type: 'ready'
  v: number
  agent: AgentInfo & { capacity: number }
  /** Conversations assigned to this agent (active or wrap-up), with full transcripts. */
  conversations: ConversationSnapshot[]
  /** Open conversations currently offered to this agent, oldest first. */
  offers: ConversationSnapshot[]
  graceMs: number
  agentGraceMs: number
  heartbeatMs: number
  /** `supervisor` for an admin token: no capacity, no offers, every live conversation in `conversations`. */
  role?: AgentRole
  /** Every agent with its load and presence (also sent as `agents` on change). */
  agents?: AgentSummary[]
  /** The server's canned responses (`cannedResponses`); absent from servers without the feature. */
  canned?: CannedResponse[]
}

/** An open conversation is offered to this agent. */
export interface OfferFrame {
  type: 'offer'
  conversation: ConversationSnapshot
}

/** An earlier offer is no longer available (taken by another agent, closed, customer gone). */
export interface OfferWithdrawnFrame {
  type: 'offer-withdrawn'
  conversationId: string
}

/** A recorded item in a conversation assigned to (or offered to) this agent. */
export interface AgentEventFrame {
  type: 'event'
  conversationId: string
  item: TranscriptItem
}

export interface PresenceFrame {
  type: 'presence'
  presence: CustomerPresence
}

/** Capacity in use changed. */
export interface CapacityFrame {
  type: 'capacity'
  used: number
  total: number
}

export type ServerToAgentFrame =
  | CustomerContextFrame
  | ReadyFrame
  | OfferFrame
  | OfferWithdrawnFrame
  | AgentEventFrame
  | PresenceFrame
  | CapacityFrame
  | MessageAckFrame
  | PongFrame
  | TypingNoticeFrame
  | ErrorFrame
  | NoteFrame
  | AgentsFrame
  | ConversationFrame

// ---------------------------------------------------------------------------------------------
// Agent workspace: transfer, internal notes, supervisor (agent endpoint only)
// ---------------------------------------------------------------------------------------------

/** What an agent connection signs in as: an agent token is an `agent`, an admin token a `supervisor`. */
export type AgentRole = 'agent' | 'supervisor'

/**
 * An internal note on a conversation: agents only. Notes take no `seq` (the customer's transcript
 * stays contiguous); they live in their own per-conversation list, never sent on the customer
 * endpoint, and are removed with the conversation.
 */
export interface NoteItem {
  /** Server-made note id, unique across conversations. */
  id: string
  /** Server time (ms since the epoch) at which it was recorded. */
  at: number
  text: string
  /** Who wrote it (a supervisor signs as `{ id: 'supervisor', ... }`). */
  agent: AgentInfo
  /** The conversation's `lastSeq` when it was written: the note belongs after that transcript item. */
  afterSeq: number
  /** The writer's client id (a repeat is answered with the note first recorded). */
  clientId?: string
}

/** An agent as the transfer picker and the supervisor view show it. */
export interface AgentSummary {
  id: string
  name: string
  /** At least one console connected. */
  online: boolean
  /** Units of capacity in use. */
  used: number
  capacity: number
}

/**
 * Hand an active conversation to another agent (`to`: offered to that agent alone first, as
 * affinity does, for `affinityMs`) or, without `to`, back to the queue: Active -> Open
 * (`agent-transferred`). A supervisor may also direct an open conversation with `to`. `note` is
 * recorded as an internal note first, so the next agent finds it in the offer.
 */
export interface AgentTransferFrame {
  type: 'transfer'
  conversationId: string
  to?: string
  note?: string
}

/** Write an internal note; answered with the `note` frame carrying the same `clientId`. */
export interface AgentNoteFrame {
  type: 'note'
  conversationId: string
  clientId: string
  text: string
}

/** An internal note recorded in a conversation this console follows (also the answer to `note`). */
export interface NoteFrame {
  type: 'note'
  conversationId: string
  note: NoteItem
}

/** Every agent with its load and presence, sent when any of it changed. */
export interface AgentsFrame {
  type: 'agents'
  agents: AgentSummary[]
}

/** To a supervisor: a conversation it did not follow yet (a new one), whole. */
export interface ConversationFrame {
  type: 'conversation'
  conversation: ConversationSnapshot
}
