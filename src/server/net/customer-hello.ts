/**
 * `hello`: resume, reconnect (R10) or start a new chat. The server's answer is final, and it is
 * always a session: what cannot be resumed or reopened becomes a new chat whose `welcome` says why
 * (`newChatReason`: `resume-unknown`, `resume-expired`, `token-invalid`, `reconnect-unavailable`).
 * A resume is never refused with an error frame, so no client can loop on one; error frames refuse
 * only a hello that no session can answer (version, origin, rate, connections, shutdown).
 */
import { PROTOCOL_VERSION, type HelloFrame, type NewChatReason, type WelcomeFrame } from '../../protocol/frames.js'
import { openConnectionCount } from '../engine/presence.js'
import { canReconnect, createConversation, isLive, reconnectUntil, reopen } from '../engine/transitions.js'
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
  // Not this client's chat (edited storage, another chat's token): a chat of its own, and nothing of
  // the named one read, linked or changed.
  if (!tokenMatches(named.token, conv.tokenHash)) return newChat(conn, hello, { reason: 'token-invalid' })
  const current = hello.resume ? conv : await bringUpToDate(conn, conv)
  // One rule decides, the server's: a chat still inside its window continues, even when the client
  // thought its own window had passed (a frozen page, a clock that jumped).
  if (isLive(current.status)) return resume(conn, current, hello)
  return afterEnded(conn, hello, current)
}

/**
 * The client says its local window passed: apply the time rules now rather than when the deadline
 * fires, so a chat past its window ends (customer-disconnected) before the new one starts.
 */
async function bringUpToDate(conn: CustomerConnection, conv: Conversation): Promise<Conversation> {
  // The runner applies the time rules after every operation, even one that changes nothing.
  const result = await conn.run(conv.id, () => null)
  return result?.conversation ?? conv
}

/** The named chat has ended (or is still live, when only named as previous): reconnect or start new. */
async function afterEnded(conn: CustomerConnection, hello: HelloFrame, conv: Conversation): Promise<void> {
  const { config } = conn.ctx
  const now = conn.ctx.now()
  const reason: NewChatReason | undefined = hello.resume ? 'resume-expired' : undefined
  const context: NewChatContext = { previousConversationId: conv.id, ...(reason ? { reason } : {}) }
  if (!canReconnect(conv, now, config)) {
    return newChat(conn, hello, hello.reconnect === true ? { ...context, reason: 'reconnect-unavailable' } : context)
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
    return newChat(conn, hello, { reason: 'reconnect-unavailable', previousConversationId: conv.id })
  }
  const afterSeq = Math.min(hello.resume?.lastSeq ?? 0, result.previous.lastSeq)
  await welcome(conn, result.conversation, { resumed: true, reconnected: true }, afterSeq, named(hello))
}

async function newChat(conn: CustomerConnection, hello: HelloFrame, context: NewChatContext): Promise<void> {
  const { store, service } = conn.ctx
  const token = hello.start ?? newToken()
  const id = newConversationId(hello.start)
  const extra: Partial<WelcomeFrame> = { resumed: false }
  if (context.reason) extra.newChatReason = context.reason
  if (context.previousConversationId) extra.previousConversationId = context.previousConversationId
  if (hello.start) {
    const started = await store.get(id)
    if (started) return startAgain(conn, hello, context, started, extra)
  }
  if (!conn.mayStartChat()) return
  // A conversation the server does not know (resume-unknown) holds nothing to deduplicate against.
  const previousId = context.reason === 'resume-unknown' ? undefined : context.previousConversationId
  const customer = hello.customer ? { ...hello.customer } : NO_DETAILS
  const init = { id, widgetId: hello.widgetId, customer, tokenHash: hashToken(token), ...(previousId ? { previousId } : {}) }
  const step = createConversation(init, { id: conn.id, tabId: hello.tabId }, conn.ctx.now())
  const result = await service.create(step).catch((error: unknown) => (hello.start ? undefined : Promise.reject(error)))
  if (result) return welcome(conn, result.conversation, extra, 0, token)
  // The same start on two sockets at once: the other one created it.
  const raced = await store.get(id)
  if (!raced) throw new Error(`conversation ${id} could not be created`)
  return startAgain(conn, hello, context, raced, extra)
}

/**
 * The same start again (its welcome was lost): the chat it created, from its first item, while it
 * is live; once ended, a new chat like any other.
 */
async function startAgain(conn: CustomerConnection, hello: HelloFrame, context: NewChatContext, conv: Conversation, extra: Partial<WelcomeFrame>): Promise<void> {
  if (!tokenMatches(hello.start ?? '', conv.tokenHash)) return newChat(conn, { ...hello, start: undefined }, { reason: 'token-invalid' })
  const result = await conn.run(conv.id, (c, now) => (isLive(c.status) ? stepOf(conn.heardIn(c, now)) : null))
  const current = result?.conversation ?? conv
  if (!isLive(current.status)) return newChat(conn, { ...hello, start: undefined }, context)
  await welcome(conn, current, extra, 0, hello.start ?? '')
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
