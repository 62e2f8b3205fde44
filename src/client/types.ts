import type {
  AgentInfo,
  AutomatedMessageId,
  ConversationStatus,
  ErrorCode,
  NewChatReason,
} from '../protocol/index.js'

/** State of the customer's connection, as the widget should tell it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed'

/** Where the local window (conversation id, resume token, last seq, outbox) is kept. */
export type StorageKind = 'local' | 'session' | 'memory'

/** The subset of the Web Storage API the SDK uses; pass your own (for example a webview bridge). */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** What happens when the previous chat can be reopened (server `reconnectWindowMs`, R10). */
export type ReconnectMode = 'prompt' | 'auto' | 'off'

/** Client-only error codes, beside the server's wire codes. */
export type ClientErrorCode =
  /** Storage threw or is full; the SDK fell back to the next kind (local -> session -> memory). */
  | 'storage-unavailable'
  /** `send()` or `end()` after the chat was destroyed. */
  | 'destroyed'
  /** `send()` before `start()`. */
  | 'not-started'
  /**
   * The browser would not open a socket to the chat URL (a `ws://`/`http://` URL from an https page,
   * for one). Final: `start()` rejects with it and the connection is `closed`.
   */
  | 'socket-refused'

/** Every code a {@link ChatError} can carry. */
export type ChatErrorCode = ErrorCode | ClientErrorCode

/** Error raised by the SDK: rejected promises and the `error` event carry one. */
export interface ChatErrorShape extends Error {
  code: ChatErrorCode
}

/** A message of the transcript, as the customer sees it. */
export interface ChatMessage {
  id: string
  /** Per-conversation sequence number; 0 while a customer message is still in the outbox. */
  seq: number
  from: 'customer' | 'agent' | 'system'
  text: string
  /** Server time of recording (ms since the epoch); the client's time while pending. */
  at: number
  automated?: AutomatedMessageId
  agent?: AgentInfo
  /** The customer's client id, for customer messages. */
  clientId?: string
  /** True while a customer message waits in the outbox for the server's acknowledgement. */
  pending?: boolean
}

/** The conversation as the customer sees it. */
export interface ConversationInfo {
  id: string
  status: ConversationStatus
  agent?: AgentInfo
}

/** Why a chat that could have resumed is a new one. `local-window-passed`: decided on the client. */
export type { NewChatReason }

/** Event map of {@link Chat}. One context object per event, so fields can be added later. */
export interface ChatEvents {
  /** The connection changed. `queued` is how many messages wait in the outbox. */
  connection: (ctx: { state: ConnectionState; reason?: string; queued: number }) => void
  /** The conversation started, resumed, or changed state. */
  conversation: (conversation: ConversationInfo) => void
  /** A transcript message: live, replayed on resume, or a pending one of the customer's. */
  message: (message: ChatMessage) => void
  /** A pending customer message was acknowledged by the server (now has its `seq`). */
  delivered: (message: ChatMessage) => void
  /** The previous conversation continues (reload, network back, tab reopened inside the window). */
  resumed: (info: { conversationId: string; replayed: number; reconnected: boolean }) => void
  /** A new chat began instead of a resume, and why. */
  'new-chat': (info: { conversationId: string; reason: NewChatReason; previousConversationId?: string }) => void
  /** The previous chat can be reopened (R10, `reconnect: 'prompt'`): call `resumePrevious()` or `startNew()`. */
  'reconnect-available': (previous: { conversationId: string; agent?: AgentInfo; expiresInMs: number }) => void
  /** Waiting for an agent: the place in the queue (1: next) and the estimated wait, when they change. */
  queue: (ctx: { position: number; waitMs?: number }) => void
  /** The agent is typing (throttled by the agent side). */
  typing: (ctx: { from: 'agent' }) => void
  /** Something went wrong that the app may want to show or log. */
  error: (error: ChatErrorShape) => void
}

/** Options of `createChat`. */
export interface ChatOptions {
  /** The server's base URL: `https://chat.example.com` or `wss://chat.example.com` (a path prefix is allowed). */
  url: string
  /** Which widget (site, queue) this chat belongs to; also names the storage key. */
  widgetId: string
  /** Where the local window is kept. @default 'local' */
  storage?: StorageKind | StorageLike
  /** Shown to the agent. */
  customer?: { name?: string }
  /**
   * Tell the agent which page the customer is on: its URL (without the query string) and title, at
   * the start and after each navigation inside the page (history, hash). `false` sends neither.
   * @default true
   */
  context?: boolean
  /** Reopening a previous chat when the server allows it (R10). @default 'prompt' */
  reconnect?: ReconnectMode
  /** WebSocket constructor; needed in Node (`import WebSocket from 'ws'`). @default globalThis.WebSocket */
  WebSocket?: unknown
  /** Time source for the local window, injectable for tests. @default Date.now */
  now?: () => number
  /**
   * How long after a ping a socket that sent nothing is declared dead and replaced. A dead socket
   * is noticed within `heartbeatMs` (from the server, 15 s by default) + `pongTimeoutMs` while the
   * page is visible. @default 5000
   */
  pongTimeoutMs?: number
  /** First reconnection delay; each connection draws a value in [min, 2 * min), growing x1.5. @default 500 */
  minReconnectDelayMs?: number
  /** Largest reconnection delay. @default 10000 */
  maxReconnectDelayMs?: number
  /** At most one `typing` notice per this interval. @default 2000 */
  typingThrottleMs?: number
}

/** A customer chat. Create with `createChat`. */
export interface Chat {
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends keyof ChatEvents>(event: E, callback: ChatEvents[E]): () => void
  /** Connect: resume the stored conversation if inside its window, else start a new one. Resolves once connected. */
  start(): Promise<ConversationInfo>
  /** Send a message. Queued (and persisted) while offline; resolves on the server's acknowledgement. */
  send(text: string): Promise<ChatMessage>
  /** Tell the agent the customer is typing (throttled; never queued). */
  typing(): void
  /** End the chat now (R8). */
  end(): Promise<void>
  /** With `reconnect: 'prompt'`, after `reconnect-available`: reopen the previous chat. */
  resumePrevious(): Promise<ConversationInfo>
  /** With `reconnect: 'prompt'`, after `reconnect-available`: start a new chat instead. */
  startNew(): Promise<ConversationInfo>
  /** For webview hosts that get no page lifecycle events: the app went to the background. */
  notifyBackground(): void
  /** For webview hosts: the app is in the foreground again (checks the connection at once). */
  notifyForeground(): void
  /** Close the connection and remove listeners; the stored window stays so a later page can resume. */
  destroy(): void
  /** Current connection state. */
  readonly connection: ConnectionState
  /** Current conversation, once started. */
  readonly conversation: ConversationInfo | undefined
  /** The transcript so far (including pending customer messages). */
  readonly messages: readonly ChatMessage[]
}
