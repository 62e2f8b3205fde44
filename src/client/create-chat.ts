import { DEFAULT_HEARTBEAT_MS, DEFAULT_LIMITS } from '../protocol/index.js'
import { sendAwayBeacon } from './beacon.js'
import { systemClock } from '../transport/clock.js'
import { ChatError } from './errors.js'
import { createChatEmitter } from './events.js'
import { stopForGood } from './ending.js'
import { handleFrame } from './handle-frame.js'
import { parseIncoming } from './incoming.js'
import { browserOnline, pageEnvironment, watchLifecycle } from './lifecycle.js'
import { reactToLifecycle, type LifecycleEffect, type LifecycleInput } from './machine.js'
import { resolveOptions } from './options.js'
import { awayBeaconUrl, socketUrl } from '../transport/urls.js'
import { newClientId } from '../transport/client-id.js'
import { enqueue } from './outbox.js'
import { flushOutbox } from './delivery.js'
import { reconnectNow, sendHello } from './session.js'
import { parseRecord, recordKey } from './record.js'
import { DORMANT, LIVE, dropSession, handled, readRecord, rejectStartsAndEnds, setConnection, setPhase, wait, writeRecord, type Runtime } from './runtime.js'
import { openStorage } from './storage.js'
import { watchPages } from './page-context.js'
import { tabIdFor } from './tab-id.js'
import { createSeqTracker, fromOutbox } from './transcript.js'
import { createTransport } from '../transport/transport.js'
import type { Chat, ChatMessage, ChatOptions, ConversationInfo } from './types.js'

/**
 * Create a customer chat. Nothing connects until `start()`. The chat resumes the stored
 * conversation when the customer is back inside the grace window (a reload, a reopened browser,
 * the network back, a phone unlocked), and otherwise starts a new one; the server's answer always
 * wins. Messages sent while disconnected wait in a persisted outbox and are delivered once, in order.
 *
 * @example
 * ```ts
 * import { createChat } from 'holdline'
 * const chat = createChat({ url: 'https://chat.example.com', widgetId: 'support' })
 * chat.on('message', (m) => render(m))
 * chat.on('connection', ({ state }) => showStatus(state))
 * await chat.start()
 * await chat.send('Hello!')
 * ```
 */
export function createChat(input: ChatOptions): Chat {
  const options = resolveOptions(input)
  const events = createChatEmitter()
  const storage = openStorage(options.storage, (error) => {
    // Reported after the current call returns, so listeners added right after createChat hear it.
    queueMicrotask(() => events.emit('error', new ChatError('storage-unavailable', `Storage failed, using ${storage.kind}: ${String(error)}`)))
  })
  const rt: Runtime = {
    _options: options,
    _clock: systemClock(options.now),
    _storage: storage,
    _key: recordKey(options.widgetId),
    _tabId: tabIdFor(options.widgetId),
    _events: events,
    _phase: 'idle',
    _connection: 'closed',
    _seq: createSeqTracker(),
    _messages: [],
    _heartbeatMs: DEFAULT_HEARTBEAT_MS,
    _presence: { away: false, online: browserOnline() },
    _lastAliveWrite: 0,
    _lastAcked: 0,
    _lastTypingAt: -Infinity,
    _welcomeWaiters: [],
    _sendWaiters: new Map(),
    _endWaiters: [],
  }
  rt._messages = readRecord(rt).outbox.map(fromOutbox)
  const stops: Array<() => void> = []
  let started: Promise<ConversationInfo> | undefined

  const start = (): Promise<ConversationInfo> => {
    if (rt._phase === 'destroyed') return rejected('destroyed')
    if (started) return started
    started = wait(rt._welcomeWaiters)
    stops.push(watchLifecycle((i) => applyLifecycle(rt, i)), watchOtherTabs(rt), watchPages(rt))
    rt._transport = createTransport({
      url: socketUrl(options.url, 'customer'),
      WebSocket: options.WebSocket,
      minDelayMs: options.minReconnectDelayMs,
      maxDelayMs: options.maxReconnectDelayMs,
      factor: 1.5,
      connectionTimeoutMs: 10_000,
      onOpen: () => onSocketOpen(rt),
      onFrame: (data) => {
        const frame = parseIncoming(data)
        if (frame) handleFrame(rt, frame)
      },
      onClose: () => onSocketClosed(rt),
      onRefused: (error) => {
        // The browser's own words name the cause (mixed content, a malformed URL).
        const refusal = new ChatError('socket-refused', String(error))
        rt._events.emit('error', refusal)
        stopForGood(rt, refusal)
      },
    })
    setPhase(rt, 'connecting')
    setConnection(rt, 'connecting')
    if (rt._presence.online) rt._transport.connect()
    else goOffline(rt)
    return started
  }

  return {
    on: (event, callback) => events.on(event, callback),
    start,
    send: (text) => send(rt, text),
    typing: () => typing(rt),
    end: () => end(rt),
    resumePrevious: () => resumePrevious(rt),
    startNew: () => (rt._phase === 'idle' ? ((rt._choice = { kind: 'new' }), start()) : startNew(rt)),
    notifyBackground: () => applyLifecycle(rt, 'background'),
    notifyForeground: () => applyLifecycle(rt, 'foreground'),
    destroy: () => destroy(rt, stops),
    get connection() {
      return rt._connection
    },
    get conversation() {
      return rt._conversation ? { ...rt._conversation } : undefined
    },
    get messages() {
      return rt._messages.slice()
    },
  }
}

/** Refusals carry only their code: the README's table of codes says what each means. */
function rejected<T>(code: 'destroyed' | 'not-started' | 'conversation-ended' | 'text-too-long' | 'reconnect-unavailable'): Promise<T> {
  return handled(Promise.reject(new ChatError(code)))
}

function onSocketOpen(rt: Runtime): void {
  if (rt._phase !== 'ready' && LIVE.includes(rt._phase)) sendHello(rt)
}

function onSocketClosed(rt: Runtime): void {
  rt._cancelHello?.()
  dropSession(rt)
  if (rt._phase === 'ended') return rt._transport?.stop()
  if (!LIVE.includes(rt._phase)) return
  setPhase(rt, 'connecting')
  setConnection(rt, rt._everConnected ? 'reconnecting' : 'connecting')
}

function send(rt: Runtime, text: string): Promise<ChatMessage> {
  const { _phase: phase } = rt
  if (phase === 'destroyed' || phase === 'idle' || phase === 'ended') return rejected(phase === 'idle' ? 'not-started' : phase === 'ended' ? 'conversation-ended' : phase)
  if (typeof text !== 'string' || !text.trim() || text.length > DEFAULT_LIMITS.maxTextLength) return rejected('text-too-long')
  const entry = { clientId: newClientId(), text, at: rt._clock.now() }
  writeRecord(rt, (r) => ({ ...r, outbox: enqueue(r.outbox, entry) }))
  const message = fromOutbox(entry)
  rt._messages = [...rt._messages, message]
  const promise = handled(new Promise<ChatMessage>((resolve, reject) => rt._sendWaiters.set(entry.clientId, { resolve, reject })))
  rt._events.emit('message', { ...message })
  flushOutbox(rt)
  return promise
}

function typing(rt: Runtime): void {
  const now = rt._clock.now()
  if (rt._phase !== 'ready' || now - rt._lastTypingAt < rt._options.typingThrottleMs) return
  if (rt._transport?.send({ type: 'typing' })) rt._lastTypingAt = now
}

function end(rt: Runtime): Promise<void> {
  if (rt._phase === 'destroyed') return rejected('destroyed')
  if (rt._phase === 'idle' || rt._phase === 'ended') return Promise.resolve()
  rt._endRequested = true
  const promise = wait(rt._endWaiters)
  if (rt._phase === 'ready') rt._transport?.send({ type: 'end' })
  return promise
}

function resumePrevious(rt: Runtime): Promise<ConversationInfo> {
  if (rt._phase === 'ready' && rt._conversation) return Promise.resolve({ ...rt._conversation })
  if (rt._phase !== 'prompt') return rejected('reconnect-unavailable')
  rt._choice = { kind: 'reconnect' }
  const promise = wait(rt._welcomeWaiters)
  if (rt._transport?.open) sendHello(rt)
  return promise
}

function startNew(rt: Runtime): Promise<ConversationInfo> {
  if (rt._phase === 'destroyed') return rejected('destroyed')
  const fromPrompt = rt._phase === 'prompt'
  rt._choice = fromPrompt ? { kind: 'new', reason: 'resume-expired' } : { kind: 'new' }
  const promise = wait(rt._welcomeWaiters)
  if (fromPrompt && rt._transport?.open) sendHello(rt)
  else {
    setPhase(rt, 'connecting')
    reconnectNow(rt)
  }
  return promise
}

function applyLifecycle(rt: Runtime, input: LifecycleInput): void {
  const { presence, effects } = reactToLifecycle(rt._presence, input)
  rt._presence = presence
  if (rt._phase === 'idle' || rt._phase === 'destroyed') return
  for (const effect of effects) runEffect(rt, effect)
}

function runEffect(rt: Runtime, effect: LifecycleEffect): void {
  switch (effect.type) {
    case 'check-liveness':
      return checkLiveness(rt)
    case 'go-offline':
      return goOffline(rt)
    case 'record-away': {
      const now = rt._clock.now()
      writeRecord(rt, (r) => (r.conversationId ? { ...r, awaySince: now } : r))
      return
    }
    case 'send-beacon': {
      const { conversationId, token } = readRecord(rt)
      if (conversationId && token) sendAwayBeacon(awayBeaconUrl(rt._options.url), { conversationId, token, tabId: rt._tabId })
      return
    }
    case 'send-away-frame':
      if (rt._phase === 'ready') rt._transport?.send({ type: 'away' })
      return
    case 'close-socket':
      // A page with an open socket is not put in the back/forward cache by some browsers, and
      // Chrome closes it anyway: close cleanly now and reopen on pageshow.
      dropSession(rt)
      if (rt._phase === 'ended') return
      setPhase(rt, 'paused')
      rt._transport?.stop(1000, 'page cached')
      return
  }
}

/** Ping now if a session is up; reconnect now, skipping backoff, if there is no open socket. */
function checkLiveness(rt: Runtime): void {
  const { _phase: phase, _heartbeat: heartbeat } = rt
  if (DORMANT.includes(phase)) return
  if (rt._transport?.open && (phase === 'hello-sent' || phase === 'prompt')) return
  if (rt._transport?.open && phase === 'ready' && heartbeat) return heartbeat.check()
  reconnectNow(rt)
}

function goOffline(rt: Runtime): void {
  if (DORMANT.includes(rt._phase)) return
  dropSession(rt)
  setPhase(rt, 'offline')
  rt._transport?.stop(1000, 'offline')
  setConnection(rt, 'offline')
}

/** Another tab of this widget moved to a new conversation: follow it, so every tab shows one chat. */
function watchOtherTabs(rt: Runtime): () => void {
  const page = pageEnvironment().window
  const listener = (event: StorageEvent): void => {
    if (event.key !== rt._key || rt._phase === 'destroyed' || rt._phase === 'idle') return
    const record = parseRecord(event.newValue)
    if (!record.conversationId || record.conversationId === rt._conversation?.id) return
    if (rt._phase === 'hello-sent' && rt._decision?.kind === 'resume' && rt._decision.resume.conversationId === record.conversationId) return
    rt._choice = undefined
    if (rt._phase === 'ended') setPhase(rt, 'connecting')
    if (rt._phase !== 'offline' && rt._phase !== 'paused') reconnectNow(rt)
  }
  page?.addEventListener('storage', listener)
  return () => page?.removeEventListener('storage', listener)
}

function destroy(rt: Runtime, stops: Array<() => void>): void {
  if (rt._phase === 'destroyed') return
  setPhase(rt, 'destroyed')
  dropSession(rt)
  for (const cancel of [rt._cancelAck, rt._cancelSync, rt._cancelRetry, rt._cancelHello]) cancel?.()
  rt._transport?.stop(1000, 'destroyed')
  stops.splice(0).forEach((stop) => stop())
  const error = new ChatError('destroyed')
  for (const waiter of rt._sendWaiters.values()) waiter.reject(error)
  rt._sendWaiters.clear()
  rejectStartsAndEnds(rt, error)
  setConnection(rt, 'closed', 'destroyed')
  rt._events.clear()
}
