import type {
  AgentInfo,
  AgentRole,
  AgentSummary,
  CannedResponse,
  ConversationSnapshot,
  NoteItem,
  CustomerPresence,
  ErrorCode,
  MessageItem,
} from '../protocol/index.js'

/** State of the agent's connection. */
export type AgentConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed'

/**
 * A conversation assigned to (or offered to) this agent, kept up to date from the server's events:
 * the transcript holds every recorded item, in seq order, each once.
 */
export type AgentConversation = ConversationSnapshot & { notes?: NoteItem[] }

/**
 * Error an agent action rejects with; `code` is one of the server's wire codes, `closed` after
 * `disconnect()`, or `socket-refused` when the browser would not open a socket to the URL at all.
 */
export interface AgentErrorShape extends Error {
  code: ErrorCode | 'closed' | 'socket-refused'
  ref?: string
}

/** Event map of {@link Agent}. */
export interface AgentEvents {
  ready: (info: { agent: AgentInfo & { capacity: number }; role: AgentRole }) => void
  connection: (ctx: { state: AgentConnectionState }) => void
  offer: (conversation: AgentConversation) => void
  'offer-withdrawn': (ctx: { conversationId: string }) => void
  /** An assigned conversation appeared or changed state. */
  conversation: (conversation: AgentConversation) => void
  message: (ctx: { conversationId: string; message: MessageItem }) => void
  'customer-presence': (presence: CustomerPresence) => void
  capacity: (ctx: { used: number; total: number }) => void
  typing: (ctx: { conversationId: string }) => void
  error: (error: AgentErrorShape) => void
  // Agent workspace (transfer, notes, supervisor)
  /** An internal note, once per note the console holds (live, in an offer, in a ready snapshot), in order. */
  note: (ctx: { conversationId: string; note: NoteItem }) => void
  /** Every agent with its load and presence: in `ready` and whenever it changes. */
  agents: (agents: AgentSummary[]) => void
  /**
   * What is known about a held conversation's customer changed (a page visited, their browser):
   * `customer` is the whole of it now, as in `conversation.customer`.
   */
  customer: (ctx: { conversationId: string; customer: ConversationSnapshot['customer'] }) => void
}

/** Options of `createAgent`. */
export interface AgentOptions {
  /** The server's base URL (`https://chat.example.com` or `wss://...`). */
  url: string
  /** The agent token the server was configured with. */
  token: string
  /** Units of capacity to offer; the server's configuration for the token when absent. */
  capacity?: number
  /** WebSocket constructor; needed in Node (`import WebSocket from 'ws'`). @default globalThis.WebSocket */
  WebSocket?: unknown
}

/** An agent session. Create with `createAgent`. */
export interface Agent {
  on<E extends keyof AgentEvents>(event: E, callback: AgentEvents[E]): () => void
  /** Connect and authenticate; resolves on the server's `ready`, rejects with `unauthorized`. */
  connect(): Promise<{ agent: AgentInfo & { capacity: number } }>
  /** Take an offered conversation; resolves once it is assigned to this agent. */
  accept(conversationId: string): Promise<AgentConversation>
  /** Send a message; resolves on the server's acknowledgement. Re-sent after a reconnect. */
  send(conversationId: string, text: string): Promise<{ seq: number; messageId: string }>
  /** End an active conversation: Active -> Wrap-up. */
  end(conversationId: string): Promise<AgentConversation>
  /** Close a conversation: Wrap-up (or Active) -> Closed. */
  close(conversationId: string): Promise<AgentConversation>
  /** Tell the customer the agent is typing (throttled to once a second per conversation). */
  typing(conversationId: string): void
  /** Close the connection for good. Pending actions reject with `closed`. */
  disconnect(): void
  readonly connection: AgentConnectionState
  /** Assigned conversations (active, wrap-up, and closed ones seen in this session). */
  readonly conversations: ReadonlyMap<string, AgentConversation>
  /** Open conversations offered to this agent. */
  readonly offers: ReadonlyMap<string, AgentConversation>
  readonly capacity: { used: number; total: number }
  // Agent workspace (transfer, notes, supervisor)
  /**
   * Hand an active conversation to the agent `to` (offered to that agent alone first, for the
   * server's `affinityMs`, then to anyone) or, without `to`, back to the queue (where this agent is
   * passed over while another has room): Active -> Open, reason `agent-transferred`. `note` is
   * recorded as an internal note first. A supervisor may transfer any active conversation, and
   * direct an open one with `to`. Resolves with the conversation once it is Open; rejects with
   * `forbidden`, `conflict`, `unknown-agent` or `transfer-to-self`.
   */
  transfer(conversationId: string, options?: { to?: string; note?: string }): Promise<AgentConversation>
  /**
   * Write an internal note (agents only; never sent to the customer). Resolves with the note as
   * recorded; re-sent after a reconnect, recorded once.
   */
  note(conversationId: string, text: string): Promise<NoteItem>
  /** `supervisor` when signed in with an admin token (no capacity, no offers, sees every live chat). */
  readonly role: AgentRole
  /** Every agent with its load and presence, by id. */
  readonly agents: ReadonlyMap<string, AgentSummary>
  /** The server's canned responses, from its `ready` (empty before it, or when none are configured). */
  readonly canned: readonly CannedResponse[]
}

