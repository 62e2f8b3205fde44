/** The runner's answers to server frames. */
import type {
  AgentInfo,
  ConversationStatus,
  ErrorFrame,
  EventFrame,
  MessageAckFrame,
  MessageItem,
  ReconnectAvailableFrame,
  ServerToCustomerFrame,
  WelcomeFrame,
} from '../protocol/index.js'
import { ChatError } from './errors.js'
import { afterWelcome, isEnded } from './machine.js'
import { retire } from './outbox.js'
import { withoutConversation } from './record.js'
import {
  dropSession,
  readRecord,
  resetTranscript,
  setConnection,
  settle,
  sortMessages,
  writeRecord,
  type Runtime,
  type Waiter,
} from './runtime.js'
import { compact } from './compact.js'
import { fromItem } from './transcript.js'
import { flushOutbox, helloAnswered, scheduleAck, sendHello, startSessionHeartbeat } from './outbound.js'
import type { ChatMessage } from './types.js'

/** How long `start()` waits for the replay announced by `welcome.lastSeq` before going on anyway. */
const SYNC_TIMEOUT_MS = 3_000
/** Codes after which the server will not take this client, whatever the retry. */
const TERMINAL_CODES: readonly string[] = ['origin-forbidden', 'unsupported-version']
/** Refusals of a resume (or a reopening): a new chat begins instead. */
const RESUME_REFUSALS: readonly string[] = ['resume-expired', 'resume-unknown', 'token-invalid', 'reconnect-unavailable']
/** Refusals of a message that a later attempt may get past: retried, in order. */
const RETRYABLE: readonly string[] = ['rate-limited', 'store-unavailable']

/** Dispatch one parsed frame. */
export function handleFrame(rt: Runtime, frame: ServerToCustomerFrame): void {
  rt.heartbeat?.heard()
  if (rt.phase === 'ready') refreshAlive(rt)
  switch (frame.type) {
    case 'welcome':
      return onWelcome(rt, frame)
    case 'reconnect-available':
      return onReconnectAvailable(rt, frame)
    case 'event':
      return onEvent(rt, frame)
    case 'ack':
      return onAck(rt, frame)
    case 'typing':
      if (frame.from === 'agent') rt.events.emit('typing', { from: 'agent' })
      return
    case 'error':
      return onError(rt, frame)
    default:
      return
  }
}

/**
 * lastAliveAt about once per heartbeat (each pong refreshes it; half the interval absorbs timer
 * jitter): a page killed without any event still has a "last alive" at most one heartbeat old.
 */
function refreshAlive(rt: Runtime): void {
  const now = rt.clock.now()
  if (now - rt.lastAliveWrite < rt.heartbeatMs / 2) return
  rt.lastAliveWrite = now
  const id = rt.conversation?.id
  writeRecord(rt, (r) => {
    if (r.conversationId !== id) return r
    const { awaySince, ...rest } = r
    void awaySince
    return { ...rest, lastAliveAt: now }
  })
}

function onWelcome(rt: Runtime, welcome: WelcomeFrame): void {
  if (rt.phase !== 'hello-sent' || !rt.decision) return
  helloAnswered(rt)
  const now = rt.clock.now()
  const before = rt.conversation?.id
  const stored = readRecord(rt)
  const { record, outcome } = afterWelcome(stored, welcome, now, rt.decision)
  writeRecord(rt, () => record)
  const changed = before !== welcome.conversationId
  if (changed) resetTranscript(rt)
  rt.phase = 'ready'
  rt.choice = undefined
  rt.everConnected = true
  rt.lastAliveWrite = now
  const { conversationId, lastSeq } = welcome
  // Resumed, but another tab had moved this widget to a new conversation: for this tab a new chat too.
  const movedOn = outcome.type === 'resumed' && changed && before
  if (outcome.type === 'new-chat' || movedOn) {
    const reason = outcome.type === 'new-chat' ? outcome.reason : (stored.newChatReason ?? 'resume-expired')
    const previousConversationId = outcome.type === 'new-chat' ? outcome.previousConversationId : before
    rt.events.emit('new-chat', compact({ conversationId, reason, previousConversationId }))
  }
  setConnection(rt, 'connected')
  setConversation(rt, conversationId, welcome)
  if (outcome.type === 'resumed') rt.pendingResumed = { conversationId, replayed: Math.max(0, lastSeq - rt.seq.lastSeq), reconnected: outcome.reconnected }
  rt.heartbeatMs = welcome.heartbeatMs
  startSessionHeartbeat(rt)
  beginSync(rt, lastSeq)
  if (isEnded(welcome.status)) return onEnded(rt, 'conversation-ended')
  flushOutbox(rt)
  if (rt.endRequested) rt.transport?.send({ type: 'end' })
}

/** The conversation's state changed (welcome, or a status item): keep it and tell the app. */
function setConversation(rt: Runtime, id: string, { status, agent }: { status: ConversationStatus; agent?: AgentInfo }): void {
  rt.conversation = compact({ id, status, agent })
  rt.events.emit('conversation', { ...rt.conversation })
}

function beginSync(rt: Runtime, target: number): void {
  rt.syncTarget = target
  rt.cancelSync?.()
  rt.cancelSync = rt.clock.setTimeout(() => finishSync(rt), SYNC_TIMEOUT_MS)
  checkSynced(rt)
}

function checkSynced(rt: Runtime): void {
  if (rt.syncTarget !== undefined && rt.seq.lastSeq >= rt.syncTarget) finishSync(rt)
}

/** The replay is in: now `resumed` and `start()` can tell the app, with the whole transcript held. */
function finishSync(rt: Runtime): void {
  rt.syncTarget = undefined
  rt.cancelSync?.()
  rt.cancelSync = undefined
  const resumed = rt.pendingResumed
  rt.pendingResumed = undefined
  if (resumed) rt.events.emit('resumed', resumed)
  if (rt.conversation) settle(rt.welcomeWaiters, { value: { ...rt.conversation } })
}

function onReconnectAvailable(rt: Runtime, frame: ReconnectAvailableFrame): void {
  if (rt.phase !== 'hello-sent') return
  helloAnswered(rt)
  const mode = rt.options.reconnect
  if (mode === 'auto') {
    rt.choice = { kind: 'reconnect' }
    return sendHello(rt)
  }
  if (mode === 'off') {
    rt.choice = { kind: 'new', reason: 'resume-expired' }
    return sendHello(rt)
  }
  rt.phase = 'prompt'
  rt.events.emit('reconnect-available', compact({ conversationId: frame.conversationId, expiresInMs: frame.expiresInMs, agent: frame.agent }))
}

function onEvent(rt: Runtime, frame: EventFrame): void {
  const { item } = frame
  if (!rt.conversation || !rt.seq.accept(item.seq)) return
  const lastSeq = rt.seq.lastSeq
  const id = rt.conversation.id
  writeRecord(rt, (r) => (r.conversationId === id ? { ...r, lastSeq } : r))
  scheduleAck(rt)
  if (item.kind === 'message') onMessageItem(rt, item)
  else if (rt.syncTarget === undefined || item.seq > rt.syncTarget) {
    // Status items replayed on resume are history: `welcome` already gave the current status, and
    // a reopened chat (R10) replays its old Wrap-up, which must not end it again.
    setConversation(rt, id, item)
    if (isEnded(item.status)) onEnded(rt, item.reason)
  }
  checkSynced(rt)
}

function onMessageItem(rt: Runtime, item: MessageItem): void {
  const message = fromItem(item)
  if (item.from === 'customer' && item.clientId) return delivered(rt, item.clientId, message)
  rt.messages = sortMessages([...rt.messages, message])
  rt.events.emit('message', message)
}

/**
 * The server recorded a customer message: retire it from the outbox, resolve its `send()`, send
 * the next one. A message this page did not know (written in another tab) is a new `message`.
 */
export function delivered(rt: Runtime, clientId: string, message: ChatMessage): void {
  const index = rt.messages.findIndex((m) => m.clientId === clientId)
  const wasPending = rt.messages[index]?.pending === true
  rt.messages = sortMessages([...rt.messages.filter((_, i) => i !== index), message])
  retireEntry(rt, clientId)
  takeWaiter(rt, clientId)?.resolve(message)
  if (index < 0) rt.events.emit('message', message)
  else if (wasPending) rt.events.emit('delivered', message)
  flushOutbox(rt)
}

/** Drop an entry from the stored outbox (acknowledged, or refused for good): the next may go. */
function retireEntry(rt: Runtime, clientId: string): void {
  writeRecord(rt, (r) => ({ ...r, outbox: retire(r.outbox, clientId) }))
  if (rt.inflight === clientId) rt.inflight = undefined
}

function takeWaiter(rt: Runtime, clientId: string): Waiter<ChatMessage> | undefined {
  const waiter = rt.sendWaiters.get(clientId)
  rt.sendWaiters.delete(clientId)
  return waiter
}

function onAck(rt: Runtime, { clientId, messageId, seq }: MessageAckFrame): void {
  const known = rt.messages.find((m) => m.clientId === clientId)
  if (!known) {
    // Another tab's message from the shared outbox: its event will show it; just retire it here.
    retireEntry(rt, clientId)
    return flushOutbox(rt)
  }
  if (!known.pending) return
  const { pending, ...rest } = known
  void pending
  delivered(rt, clientId, { ...rest, id: messageId, seq })
}

function onError(rt: Runtime, frame: ErrorFrame): void {
  const { code, ref } = frame
  const error = new ChatError(code, frame.message, ref)
  if (ref && rt.messages.some((m) => m.pending && m.clientId === ref)) return refuseMessage(rt, ref, error)
  if (code === 'conversation-ended') return onEnded(rt, code)
  if (RESUME_REFUSALS.includes(code) && rt.phase === 'hello-sent') {
    // The server's answer wins: what cannot be resumed (or reopened) becomes a new chat.
    rt.choice = { kind: 'new', reason: code === 'resume-unknown' || code === 'token-invalid' ? code : 'resume-expired' }
    if (!frame.fatal) sendHello(rt)
    return
  }
  rt.events.emit('error', error)
  if (TERMINAL_CODES.includes(code)) stopForGood(rt, error)
}

function refuseMessage(rt: Runtime, clientId: string, error: ChatError): void {
  if (rt.inflight === clientId) rt.inflight = undefined
  if (RETRYABLE.includes(error.code)) {
    // One message in flight at a time, so retrying this one later keeps the order.
    rt.cancelRetry?.()
    rt.cancelRetry = rt.clock.setTimeout(() => flushOutbox(rt), 1_000)
    return
  }
  if (error.code === 'conversation-ended') return onEnded(rt, error.code)
  rt.messages = rt.messages.filter((m) => m.clientId !== clientId)
  retireEntry(rt, clientId)
  takeWaiter(rt, clientId)?.reject(error)
  flushOutbox(rt)
}

/** Lingering after the end lets the automated message that follows the status change arrive. */
const LINGER_MS = 2_000

/** The conversation is in Wrap-up or Closed: forget it locally; a later start is a new chat. */
export function onEnded(rt: Runtime, reason: string): void {
  if (rt.phase === 'ended' || rt.phase === 'destroyed') return
  rt.phase = 'ended'
  rt.endRequested = false
  writeRecord(rt, (r) => (r.conversationId === rt.conversation?.id ? { ...withoutConversation(r), outbox: [] } : r))
  const error = new ChatError('conversation-ended')
  for (const waiter of rt.sendWaiters.values()) waiter.reject(error)
  rt.sendWaiters.clear()
  rt.messages = rt.messages.filter((m) => !m.pending)
  dropSession(rt)
  setConnection(rt, 'closed', reason)
  settle(rt.endWaiters, { value: undefined })
  if (rt.conversation) settle(rt.welcomeWaiters, { value: { ...rt.conversation } })
  const transport = rt.transport
  rt.clock.setTimeout(() => {
    if (rt.phase === 'ended' && rt.transport === transport) transport?.stop(1000, 'conversation ended')
  }, LINGER_MS)
}

/** The server will not take this client (origin, version): stop, and say so to every waiter. */
export function stopForGood(rt: Runtime, error: ChatError): void {
  rt.phase = 'ended'
  dropSession(rt)
  rt.transport?.stop(1000, error.code)
  setConnection(rt, 'closed', error.code)
  settle(rt.welcomeWaiters, { error })
  settle(rt.endWaiters, { error })
}
