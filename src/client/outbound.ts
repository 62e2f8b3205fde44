/** What the runner sends: hello, the outbox, acknowledgements, heartbeats. */
import { buildHello, decideStart, type StartDecision } from './machine.js'
import { nextToSend } from './outbox.js'
import { dropSession, readRecord, setConnection, type Runtime } from './runtime.js'
import { startHeartbeat } from './heartbeat.js'
import type { LocalWindow } from './record.js'
import { compact } from './compact.js'

/** Acknowledgements are batched: a replay of hundreds of items must not trip the rate limit. */
const ACK_DELAY_MS = 100

/** The decision for the next hello: the customer's pending choice, else the local window's rule. */
export function nextDecision(rt: Runtime, record: LocalWindow): StartDecision {
  const { conversationId, token } = record
  const stored = conversationId && token ? { conversationId, token } : undefined
  if (rt.choice?.kind === 'new') return compact({ kind: 'new', previous: stored, reason: rt.choice.reason })
  // The memory transcript only counts for the conversation it belongs to (another tab may have moved on).
  const memoryLastSeq = rt.conversation && rt.conversation.id === conversationId ? rt.seq.lastSeq : 0
  return decideStart(record, rt.clock.now(), { memoryLastSeq, reconnect: rt.options.reconnect })
}

/** How long to wait for the answer to `hello` before replacing the socket. */
export const HELLO_TIMEOUT_MS = 10_000

/** Every (re)connection starts with `hello`; nothing else is sent before `welcome`. */
export function sendHello(rt: Runtime): void {
  const decision = nextDecision(rt, readRecord(rt))
  rt.decision = decision
  rt.phase = 'hello-sent'
  const { widgetId, customer } = rt.options
  // A declined offer (or reconnection turned off) is said in the hello, so the server does not offer again.
  const declined = rt.choice?.kind === 'new' || rt.options.reconnect === 'off'
  const reconnect = rt.choice?.kind === 'reconnect' || (declined ? false : undefined)
  rt.transport?.send(buildHello(decision, { widgetId, tabId: rt.tabId, reconnect, customer }))
  rt.cancelHello?.()
  rt.cancelHello = rt.clock.setTimeout(() => {
    rt.cancelHello = undefined
    if (rt.phase === 'hello-sent') reconnectNow(rt)
  }, HELLO_TIMEOUT_MS)
}

/** The server answered `hello` (welcome or reconnect offer). */
export function helloAnswered(rt: Runtime): void {
  rt.cancelHello?.()
  rt.cancelHello = undefined
}

/** Send the oldest unacknowledged message, if the session is up and nothing is in flight. */
export function flushOutbox(rt: Runtime): void {
  if (rt.phase !== 'ready' || rt.inflight || !rt.transport?.open) return
  const entry = nextToSend(readRecord(rt).outbox)
  if (!entry) return
  if (rt.transport.send({ type: 'message', clientId: entry.clientId, text: entry.text })) rt.inflight = entry.clientId
}

/** Tell the server, shortly, the highest seq held without gaps. */
export function scheduleAck(rt: Runtime): void {
  if (rt.cancelAck) return
  rt.cancelAck = rt.clock.setTimeout(() => {
    rt.cancelAck = undefined
    const seq = rt.seq.lastSeq
    if (rt.phase !== 'ready' || seq <= rt.lastAcked) return
    if (rt.transport?.send({ type: 'ack', seq })) rt.lastAcked = seq
  }, ACK_DELAY_MS)
}

/** Heartbeat of the session just welcomed; a silent socket is replaced, skipping backoff. */
export function startSessionHeartbeat(rt: Runtime): void {
  rt.heartbeat?.stop()
  rt.heartbeat = startHeartbeat({
    clock: rt.clock,
    intervalMs: rt.heartbeatMs,
    timeoutMs: rt.options.pongTimeoutMs,
    ping: (t) => rt.transport?.send({ type: 'ping', t }),
    dead: () => reconnectNow(rt),
  })
}

/** Replace the socket now (dead socket, page back, network back). */
export function reconnectNow(rt: Runtime): void {
  if (rt.phase === 'destroyed' || rt.phase === 'ended' || !rt.transport) return
  dropSession(rt)
  rt.phase = 'connecting'
  setConnection(rt, rt.everConnected ? 'reconnecting' : 'connecting')
  rt.transport.replace()
}
