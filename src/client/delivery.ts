/**
 * Delivery both ways: the outbox sent one message at a time and retired on its ack (or refusal),
 * recorded items taken in seq order, each once, and acknowledged in batches.
 */
import { ChatError } from './errors.js'
import type { ChatMessage } from './types.js'
import type { EventFrame, MessageAckFrame, MessageItem } from '../protocol/index.js'
import { RETRYABLE_CODES } from '../protocol/codes.js'
import { type Runtime, readRecord, setConversation, sortMessages, writeRecord } from './runtime.js'
import type { Waiter } from '../transport/waiter.js'
import { checkSynced } from './replay.js'
import { fromItem } from './transcript.js'
import { isEnded } from './machine.js'
import { nextToSend, retire } from './outbox.js'
import { onEnded } from './ending.js'

/** Acknowledgements are batched: a replay of hundreds of items must not trip the rate limit. */
const ACK_DELAY_MS = 100

/** Send the oldest unacknowledged message, if the session is up and nothing is in flight. */
export function flushOutbox(rt: Runtime): void {
  if (rt._phase !== 'ready' || rt._inflight || !rt._transport?.open) return
  const entry = nextToSend(readRecord(rt).outbox)
  if (!entry) return
  if (rt._transport.send({ type: 'message', clientId: entry.clientId, text: entry.text })) rt._inflight = entry.clientId
}

/** Tell the server, shortly, the highest seq held without gaps. */
export function scheduleAck(rt: Runtime): void {
  if (rt._cancelAck) return
  rt._cancelAck = rt._clock.setTimeout(() => {
    rt._cancelAck = undefined
    const seq = rt._seq.lastSeq
    if (rt._phase !== 'ready' || seq <= rt._lastAcked) return
    if (rt._transport?.send({ type: 'ack', seq })) rt._lastAcked = seq
  }, ACK_DELAY_MS)
}

export function onEvent(rt: Runtime, frame: EventFrame): void {
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

export function onAck(rt: Runtime, { clientId, messageId, seq, conversationId }: MessageAckFrame): void {
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

export function refuseMessage(rt: Runtime, clientId: string, error: ChatError): void {
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
