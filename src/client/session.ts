/**
 * The session: the hello (resume or new, from the local window and the customer's choice), its
 * answers (welcome, the R10 offer), the heartbeat of a welcomed socket, and replacing a socket.
 */
import type { LocalWindow } from './record.js'
import type { ReconnectAvailableFrame, WelcomeFrame } from '../protocol/index.js'
import { type Runtime, dropSession, readRecord, resetTranscript, setConnection, setConversation, setPhase, writeRecord } from './runtime.js'
import { type StartDecision, afterWelcome, buildHello, decideStart, isEnded } from './machine.js'
import { beginSync } from './replay.js'
import { compact } from './compact.js'
import { flushOutbox } from './delivery.js'
import { newClientId } from '../transport/client-id.js'
import { onEnded } from './ending.js'
import { startHeartbeat } from '../transport/heartbeat.js'
import { currentPage } from './page-context.js'

/** The decision for the next hello: the customer's pending choice, else the local window's rule. */
export function nextDecision(rt: Runtime, record: LocalWindow): StartDecision {
  const { conversationId, token } = record
  const stored = conversationId && token ? { conversationId, token } : undefined
  if (rt._choice?.kind === 'new') return compact({ kind: 'new', previous: stored, reason: rt._choice.reason })
  // The memory transcript only counts for the conversation it belongs to (another tab may have moved on).
  const memoryLastSeq = rt._conversation && rt._conversation.id === conversationId ? rt._seq.lastSeq : 0
  return decideStart(record, rt._clock.now(), { memoryLastSeq, reconnect: rt._options.reconnect })
}

/** How long to wait for the answer to `hello` before replacing the socket. */
export const HELLO_TIMEOUT_MS = 10_000

/** Every (re)connection starts with `hello`; nothing else is sent before `welcome`. */
export function sendHello(rt: Runtime): void {
  const decision = nextDecision(rt, readRecord(rt))
  // A new chat's secret is kept until welcomed: a hello repeated after a lost welcome (or sent by
  // another tab meanwhile) finds the chat the first one started instead of starting a second.
  const start = decision.kind === 'new' ? writeRecord(rt, (r) => ({ ...r, start: r.start ?? newClientId() })).start : undefined
  rt._decision = decision
  setPhase(rt, 'hello-sent')
  const { widgetId, customer } = rt._options
  // A declined offer (or reconnection turned off) is said in the hello, so the server does not offer again.
  const declined = rt._choice?.kind === 'new' || rt._options.reconnect === 'off'
  const reconnect = rt._choice?.kind === 'reconnect' || (declined ? false : undefined)
  rt._transport?.send(buildHello(decision, { widgetId, tabId: rt._tabId, reconnect, customer, start, page: currentPage(rt) }))
  rt._cancelHello?.()
  rt._cancelHello = rt._clock.setTimeout(() => {
    rt._cancelHello = undefined
    if (rt._phase === 'hello-sent') reconnectNow(rt)
  }, HELLO_TIMEOUT_MS)
}

/** The server answered `hello` (welcome or reconnect offer). */
export function helloAnswered(rt: Runtime): void {
  rt._cancelHello?.()
  rt._cancelHello = undefined
}

export function onWelcome(rt: Runtime, welcome: WelcomeFrame): void {
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

/**
 * lastAliveAt about once per heartbeat (each pong refreshes it; half the interval absorbs timer
 * jitter): a page killed without any event still has a "last alive" at most one heartbeat old.
 */
export function refreshAlive(rt: Runtime): void {
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

export function onReconnectAvailable(rt: Runtime, frame: ReconnectAvailableFrame): void {
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

/** Heartbeat of the session just welcomed; a silent socket is replaced, skipping backoff. */
export function startSessionHeartbeat(rt: Runtime): void {
  rt._heartbeat?.stop()
  rt._heartbeat = startHeartbeat({
    clock: rt._clock,
    intervalMs: rt._heartbeatMs,
    timeoutMs: rt._options.pongTimeoutMs,
    ping: (t) => rt._transport?.send({ type: 'ping', t }),
    dead: () => reconnectNow(rt),
  })
}

/** Replace the socket now (dead socket, page back, network back). */
export function reconnectNow(rt: Runtime): void {
  if (rt._phase === 'destroyed' || rt._phase === 'ended' || !rt._transport) return
  dropSession(rt)
  setPhase(rt, 'connecting')
  setConnection(rt, rt._everConnected ? 'reconnecting' : 'connecting')
  rt._transport.replace()
}
