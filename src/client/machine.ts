/**
 * The customer side's decisions, as pure functions: resume or new chat, what a welcome means for
 * the local window, and how each page-lifecycle input is answered. No I/O, no timers: the runner
 * (create-chat.ts) performs the effects.
 */
import type { PageInfo } from '../protocol/context.js'
import {
  DEFAULT_GRACE_MS,
  PROTOCOL_VERSION,
  type ConversationStatus,
  type HelloFrame,
  type NewChatReason,
  type ResumeCredentials,
  type WelcomeFrame,
} from '../protocol/index.js'
import { compact } from './compact.js'
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
  // No reference at all: ask the server.
  const age = now - (windowReference(record) ?? Infinity)
  const grace = record.graceMs ?? DEFAULT_GRACE_MS
  const reconnectWindow = ctx.reconnect === 'off' ? 0 : (record.reconnectWindowMs ?? 0)
  return age < grace + reconnectWindow
    ? { kind: 'resume', resume: { ...previous, lastSeq: ctx.memoryLastSeq }, beyondGrace: age >= grace }
    : { kind: 'new', previous, reason: 'local-window-passed' }
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
  /** The secret that makes a new chat's hello idempotent (sent with `kind: 'new'` only). */
  start?: string
  /** The page the customer is on (customer context). */
  page?: PageInfo | undefined
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
  const { reconnect, customer } = ctx
  const resuming = decision.kind === 'resume'
  return compact<HelloFrame>({
    type: 'hello',
    v: PROTOCOL_VERSION,
    widgetId: ctx.widgetId,
    tabId: ctx.tabId,
    resume: resuming ? { ...decision.resume } : undefined,
    previous: !resuming && decision.previous ? { ...decision.previous } : undefined,
    // Asking to reopen only makes sense with something to resume; declining always does.
    reconnect: reconnect === false ? false : (resuming && reconnect) || undefined,
    customer: customer?.name !== undefined ? { name: customer.name } : undefined,
    start: resuming ? undefined : ctx.start,
    page: ctx.page,
  })
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
  const reconnected = welcome.reconnected === true
  const continues = welcome.resumed || reconnected
  const same = continues && record.conversationId === welcome.conversationId
  const outcome = welcomeOutcome(welcome, decision, continues, reconnected)
  // Why the conversation began: this welcome's answer, else what the record said of the same one.
  const origin: { newChatReason?: NewChatReason; previousConversationId?: string } =
    outcome.type === 'new-chat' ? { newChatReason: outcome.reason, previousConversationId: outcome.previousConversationId } : same ? record : {}
  const next = compact<LocalWindow>({
    lastSeq: same ? record.lastSeq : 0,
    outbox: record.outbox,
    conversationId: welcome.conversationId,
    token: welcome.token,
    lastAliveAt: now,
    graceMs: welcome.graceMs,
    reconnectWindowMs: welcome.reconnectWindowMs,
    newChatReason: origin.newChatReason,
    previousConversationId: origin.previousConversationId,
  })
  return { record: next, outcome }
}

function welcomeOutcome(welcome: WelcomeFrame, decision: StartDecision, continues: boolean, reconnected: boolean): WelcomeOutcome {
  if (continues) return { type: 'resumed', reconnected }
  const asked = decision.kind === 'resume' ? decision.resume : decision.previous
  const previousConversationId = welcome.previousConversationId ?? asked?.conversationId
  const reason = welcome.newChatReason || (decision.kind === 'resume' ? 'resume-expired' : decision.reason)
  return reason ? compact({ type: 'new-chat', reason, previousConversationId }) : { type: 'fresh' }
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

const LEAVING: readonly LifecycleInput[] = ['hidden', 'pagehide', 'pagehide-persisted', 'freeze', 'background']
const RETURNING: readonly LifecycleInput[] = ['visible', 'focus', 'pageshow-persisted', 'resume', 'foreground']

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
  const effects: LifecycleEffect[] = []
  let next = presence
  if (input === 'offline' || input === 'online') {
    next = { ...presence, online: input === 'online' }
    effects.push({ type: next.online ? 'check-liveness' : 'go-offline' })
  } else if (RETURNING.includes(input)) {
    next = { ...presence, away: false }
    if (presence.online) effects.push({ type: 'check-liveness' })
  } else if (LEAVING.includes(input)) {
    next = { ...presence, away: true }
    if (!presence.away) effects.push({ type: 'record-away' }, { type: 'send-beacon' }, { type: 'send-away-frame' })
    if (input === 'pagehide-persisted') effects.push({ type: 'close-socket', reason: 'bfcache' })
  }
  return { presence: next, effects }
}
