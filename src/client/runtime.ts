import type { ConversationInfo, ChatMessage, ConnectionState } from './types.js'
import type { ChatEmitter } from './events.js'
import type { Clock } from '../transport/clock.js'
import type { Heartbeat } from '../transport/heartbeat.js'
import type { LocalWindow } from './record.js'
import type { Presence, StartDecision } from './machine.js'
import type { ResolvedOptions } from './options.js'
import type { SafeStorage } from './storage.js'
import type { SeqTracker } from './transcript.js'
import type { Transport } from '../transport/transport.js'
import type { Waiter } from '../transport/waiter.js'
import type { AgentInfo, ConversationStatus, NewChatReason } from '../protocol/index.js'
import { compact } from './compact.js'
import { parseRecord, updateRecord } from './record.js'
import { fromOutbox } from './transcript.js'

/**
 * Where a chat is. `hello-sent`: waiting for `welcome`; `prompt`: waiting for the customer's
 * R10 choice; `paused`: socket closed for the back/forward cache; `ended`: the conversation is in
 * Wrap-up or Closed.
 */
export type Phase = 'idle' | 'connecting' | 'hello-sent' | 'prompt' | 'ready' | 'paused' | 'offline' | 'ended' | 'destroyed'

/**
 * The runner's mutable state: one object, so the handlers in several files share it. What is
 * absent at first is optional, so creating it spells out only what has a value. Every field starts
 * with `_`: the minifier shortens such names (rollup.config.mjs), and this object never leaves the SDK.
 */
export interface Runtime {
  readonly _options: ResolvedOptions
  readonly _clock: Clock
  readonly _storage: SafeStorage
  readonly _key: string
  readonly _tabId: string
  readonly _events: ChatEmitter
  _transport?: Transport
  _phase: Phase
  _connection: ConnectionState
  _conversation?: ConversationInfo
  _decision?: StartDecision
  /** The customer's pending choice: reopen the previous chat, or start a new one (with why). */
  _choice?: { kind: 'reconnect' } | { kind: 'new'; reason?: NewChatReason }
  _seq: SeqTracker
  _messages: ChatMessage[]
  _inflight?: string
  _everConnected?: boolean
  _heartbeat?: Heartbeat
  _heartbeatMs: number
  _presence: Presence
  _lastAliveWrite: number
  /** `welcome.lastSeq`: the replay is complete once the tracker reaches it. */
  _syncTarget?: number
  _pendingResumed?: { conversationId: string; replayed: number; reconnected: boolean }
  _endRequested?: boolean
  _lastAcked: number
  _cancelAck?: () => void
  _cancelSync?: () => void
  _cancelRetry?: () => void
  /** Waiting for the answer to `hello`: a socket that opened and then went silent is replaced. */
  _cancelHello?: () => void
  _lastTypingAt: number
  /** The identity function was asked again after `identity-expired` (once per welcome). */
  _idRetried?: boolean
  _welcomeWaiters: Waiter<ConversationInfo>[]
  _sendWaiters: Map<string, Waiter<ChatMessage>>
  _endWaiters: Waiter<void>[]
}

/** The stored local window, read fresh (other tabs write it too). */
export function readRecord(rt: Runtime): LocalWindow {
  return parseRecord(rt._storage.getItem(rt._key))
}

/** Change the stored local window. */
export function writeRecord(rt: Runtime, change: (record: LocalWindow) => LocalWindow): LocalWindow {
  return updateRecord(rt._storage, rt._key, change)
}

/** Emit `connection` when the state changes. */
export function setConnection(rt: Runtime, state: ConnectionState, reason?: string): void {
  if (rt._connection === state) return
  rt._connection = state
  const queued = readRecord(rt).outbox.length
  rt._events.emit('connection', compact({ state, reason, queued }))
}

/** Confirmed messages in seq order, then the ones still pending, in the order they were written. */
export function sortMessages(messages: ChatMessage[]): ChatMessage[] {
  const confirmed = messages.filter((m) => !m.pending).sort((a, b) => a.seq - b.seq)
  return [...confirmed, ...messages.filter((m) => m.pending)]
}

/** A fresh transcript holding only what the outbox still has to deliver. */
export function resetTranscript(rt: Runtime): void {
  rt._seq.reset()
  rt._lastAcked = 0
  rt._messages = readRecord(rt).outbox.map(fromOutbox)
}

/** Resolve every waiter of one kind. */
export function resolveAll<T>(waiters: Waiter<T>[], value: T): void {
  for (const waiter of waiters.splice(0)) waiter.resolve(value)
}

/** `start()` (or the resume or new chat asked for) resolves with the conversation, if there is one. */
export function resolveStarts(rt: Runtime): void {
  if (rt._conversation) resolveAll(rt._welcomeWaiters, { ...rt._conversation })
}

/** Whoever waits for `start()` or `end()` gets `error`. */
export function rejectStartsAndEnds(rt: Runtime, error: Error): void {
  for (const waiter of [...rt._welcomeWaiters.splice(0), ...rt._endWaiters.splice(0)]) waiter.reject(error)
}

/** A promise that does not count as unhandled if the app ignores it (the state is also in events). */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

/** A promise settled by the runner later. */
export function wait<T>(list: Waiter<T>[]): Promise<T> {
  return handled(new Promise<T>((resolve, reject) => list.push({ resolve, reject })))
}

/** The session (one socket after `welcome`) is over: no heartbeat, no message in flight. */
export function dropSession(rt: Runtime): void {
  rt._heartbeat?.stop()
  rt._heartbeat = rt._inflight = undefined
}

/** The phases in which a socket is wanted and its events matter. */
export const LIVE: readonly Phase[] = ['connecting', 'hello-sent', 'prompt', 'ready']

/** Phases in which there is nothing to reconnect. */
export const DORMANT: readonly Phase[] = ['idle', 'ended', 'destroyed']

/**
 * The phases a phase may only be entered from; a phase not listed may be entered from any but
 * `destroyed`, which is final (`idle` is only the first). `ready` and `prompt` answer a hello; a hello goes out from a socket
 * just opened, a resent hello, or the customer's answer to the R10 prompt.
 */
const ENTERED_FROM: Partial<Record<Phase, readonly Phase[]>> = {
  ready: ['hello-sent'],
  prompt: ['hello-sent'],
  'hello-sent': ['connecting', 'hello-sent', 'prompt'],
}

/**
 * Every change of phase passes through here; a move the table does not allow is refused (false)
 * and leaves the phase as it was.
 */
export function setPhase(rt: Runtime, next: Phase): boolean {
  const from = ENTERED_FROM[next]
  if (rt._phase === 'destroyed' || (from && !from.includes(rt._phase))) return false
  rt._phase = next
  return true
}

/** The conversation's state changed (welcome, or a status item): keep it and tell the app. */
export function setConversation(rt: Runtime, id: string, { status, agent }: { status: ConversationStatus; agent?: AgentInfo }): void {
  rt._conversation = compact({ id, status, agent })
  rt._events.emit('conversation', { ...rt._conversation })
}
