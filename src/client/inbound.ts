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
import { FINAL_CODES, RETRYABLE_CODES } from '../protocol/codes.js'
import { ChatError } from './errors.js'
import { afterWelcome, isEnded } from './machine.js'
import { retire } from './outbox.js'
import { withoutConversation } from './record.js'
import {
  dropSession,
  readRecord,
  resetTranscript,
  setConnection,
  setPhase,
  rejectStartsAndEnds,
  resolveAll,
  resolveStarts,
  sortMessages,
  writeRecord,
  type Runtime,
} from './runtime.js'
import type { Waiter } from '../transport/waiter.js'
import { compact } from './compact.js'
import { fromItem } from './transcript.js'
import { flushOutbox, helloAnswered, scheduleAck, sendHello, startSessionHeartbeat } from './outbound.js'
import type { ChatMessage } from './types.js'

/** How long `start()` waits for the replay announced by `welcome.lastSeq` before going on anyway. */
const SYNC_TIMEOUT_MS = 3_000

/** Dispatch one parsed frame. */
export function handleFrame(rt: Runtime, frame: ServerToCustomerFrame): void {
  rt._heartbeat?.heard()
  if (rt._phase === 'ready') refreshAlive(rt)
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
      if (frame.from === 'agent') rt._events.emit('typing', { from: 'agent' })
      return
    case 'queue':
      if (rt._conversation?.status === 'open') rt._events.emit('queue', compact({ position: frame.position, waitMs: frame.waitMs }))
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
  const now = rt._clock.now()
  if (now - rt._lastAliveWrite < rt._heartbeatMs / 2) return
  rt._lastAliveWrite = now
  const id = rt._conversation?.id
  writeRecord(rt, (r) => {
    if (r.conversationId !== id) return r
    const { awaySince, ...rest } = r
    void awaySince
    return { ...rest, lastAliveAt: now }
  })
}

function onWelcome(rt: Runtime, welcome: WelcomeFrame): void {
  if (rt._phase !== 'hello-sent' || !rt._decision) return
  helloAnswered(rt)
  const now = rt._clock.now()
  const before = rt._conversation?.id
  const stored = readRecord(rt)
  const { record, outcome } = afterWelcome(stored, welcome, now, rt._decision)
  writeRecord(rt, () => record)
  const changed = before !== welcome.conversationId
  if (changed) resetTranscript(rt)
  setPhase(rt, 'ready')
  rt._choice = undefined
  rt._everConnected = true
  rt._lastAliveWrite = now
  const { conversationId, lastSeq } = welcome
  // Resumed, but another tab had moved this widget to a new conversation: for this tab a new chat too.
  const movedOn = outcome.type === 'resumed' && changed && before
  if (outcome.type === 'new-chat' || movedOn) {
    const reason = outcome.type === 'new-chat' ? outcome.reason : (stored.newChatReason ?? 'resume-expired')
    const previousConversationId = outcome.type === 'new-chat' ? outcome.previousConversationId : before
    rt._events.emit('new-chat', compact({ conversationId, reason, previousConversationId }))
  }
  setConnection(rt, 'connected')
  setConversation(rt, conversationId, welcome)
  if (outcome.type === 'resumed') rt._pendingResumed = { conversationId, replayed: Math.max(0, lastSeq - rt._seq.lastSeq), reconnected: outcome.reconnected }
  rt._heartbeatMs = welcome.heartbeatMs
  startSessionHeartbeat(rt)
  beginSync(rt, lastSeq)
  if (isEnded(welcome.status)) return onEnded(rt, 'conversation-ended')
  flushOutbox(rt)
  if (rt._endRequested) rt._transport?.send({ type: 'end' })
}

/** The conversation's state changed (welcome, or a status item): keep it and tell the app. */
function setConversation(rt: Runtime, id: string, { status, agent }: { status: ConversationStatus; agent?: AgentInfo }): void {
  rt._conversation = compact({ id, status, agent })
  rt._events.emit('conversation', { ...rt._conversation })
}

function beginSync(rt: Runtime, target: number): void {
  rt._syncTarget = target
  rt._cancelSync?.()
  rt._cancelSync = rt._clock.setTimeout(() => finishSync(rt), SYNC_TIMEOUT_MS)
  checkSynced(rt)
}

function checkSynced(rt: Runtime): void {
  if (rt._syncTarget !== undefined && rt._seq.lastSeq >= rt._syncTarget) finishSync(rt)
}

/** The replay is in: now `resumed` and `start()` can tell the app, with the whole transcript held. */
function finishSync(rt: Runtime): void {
  rt._syncTarget = undefined
  rt._cancelSync?.()
  rt._cancelSync = undefined
  const resumed = rt._pendingResumed
  rt._pendingResumed = undefined
  if (resumed) rt._events.emit('resumed', resumed)
  resolveStarts(rt)
}

function onReconnectAvailable(rt: Runtime, frame: ReconnectAvailableFrame): void {
  if (rt._phase !== 'hello-sent') return
  helloAnswered(rt)
  const mode = rt._options.reconnect
  if (mode !== 'prompt') {
    // Answered without asking: 'auto' reopens it, 'off' declines it.
    rt._choice = mode === 'auto' ? { kind: 'reconnect' } : { kind: 'new', reason: 'resume-expired' }
    return sendHello(rt)
  }
  setPhase(rt, 'prompt')
  const { conversationId, expiresInMs, agent } = frame
  rt._events.emit('reconnect-available', compact({ conversationId, expiresInMs, agent }))
}

function onEvent(rt: Runtime, frame: EventFrame): void {
  const { item } = frame
  if (!rt._conversation || !rt._seq.accept(item.seq)) return
  const lastSeq = rt._seq.lastSeq
  const id = rt._conversation.id
  writeRecord(rt, (r) => (r.conversationId === id ? { ...r, lastSeq } : r))
  scheduleAck(rt)
  if (item.kind === 'message') onMessageItem(rt, item)
  else if (rt._syncTarget === undefined || item.seq > rt._syncTarget) {
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
  rt._messages = sortMessages([...rt._messages, message])
  rt._events.emit('message', message)
}

/**
 * The server recorded a customer message: retire it from the outbox, resolve its `send()`, send
 * the next one. A message this page did not know (written in another tab) is a new `message`.
 */
export function delivered(rt: Runtime, clientId: string, message: ChatMessage): void {
  const index = rt._messages.findIndex((m) => m.clientId === clientId)
  const wasPending = rt._messages[index]?.pending === true
  rt._messages = sortMessages([...rt._messages.filter((_, i) => i !== index), message])
  retireEntry(rt, clientId)
  takeWaiter(rt, clientId)?.resolve(message)
  if (index < 0) rt._events.emit('message', message)
  else if (wasPending) rt._events.emit('delivered', message)
  flushOutbox(rt)
}

/**
 * The message reached the previous chat before it ended (only its ack was lost): `send()` resolves,
 * and it leaves this chat's transcript, which it is not part of.
 */
function deliveredBefore(rt: Runtime, clientId: string, message: ChatMessage): void {
  rt._messages = rt._messages.filter((m) => m.clientId !== clientId)
  retireEntry(rt, clientId)
  takeWaiter(rt, clientId)?.resolve(message)
  rt._events.emit('delivered', message)
  flushOutbox(rt)
}

/** Drop an entry from the stored outbox (acknowledged, or refused for good): the next may go. */
function retireEntry(rt: Runtime, clientId: string): void {
  writeRecord(rt, (r) => ({ ...r, outbox: retire(r.outbox, clientId) }))
  if (rt._inflight === clientId) rt._inflight = undefined
}

function takeWaiter(rt: Runtime, clientId: string): Waiter<ChatMessage> | undefined {
  const waiter = rt._sendWaiters.get(clientId)
  rt._sendWaiters.delete(clientId)
  return waiter
}

function onAck(rt: Runtime, { clientId, messageId, seq, conversationId }: MessageAckFrame): void {
  const known = rt._messages.find((m) => m.clientId === clientId)
  if (!known) {
    // Another tab's message from the shared outbox: its event will show it; just retire it here.
    retireEntry(rt, clientId)
    return flushOutbox(rt)
  }
  if (!known.pending) return
  const { pending, ...rest } = known
  void pending
  const message = { ...rest, id: messageId, seq }
  if (conversationId && conversationId !== rt._conversation?.id) return deliveredBefore(rt, clientId, message)
  delivered(rt, clientId, message)
}

/**
 * A refused resume is not an error here: the server answers it with the welcome of a new chat. An
 * error frame refuses a frame; `internal-error` (a server fault) is told to the app even when a
 * promise says it too, since nothing will retry it, and ends a session that could not begin.
 */
function onError(rt: Runtime, frame: ErrorFrame): void {
  const { code, ref } = frame
  const error = new ChatError(code, frame.message, ref)
  const fault = code === 'internal-error'
  if (ref && rt._messages.some((m) => m.pending && m.clientId === ref)) {
    refuseMessage(rt, ref, error)
    if (fault) rt._events.emit('error', error)
    return
  }
  if (code === 'conversation-ended') return onEnded(rt, code)
  rt._events.emit('error', error)
  if (FINAL_CODES.includes(code) || (fault && frame.fatal)) stopForGood(rt, error)
}

function refuseMessage(rt: Runtime, clientId: string, error: ChatError): void {
  if (rt._inflight === clientId) rt._inflight = undefined
  if ((RETRYABLE_CODES as readonly string[]).includes(error.code)) {
    // One message in flight at a time, so retrying this one later keeps the order.
    rt._cancelRetry?.()
    rt._cancelRetry = rt._clock.setTimeout(() => flushOutbox(rt), 1_000)
    return
  }
  if (error.code === 'conversation-ended') return onEnded(rt, error.code)
  rt._messages = rt._messages.filter((m) => m.clientId !== clientId)
  retireEntry(rt, clientId)
  takeWaiter(rt, clientId)?.reject(error)
  flushOutbox(rt)
}

/** Lingering after the end lets the automated message that follows the status change arrive. */
const LINGER_MS = 2_000

/** The conversation is in Wrap-up or Closed: forget it locally; a later start is a new chat. */
export function onEnded(rt: Runtime, reason: string): void {
  if (rt._phase === 'ended' || rt._phase === 'destroyed') return
  setPhase(rt, 'ended')
  rt._endRequested = false
  writeRecord(rt, (r) => (r.conversationId === rt._conversation?.id ? { ...withoutConversation(r), outbox: [] } : r))
  const error = new ChatError('conversation-ended')
  for (const waiter of rt._sendWaiters.values()) waiter.reject(error)
  rt._sendWaiters.clear()
  rt._messages = rt._messages.filter((m) => !m.pending)
  dropSession(rt)
  setConnection(rt, 'closed', reason)
  resolveAll(rt._endWaiters, undefined)
  resolveStarts(rt)
  const transport = rt._transport
  rt._clock.setTimeout(() => {
    if (rt._phase === 'ended' && rt._transport === transport) transport?.stop(1000, 'conversation ended')
  }, LINGER_MS)
}

/** The server will not take this client (origin, version): stop, and say so to every waiter. */
export function stopForGood(rt: Runtime, error: ChatError): void {
  setPhase(rt, 'ended')
  dropSession(rt)
  rt._transport?.stop(1000, error.code)
  setConnection(rt, 'closed', error.code)
  rejectStartsAndEnds(rt, error)
}
