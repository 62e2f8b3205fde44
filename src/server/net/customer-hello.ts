/**
 * `hello`: resume, reconnect (R10) or start a new chat. The server's answer is final: what cannot
 * be resumed becomes a new chat with its reason.
 */
import { PROTOCOL_VERSION, type HelloFrame, type NewChatReason, type WelcomeFrame } from '../../protocol/frames.js'
import { isCustomerLive, openConnectionCount } from '../engine/presence.js'
import { canReconnect, createConversation, isLive, reconnectUntil, reopen, transition } from '../engine/transitions.js'
import type { Conversation } from '../engine/types.js'
import { stepOf } from '../service.js'
import type { CustomerConnection } from './customer-session.js'
import { hashToken, newConversationId, newToken, tokenMatches } from './tokens.js'

/** Customers who give no details share this one record rather than holding an empty one each. */
const NO_DETAILS: Conversation['customer'] = Object.freeze({})

/** How a new chat relates to the one the client named. */
interface NewChatContext {
  reason?: NewChatReason
  previousConversationId?: string
}

/** Handles a `hello` frame on `conn`. */
export async function handleHello(conn: CustomerConnection, hello: HelloFrame): Promise<void> {
  if (conn.conversationId !== undefined) return conn.refuse('already-started', 'this connection already has a conversation', { ref: 'hello' })
  if (hello.v !== PROTOCOL_VERSION) {
    return conn.refuse('unsupported-version', `protocol version ${hello.v} is not supported`, { fatal: true })
  }
  conn.tabId = hello.tabId
  const named = hello.resume ?? hello.previous
  if (!named) return newChat(conn, hello, {})
  const conv = await conn.ctx.store.get(named.conversationId)
  if (!conv) return newChat(conn, hello, { reason: 'resume-unknown', previousConversationId: named.conversationId })
  if (!tokenMatches(named.token, conv.tokenHash)) {
    return conn.refuse('token-invalid', 'the resume token does not belong to this conversation', { ref: 'hello' })
  }
  if (hello.resume && isLive(conv.status)) return resume(conn, conv, hello)
  const ended = hello.resume ? conv : await endPrevious(conn, conv)
  return afterEnded(conn, hello, ended)
}

/** The client says its local window passed: end the previous chat the same way, if still live. */
async function endPrevious(conn: CustomerConnection, conv: Conversation): Promise<Conversation> {
  const { config } = conn.ctx
  const result = await conn.run(conv.id, (c, now) => {
    if (!isLive(c.status) || isCustomerLive(c, now, config)) return null
    return transition(c, c.status === 'open' ? 'closed' : 'wrap-up', 'customer-disconnected', now, config)
  })
  return result?.conversation ?? conv
}

/** The named chat has ended (or is still live, when only named as previous): reconnect or start new. */
async function afterEnded(conn: CustomerConnection, hello: HelloFrame, conv: Conversation): Promise<void> {
  const { config } = conn.ctx
  const now = conn.ctx.now()
  const reason: NewChatReason | undefined = hello.resume ? 'resume-expired' : undefined
  const context: NewChatContext = { previousConversationId: conv.id, ...(reason ? { reason } : {}) }
  if (!canReconnect(conv, now, config)) {
    if (hello.reconnect === true) {
      return conn.refuse('reconnect-unavailable', 'the previous conversation cannot be reopened', { ref: 'hello' })
    }
    return newChat(conn, hello, context)
  }
  if (hello.reconnect === false) return newChat(conn, hello, context)
  if (hello.reconnect === true) return reconnect(conn, conv, hello)
  conn.send({
    type: 'reconnect-available',
    conversationId: conv.id,
    status: conv.status,
    ...(conv.agent ? { agent: conv.agent } : {}),
    endedAt: conv.endedAt ?? now,
    expiresInMs: Math.max(0, (reconnectUntil(conv, config) ?? now) - now),
  })
}

/** The token the client named (already checked against the conversation). */
function named(hello: HelloFrame): string {
  return (hello.resume ?? hello.previous)?.token ?? ''
}

async function resume(conn: CustomerConnection, conv: Conversation, hello: HelloFrame): Promise<void> {
  if (tooManyConnections(conn, conv)) return
  const result = await conn.run(conv.id, (c, now) => (isLive(c.status) ? stepOf(conn.heardIn(c, now)) : null))
  const current = result?.conversation ?? conv
  // It may have ended between the read and the update: then it is an ended chat like any other.
  if (!isLive(current.status)) return afterEnded(conn, hello, current)
  const lastSeq = hello.resume?.lastSeq ?? 0
  await welcome(conn, current, { resumed: true }, Math.min(lastSeq, current.lastSeq), named(hello))
}

async function reconnect(conn: CustomerConnection, conv: Conversation, hello: HelloFrame): Promise<void> {
  const { config } = conn.ctx
  const result = await conn.run(conv.id, (c, now) =>
    canReconnect(c, now, config) ? { ...reopen(conn.heardIn(c, now), now, config) } : null,
  )
  if (!result || result.conversation.status !== 'open') {
    return conn.refuse('reconnect-unavailable', 'the previous conversation cannot be reopened', { ref: 'hello' })
  }
  const afterSeq = Math.min(hello.resume?.lastSeq ?? 0, result.previous.lastSeq)
  await welcome(conn, result.conversation, { resumed: true, reconnected: true }, afterSeq, named(hello))
}

async function newChat(conn: CustomerConnection, hello: HelloFrame, context: NewChatContext): Promise<void> {
  const token = newToken()
  const customer = hello.customer ? { ...hello.customer } : NO_DETAILS
  const init = { id: newConversationId(), widgetId: hello.widgetId, customer, tokenHash: hashToken(token) }
  const step = createConversation(init, { id: conn.id, tabId: hello.tabId }, conn.ctx.now())
  const result = await conn.ctx.service.create(step)
  const extra: Partial<WelcomeFrame> = { resumed: false }
  if (context.reason) extra.newChatReason = context.reason
  if (context.previousConversationId) extra.previousConversationId = context.previousConversationId
  await welcome(conn, result.conversation, extra, 0, token)
}

/** Sends `welcome` then the items after `afterSeq`. */
async function welcome(
  conn: CustomerConnection,
  conv: Conversation,
  extra: Partial<WelcomeFrame>,
  afterSeq: number,
  token: string,
): Promise<void> {
  const { config } = conn.ctx
  const frame: WelcomeFrame = {
    type: 'welcome',
    v: PROTOCOL_VERSION,
    conversationId: conv.id,
    token,
    status: conv.status,
    ...(conv.agent ? { agent: conv.agent } : {}),
    resumed: false,
    ...extra,
    lastSeq: conv.lastSeq,
    graceMs: config.graceMs,
    heartbeatMs: config.heartbeatMs,
    ...(config.reconnectWindowMs !== undefined ? { reconnectWindowMs: config.reconnectWindowMs } : {}),
  }
  conn.send(frame)
  await conn.attach(conv, afterSeq)
}

function tooManyConnections(conn: CustomerConnection, conv: Conversation): boolean {
  const max = conn.ctx.options.limits.maxConnectionsPerConversation
  if (openConnectionCount(conv) < max) return false
  conn.refuse('too-many-connections', `more than ${max} connections for one conversation`, { fatal: true })
  return true
}
