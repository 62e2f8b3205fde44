/** What the runner sends: hello, the outbox, acknowledgements, heartbeats. */
import { buildHello, decideStart, type StartDecision } from './machine.js'
import { nextToSend } from './outbox.js'
import { newClientId } from '../transport/client-id.js'
import { dropSession, readRecord, setConnection, setPhase, writeRecord, type Runtime } from './runtime.js'
import { startHeartbeat } from '../transport/heartbeat.js'
import type { LocalWindow } from './record.js'
import { compact } from './compact.js'

/** Acknowledgements are batched: a replay of hundreds of items must not trip the rate limit. */
const ACK_DELAY_MS = 100

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
  rt._transport?.send(buildHello(decision, { widgetId, tabId: rt._tabId, reconnect, customer, start }))
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
