/** The runner's answers to server frames. */
import type {
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
} from './runtime.js'
import { fromItem } from './transcript.js'
import { flushOutbox, helloAnswered, scheduleAck, sendHello, startSessionHeartbeat } from './outbound.js'
import type { ChatMessage } from './types.js'

/** How long `start()` waits for the replay announced by `welcome.lastSeq` before going on anyway. */
const SYNC_TIMEOUT_MS = 3_000
/** Codes after which the server will not take this client, whatever the retry. */
const TERMINAL_CODES = new Set(['origin-forbidden', 'unsupported-version'])
const RESUME_REFUSALS = new Set(['resume-expired', 'resume-unknown', 'token-invalid'])
const RETRYABLE = new Set(['rate-limited', 'store-unavailable'])

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
  rt.conversation = { id: welcome.conversationId, status: welcome.status, ...(welcome.agent ? { agent: welcome.agent } : {}) }
  if (outcome.type === 'new-chat') {
    rt.events.emit('new-chat', { conversationId: welcome.conversationId, reason: outcome.reason, ...prev(outcome.previousConversationId) })
  } else if (outcome.type === 'resumed' && changed && before) {
    // Another tab moved this widget to a new conversation; for this tab it is a new chat too.
    rt.events.emit('new-chat', { conversationId: welcome.conversationId, reason: stored.newChatReason ?? 'resume-expired', previousConversationId: before })
  }
  setConnection(rt, 'connected')
  rt.events.emit('conversation', { ...rt.conversation })
  if (outcome.type === 'resumed') {
    const replayed = Math.max(0, welcome.lastSeq - rt.seq.lastSeq)
    rt.pendingResumed = { conversationId: welcome.conversationId, replayed, reconnected: outcome.reconnected }
  }
  rt.heartbeatMs = welcome.heartbeatMs
  startSessionHeartbeat(rt)
  beginSync(rt, welcome.lastSeq)
  if (isEnded(welcome.status)) return onEnded(rt, 'conversation-ended')
  flushOutbox(rt)
  if (rt.endRequested) rt.transport?.send({ type: 'end' })
}

const prev = (id: string | undefined): { previousConversationId?: string } => (id ? { previousConversationId: id } : {})

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
  rt.events.emit('reconnect-available', {
    conversationId: frame.conversationId,
    expiresInMs: frame.expiresInMs,
    ...(frame.agent ? { agent: frame.agent } : {}),
  })
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
    rt.conversation = { id, status: item.status, ...(item.agent ? { agent: item.agent } : {}) }
    rt.events.emit('conversation', { ...rt.conversation })
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
  const wasPending = index >= 0 && rt.messages[index]!.pending === true
  const others = index < 0 ? rt.messages : rt.messages.filter((_, i) => i !== index)
  rt.messages = sortMessages([...others, message])
  writeRecord(rt, (r) => ({ ...r, outbox: retire(r.outbox, clientId) }))
  const waiter = rt.sendWaiters.get(clientId)
  rt.sendWaiters.delete(clientId)
  waiter?.resolve(message)
  if (index < 0) rt.events.emit('message', message)
  else if (wasPending) rt.events.emit('delivered', message)
  if (rt.inflight === clientId) rt.inflight = undefined
  flushOutbox(rt)
}

function onAck(rt: Runtime, frame: MessageAckFrame): void {
  const known = rt.messages.find((m) => m.clientId === frame.clientId)
  if (!known) {
    // Another tab's message from the shared outbox: its event will show it; just retire it here.
    writeRecord(rt, (r) => ({ ...r, outbox: retire(r.outbox, frame.clientId) }))
    if (rt.inflight === frame.clientId) rt.inflight = undefined
    return flushOutbox(rt)
  }
  if (!known.pending) return
  const { pending, ...rest } = known
  void pending
  delivered(rt, frame.clientId, { ...rest, id: frame.messageId, seq: frame.seq })
}

function onError(rt: Runtime, frame: ErrorFrame): void {
  const error = new ChatError(frame.code, frame.message, frame.ref)
  const refused = frame.ref ? rt.messages.find((m) => m.pending && m.clientId === frame.ref) : undefined
  if (refused && frame.ref) return refuseMessage(rt, frame.ref, error)
  if (frame.code === 'conversation-ended') return onEnded(rt, 'conversation-ended')
  if ((RESUME_REFUSALS.has(frame.code) || frame.code === 'reconnect-unavailable') && rt.phase === 'hello-sent') {
    // The server's answer wins: what cannot be resumed (or reopened) becomes a new chat.
    const reason = frame.code === 'resume-unknown' || frame.code === 'token-invalid' ? frame.code : 'resume-expired'
    rt.choice = { kind: 'new', reason }
    if (!frame.fatal) sendHello(rt)
    return
  }
  rt.events.emit('error', error)
  if (TERMINAL_CODES.has(frame.code)) stopForGood(rt, error)
}

function refuseMessage(rt: Runtime, clientId: string, error: ChatError): void {
  if (rt.inflight === clientId) rt.inflight = undefined
  if (RETRYABLE.has(error.code)) {
    // One message in flight at a time, so retrying this one later keeps the order.
    rt.cancelRetry?.()
    rt.cancelRetry = rt.clock.setTimeout(() => flushOutbox(rt), 1_000)
    return
  }
  if (error.code === 'conversation-ended') return onEnded(rt, 'conversation-ended')
  rt.messages = rt.messages.filter((m) => m.clientId !== clientId)
  writeRecord(rt, (r) => ({ ...r, outbox: retire(r.outbox, clientId) }))
  rt.sendWaiters.get(clientId)?.reject(error)
  rt.sendWaiters.delete(clientId)
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
