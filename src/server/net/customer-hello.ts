/**
 * `hello`: resume, reconnect (R10) or start a new chat. The server's answer is final, and it is
 * always a session: what cannot be resumed or reopened becomes a new chat whose `welcome` says why
 * (`newChatReason`: `resume-unknown`, `resume-expired`, `token-invalid`, `reconnect-unavailable`).
 * A resume is never refused with an error frame, so no client can loop on one; error frames refuse
 * only a hello that no session can answer (version, origin, rate, connections, shutdown).
 */
import { PROTOCOL_VERSION, type HelloFrame, type WelcomeFrame } from '../../protocol/frames.js'
import { decideEnded, decideHello, type HelloDecision, type HelloFacts } from '../engine/hello.js'
import { openConnectionCount } from '../engine/presence.js'
import { canReconnect, createConversation, isLive, reopen } from '../engine/transitions.js'
import type { Conversation, Step } from '../engine/types.js'
import type { TransactResult } from '../store/types.js'
import { stepOf } from '../runner/service.js'
import type { ErrorCode } from '../../protocol/codes.js'
import type { ServerToCustomerFrame } from '../../protocol/frames.js'
import type { ServerContext } from './context.js'
import { hashToken, newConversationId, newToken, tokenMatches } from './tokens.js'
import { recordContext } from '../engine/customer-context.js'

/** What a `hello` needs of the customer socket it came on. */
export interface HelloSocket {
  readonly id: string
  readonly ctx: ServerContext
  tabId: string | undefined
  readonly conversationId: string | undefined
  /** The `User-Agent` of the request that opened the socket (kept until a conversation records it). */
  readonly userAgent: string | undefined
  send(frame: ServerToCustomerFrame): void
  refuse(code: ErrorCode, message: string, options?: { ref?: string; fatal?: boolean }): void
  /** Counts a new conversation against the socket's address; false (refused, and said so) past the limit. */
  mayStartChat(): boolean
  run(id: string, op: (conv: Conversation, now: number) => Step | null): Promise<TransactResult | undefined>
  /** The record with this socket heard at `now`. */
  heardIn(conv: Conversation, now: number): Conversation
  /** Binds the socket to `conv` and replays the items after `afterSeq`. */
  attach(conv: Conversation, afterSeq: number): Promise<void>
}

/** Customers who give no details share this one record rather than holding an empty one each. */
const NO_DETAILS: Conversation['customer'] = Object.freeze({})

/** A new chat's customer: the name given, the browser, the page the hello came from. */
function customerOf(conn: HelloSocket, hello: HelloFrame): Conversation['customer'] {
  const report = { userAgent: conn.userAgent, name: hello.customer?.name, page: hello.page }
  return recordContext(NO_DETAILS, report, conn.ctx.now())
}

/** How a new chat relates to the one the client named. */
type NewChatContext = Omit<Extract<HelloDecision, { kind: 'new-chat' }>, 'kind'>

/** Handles a `hello` frame on `conn`: reads what it names, lets the engine decide, carries it out. */
export async function handleHello(conn: HelloSocket, hello: HelloFrame): Promise<void> {
  if (conn.conversationId !== undefined) return conn.refuse('already-started', 'this connection already has a conversation', { ref: 'hello' })
  if (hello.v !== PROTOCOL_VERSION) {
    return conn.refuse('unsupported-version', `protocol version ${hello.v} is not supported`, { fatal: true })
  }
  conn.tabId = hello.tabId
  const credentials = hello.resume ?? hello.previous
  const found = credentials ? await conn.ctx.store.get(credentials.conversationId) : undefined
  const facts: HelloFacts = { tokenMatches: found !== undefined && tokenMatches(credentials?.token ?? '', found.tokenHash) }
  if (credentials) facts.named = { as: hello.resume ? 'resume' : 'previous', conversationId: credentials.conversationId }
  if (hello.reconnect !== undefined) facts.reconnect = hello.reconnect
  // Named as previous (the client's window passed): the time rules first, so a chat past its window
  // ends (customer-disconnected) before anything is decided.
  if (found) facts.conversation = facts.tokenMatches && !hello.resume ? await bringUpToDate(conn, found) : found
  return carryOut(conn, hello, facts, decideHello(facts, conn.ctx.now(), conn.ctx.config))
}

async function carryOut(conn: HelloSocket, hello: HelloFrame, facts: HelloFacts, decision: HelloDecision): Promise<void> {
  const conv = facts.conversation
  switch (decision.kind) {
    case 'new-chat':
      return newChat(conn, hello, decision)
    case 'resume':
      return resume(conn, conv as Conversation, hello, facts)
    case 'reconnect':
      return reconnect(conn, conv as Conversation, hello)
    case 'offer-reconnect': {
      const offered = conv as Conversation
      const { endedAt, expiresInMs } = decision
      const agent = offered.agent ? { agent: offered.agent } : {}
      return conn.send({ type: 'reconnect-available', conversationId: offered.id, status: offered.status, ...agent, endedAt, expiresInMs })
    }
  }
}

/** The time rules applied now rather than when the deadline fires. */
async function bringUpToDate(conn: HelloSocket, conv: Conversation): Promise<Conversation> {
  // The runner applies the time rules after every operation, even one that changes nothing.
  const result = await conn.run(conv.id, () => null)
  return result?.conversation ?? conv
}

/** The token the client named (already checked against the conversation). */
function named(hello: HelloFrame): string {
  return (hello.resume ?? hello.previous)?.token ?? ''
}

async function resume(conn: HelloSocket, conv: Conversation, hello: HelloFrame, facts: HelloFacts): Promise<void> {
  if (tooManyConnections(conn, conv)) return
  const result = await conn.run(conv.id, (c, now) => (isLive(c.status) ? stepOf(conn.heardIn(c, now)) : null))
  const current = result?.conversation ?? conv
  // It may have ended between the read and the update: then it is an ended chat like any other.
  if (!isLive(current.status)) {
    const ended = { ...facts, conversation: current }
    return carryOut(conn, hello, ended, decideEnded(current, ended, conn.ctx.now(), conn.ctx.config))
  }
  const lastSeq = hello.resume?.lastSeq ?? 0
  await welcome(conn, current, { resumed: true }, Math.min(lastSeq, current.lastSeq), named(hello))
}

async function reconnect(conn: HelloSocket, conv: Conversation, hello: HelloFrame): Promise<void> {
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

async function newChat(conn: HelloSocket, hello: HelloFrame, context: NewChatContext): Promise<void> {
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
  const customer = customerOf(conn, hello)
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
async function startAgain(conn: HelloSocket, hello: HelloFrame, context: NewChatContext, conv: Conversation, extra: Partial<WelcomeFrame>): Promise<void> {
  if (!tokenMatches(hello.start ?? '', conv.tokenHash)) return newChat(conn, { ...hello, start: undefined }, { reason: 'token-invalid' })
  const result = await conn.run(conv.id, (c, now) => (isLive(c.status) ? stepOf(conn.heardIn(c, now)) : null))
  const current = result?.conversation ?? conv
  if (!isLive(current.status)) return newChat(conn, { ...hello, start: undefined }, context)
  await welcome(conn, current, extra, 0, hello.start ?? '')
}

/** Sends `welcome` then the items after `afterSeq`. */
async function welcome(
  conn: HelloSocket,
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

function tooManyConnections(conn: HelloSocket, conv: Conversation): boolean {
  const max = conn.ctx.options.limits.maxConnectionsPerConversation
  if (openConnectionCount(conv) < max) return false
  conn.refuse('too-many-connections', `more than ${max} connections for one conversation`, { fatal: true })
  return true
}
