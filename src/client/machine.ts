/**
 * The customer side's decisions, as pure functions: resume or new chat, what a welcome means for
 * the local window, and how each page-lifecycle input is answered. No I/O, no timers: the runner
 * (create-chat.ts) performs the effects.
 */
import {
  DEFAULT_GRACE_MS,
  PROTOCOL_VERSION,
  type ConversationStatus,
  type HelloFrame,
  type NewChatReason,
  type ResumeCredentials,
  type WelcomeFrame,
} from '../protocol/index.js'
import type { LocalWindow } from './record.js'
import type { ReconnectMode } from './types.js'

/** What the next `hello` asks for. */
export type StartDecision =
  | {
      kind: 'resume'
      resume: ResumeCredentials & { lastSeq: number }
      /** Past the grace window but inside the reconnect window (R10): the server may offer it back. */
      beyondGrace: boolean
    }
  | { kind: 'new'; previous?: ResumeCredentials; reason?: NewChatReason }

/** Inputs that shape a decision beside the stored record. */
export interface DecideContext {
  /** The highest contiguous seq this page holds in memory (0 on a fresh page: replay everything). */
  memoryLastSeq: number
  reconnect: ReconnectMode
  /** Start a new chat whatever the window says (`startNew()`). */
  forceNew?: boolean
}

/**
 * The moment the local window counts from: when the page went away, else when the connection was
 * last known alive. Both are client times, so only their difference with `now` is ever used.
 */
export function windowReference(record: LocalWindow): number | undefined {
  return record.awaySince ?? record.lastAliveAt
}

/**
 * Resume or start new. Inside `graceMs` (the server's duration) of the reference: resume. Past it
 * but inside the reconnect window (R10, unless `reconnect: 'off'`): ask to resume so the server can
 * offer the previous chat. Otherwise start new and name the old conversation as `previous`, so the
 * server ends it the same way. A clock that moved backwards gives a negative age: resume, and the
 * server's answer decides.
 *
 * @example
 * ```ts
 * decideStart(record, Date.now(), { memoryLastSeq: 0, reconnect: 'prompt' })
 * // { kind: 'resume', resume: { conversationId, token, lastSeq: 0 }, beyondGrace: false }
 * ```
 */
export function decideStart(record: LocalWindow, now: number, ctx: DecideContext): StartDecision {
  const { conversationId, token } = record
  if (!conversationId || !token) return { kind: 'new' }
  const previous = { conversationId, token }
  if (ctx.forceNew) return { kind: 'new', previous }
  const resume = { kind: 'resume' as const, resume: { ...previous, lastSeq: ctx.memoryLastSeq } }
  const reference = windowReference(record)
  if (reference === undefined) return { ...resume, beyondGrace: false }
  const age = now - reference
  const grace = record.graceMs ?? DEFAULT_GRACE_MS
  if (age < grace) return { ...resume, beyondGrace: false }
  const reconnectWindow = ctx.reconnect === 'off' ? 0 : (record.reconnectWindowMs ?? 0)
  if (age < grace + reconnectWindow) return { ...resume, beyondGrace: true }
  return { kind: 'new', previous, reason: 'local-window-passed' }
}

/** Who this client is, for `hello`. */
export interface HelloContext {
  widgetId: string
  tabId: string
  customer?: { name?: string }
  /**
   * R10: `true` reopens the previous chat, `false` declines it (a new chat without being offered
   * the previous one again), absent lets the server offer it.
   */
  reconnect?: boolean
}

/**
 * The `hello` frame for a decision.
 *
 * @example
 * ```ts
 * transport.send(buildHello(decision, { widgetId: 'support', tabId }))
 * ```
 */
export function buildHello(decision: StartDecision, ctx: HelloContext): HelloFrame {
  const hello: HelloFrame = { type: 'hello', v: PROTOCOL_VERSION, widgetId: ctx.widgetId, tabId: ctx.tabId }
  if (decision.kind === 'resume') hello.resume = { ...decision.resume }
  else if (decision.previous) hello.previous = { ...decision.previous }
  if (ctx.reconnect === true && decision.kind === 'resume') hello.reconnect = true
  if (ctx.reconnect === false) hello.reconnect = false
  if (ctx.customer && ctx.customer.name !== undefined) hello.customer = { name: ctx.customer.name }
  return hello
}

/** What a welcome means for the app. */
export type WelcomeOutcome =
  | { type: 'resumed'; reconnected: boolean }
  | { type: 'new-chat'; reason: NewChatReason; previousConversationId?: string }
  | { type: 'fresh' }

/**
 * Fold a `welcome` into the local window. The server's answer wins over the local decision: a
 * resume it refuses becomes a new chat with its reason. The window restarts at `now` (client time
 * at receipt) with the server's `graceMs`, so no server timestamp is ever compared with a client one.
 */
export function afterWelcome(
  record: LocalWindow,
  welcome: WelcomeFrame,
  now: number,
  decision: StartDecision,
): { record: LocalWindow; outcome: WelcomeOutcome } {
  const continues = welcome.resumed || welcome.reconnected === true
  const sameConversation = record.conversationId === welcome.conversationId
  const next: LocalWindow = {
    lastSeq: continues && sameConversation ? record.lastSeq : 0,
    outbox: record.outbox,
    conversationId: welcome.conversationId,
    token: welcome.token,
    lastAliveAt: now,
    graceMs: welcome.graceMs,
  }
  if (welcome.reconnectWindowMs !== undefined) next.reconnectWindowMs = welcome.reconnectWindowMs
  const outcome = welcomeOutcome(welcome, decision, continues)
  if (outcome.type === 'new-chat') {
    next.newChatReason = outcome.reason
    if (outcome.previousConversationId) next.previousConversationId = outcome.previousConversationId
  } else if (continues && sameConversation) {
    if (record.newChatReason) next.newChatReason = record.newChatReason
    if (record.previousConversationId) next.previousConversationId = record.previousConversationId
  }
  return { record: next, outcome }
}

function welcomeOutcome(welcome: WelcomeFrame, decision: StartDecision, continues: boolean): WelcomeOutcome {
  if (continues) return { type: 'resumed', reconnected: welcome.reconnected === true }
  const asked = decision.kind === 'resume' ? decision.resume.conversationId : decision.previous?.conversationId
  const previousConversationId = welcome.previousConversationId ?? asked
  const withPrevious = previousConversationId ? { previousConversationId } : {}
  if (welcome.newChatReason) return { type: 'new-chat', reason: welcome.newChatReason, ...withPrevious }
  if (decision.kind === 'resume') return { type: 'new-chat', reason: 'resume-expired', ...withPrevious }
  if (decision.reason) return { type: 'new-chat', reason: decision.reason, ...withPrevious }
  return { type: 'fresh' }
}

/** True for the states in which a conversation no longer takes customer messages. */
export function isEnded(status: ConversationStatus): boolean {
  return status === 'wrap-up' || status === 'closed'
}

/** Page lifecycle inputs, from DOM events (lifecycle.ts) or a webview host (`notifyBackground()`). */
export type LifecycleInput =
  | 'visible'
  | 'hidden'
  | 'focus'
  | 'pageshow-persisted'
  | 'pagehide'
  | 'pagehide-persisted'
  | 'freeze'
  | 'resume'
  | 'online'
  | 'offline'
  | 'background'
  | 'foreground'

/** What the runner does in answer to a lifecycle input. */
export type LifecycleEffect =
  /** Ping now if a session is open (a dead socket is replaced after the pong timeout), else reconnect now, skipping backoff. */
  | { type: 'check-liveness' }
  /** Connection state `offline` at once; close the socket and make no attempt until `online`. */
  | { type: 'go-offline' }
  /** Store `awaySince = now` in the local window. */
  | { type: 'record-away' }
  /** `navigator.sendBeacon` to `POST /v1/away`. */
  | { type: 'send-beacon' }
  /** An `away` frame, if the socket is open. */
  | { type: 'send-away-frame' }
  /** Close the socket cleanly so the page stays eligible for the back/forward cache. */
  | { type: 'close-socket'; reason: 'bfcache' }

/** The page's presence as the lifecycle inputs tell it. */
export interface Presence {
  /** The page went away (hidden, frozen, hidden by the host app, leaving). */
  away: boolean
  /** The browser says it has a network. */
  online: boolean
}

const LEAVING: ReadonlySet<LifecycleInput> = new Set(['hidden', 'pagehide', 'pagehide-persisted', 'freeze', 'background'])
const RETURNING: ReadonlySet<LifecycleInput> = new Set(['visible', 'focus', 'pageshow-persisted', 'resume', 'foreground'])

/**
 * Answer a lifecycle input. Leaving inputs record the away moment and tell the server once per
 * absence (hidden then pagehide is one absence); a persisted pagehide also closes the socket.
 * Returning inputs check liveness at once, unless the browser says it is offline, where any
 * attempt is futile until `online`. The client never sends `end` or anything final here: closing
 * one of two tabs must not end the chat.
 *
 * @example
 * ```ts
 * reactToLifecycle({ away: false, online: true }, 'pagehide-persisted').effects
 * // record-away, send-beacon, send-away-frame, close-socket
 * ```
 */
export function reactToLifecycle(presence: Presence, input: LifecycleInput): { presence: Presence; effects: LifecycleEffect[] } {
  if (input === 'offline') return { presence: { ...presence, online: false }, effects: [{ type: 'go-offline' }] }
  if (input === 'online') return { presence: { ...presence, online: true }, effects: [{ type: 'check-liveness' }] }
  if (RETURNING.has(input)) {
    const effects: LifecycleEffect[] = presence.online ? [{ type: 'check-liveness' }] : []
    return { presence: { ...presence, away: false }, effects }
  }
  if (!LEAVING.has(input)) return { presence, effects: [] }
  const effects: LifecycleEffect[] = presence.away
    ? []
    : [{ type: 'record-away' }, { type: 'send-beacon' }, { type: 'send-away-frame' }]
  if (input === 'pagehide-persisted') effects.push({ type: 'close-socket', reason: 'bfcache' })
  return { presence: { ...presence, away: true }, effects }
}
