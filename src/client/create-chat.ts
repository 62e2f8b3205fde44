import { DEFAULT_HEARTBEAT_MS, DEFAULT_LIMITS } from '../protocol/index.js'
import { sendAwayBeacon } from './beacon.js'
import { systemClock } from './clock.js'
import { ChatError } from './errors.js'
import { createChatEmitter } from './events.js'
import { handleFrame } from './inbound.js'
import { parseIncoming } from './incoming.js'
import { browserOnline, pageEnvironment, watchLifecycle } from './lifecycle.js'
import { reactToLifecycle, type LifecycleEffect, type LifecycleInput } from './machine.js'
import { awayBeaconUrl, customerSocketUrl, resolveOptions } from './options.js'
import { enqueue, newClientId } from './outbox.js'
import { flushOutbox, reconnectNow, sendHello } from './outbound.js'
import { parseRecord, recordKey } from './record.js'
import { DORMANT, LIVE, dropSession, handled, readRecord, setConnection, settle, wait, writeRecord, type Runtime } from './runtime.js'
import { openStorage } from './storage.js'
import { tabIdFor } from './tab-id.js'
import { createSeqTracker, fromOutbox } from './transcript.js'
import { createTransport } from './transport.js'
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
    options,
    clock: systemClock(options.now),
    storage,
    key: recordKey(options.widgetId),
    tabId: tabIdFor(options.widgetId),
    events,
    phase: 'idle',
    connection: 'closed',
    seq: createSeqTracker(),
    messages: [],
    heartbeatMs: DEFAULT_HEARTBEAT_MS,
    presence: { away: false, online: browserOnline() },
    lastAliveWrite: 0,
    lastAcked: 0,
    lastTypingAt: -Infinity,
    welcomeWaiters: [],
    sendWaiters: new Map(),
    endWaiters: [],
  }
  rt.messages = readRecord(rt).outbox.map(fromOutbox)
  const stops: Array<() => void> = []
  let started: Promise<ConversationInfo> | undefined

  const start = (): Promise<ConversationInfo> => {
    if (rt.phase === 'destroyed') return rejected('destroyed')
    if (started) return started
    started = wait(rt.welcomeWaiters)
    stops.push(watchLifecycle((i) => applyLifecycle(rt, i)), watchOtherTabs(rt))
    rt.transport = createTransport({
      url: customerSocketUrl(options.url),
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
    })
    rt.phase = 'connecting'
    setConnection(rt, 'connecting')
    if (rt.presence.online) rt.transport.connect()
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
    startNew: () => (rt.phase === 'idle' ? ((rt.choice = { kind: 'new' }), start()) : startNew(rt)),
    notifyBackground: () => applyLifecycle(rt, 'background'),
    notifyForeground: () => applyLifecycle(rt, 'foreground'),
    destroy: () => destroy(rt, stops),
    get connection() {
      return rt.connection
    },
    get conversation() {
      return rt.conversation ? { ...rt.conversation } : undefined
    },
    get messages() {
      return rt.messages.slice()
    },
  }
}

/** Refusals carry only their code: the README's table of codes says what each means. */
function rejected<T>(code: 'destroyed' | 'not-started' | 'conversation-ended' | 'text-too-long' | 'reconnect-unavailable'): Promise<T> {
  return handled(Promise.reject(new ChatError(code)))
}

function onSocketOpen(rt: Runtime): void {
  if (rt.phase !== 'ready' && LIVE.includes(rt.phase)) sendHello(rt)
}

function onSocketClosed(rt: Runtime): void {
  rt.cancelHello?.()
  dropSession(rt)
  if (rt.phase === 'ended') return rt.transport?.stop()
  if (!LIVE.includes(rt.phase)) return
  rt.phase = 'connecting'
  setConnection(rt, rt.everConnected ? 'reconnecting' : 'connecting')
}

function send(rt: Runtime, text: string): Promise<ChatMessage> {
  const { phase } = rt
  if (phase === 'destroyed' || phase === 'idle' || phase === 'ended') return rejected(phase === 'idle' ? 'not-started' : phase === 'ended' ? 'conversation-ended' : phase)
  if (typeof text !== 'string' || !text.trim() || text.length > DEFAULT_LIMITS.maxTextLength) return rejected('text-too-long')
  const entry = { clientId: newClientId(), text, at: rt.clock.now() }
  writeRecord(rt, (r) => ({ ...r, outbox: enqueue(r.outbox, entry) }))
  const message = fromOutbox(entry)
  rt.messages = [...rt.messages, message]
  const promise = handled(new Promise<ChatMessage>((resolve, reject) => rt.sendWaiters.set(entry.clientId, { resolve, reject })))
  rt.events.emit('message', { ...message })
  flushOutbox(rt)
  return promise
}

function typing(rt: Runtime): void {
  const now = rt.clock.now()
  if (rt.phase !== 'ready' || now - rt.lastTypingAt < rt.options.typingThrottleMs) return
  if (rt.transport?.send({ type: 'typing' })) rt.lastTypingAt = now
}

function end(rt: Runtime): Promise<void> {
  if (rt.phase === 'destroyed') return rejected('destroyed')
  if (rt.phase === 'idle' || rt.phase === 'ended') return Promise.resolve()
  rt.endRequested = true
  const promise = wait(rt.endWaiters)
  if (rt.phase === 'ready') rt.transport?.send({ type: 'end' })
  return promise
}

function resumePrevious(rt: Runtime): Promise<ConversationInfo> {
  if (rt.phase === 'ready' && rt.conversation) return Promise.resolve({ ...rt.conversation })
  if (rt.phase !== 'prompt') return rejected('reconnect-unavailable')
  rt.choice = { kind: 'reconnect' }
  const promise = wait(rt.welcomeWaiters)
  if (rt.transport?.open) sendHello(rt)
  return promise
}

function startNew(rt: Runtime): Promise<ConversationInfo> {
  if (rt.phase === 'destroyed') return rejected('destroyed')
  const fromPrompt = rt.phase === 'prompt'
  rt.choice = fromPrompt ? { kind: 'new', reason: 'resume-expired' } : { kind: 'new' }
  const promise = wait(rt.welcomeWaiters)
  if (fromPrompt && rt.transport?.open) sendHello(rt)
  else {
    rt.phase = 'connecting'
    reconnectNow(rt)
  }
  return promise
}

function applyLifecycle(rt: Runtime, input: LifecycleInput): void {
  const { presence, effects } = reactToLifecycle(rt.presence, input)
  rt.presence = presence
  if (rt.phase === 'idle' || rt.phase === 'destroyed') return
  for (const effect of effects) runEffect(rt, effect)
}

function runEffect(rt: Runtime, effect: LifecycleEffect): void {
  switch (effect.type) {
    case 'check-liveness':
      return checkLiveness(rt)
    case 'go-offline':
      return goOffline(rt)
    case 'record-away': {
      const now = rt.clock.now()
      writeRecord(rt, (r) => (r.conversationId ? { ...r, awaySince: now } : r))
      return
    }
    case 'send-beacon': {
      const { conversationId, token } = readRecord(rt)
      if (conversationId && token) sendAwayBeacon(awayBeaconUrl(rt.options.url), { conversationId, token, tabId: rt.tabId })
      return
    }
    case 'send-away-frame':
      if (rt.phase === 'ready') rt.transport?.send({ type: 'away' })
      return
    case 'close-socket':
      // A page with an open socket is not put in the back/forward cache by some browsers, and
      // Chrome closes it anyway: close cleanly now and reopen on pageshow.
      dropSession(rt)
      if (rt.phase === 'ended') return
      rt.phase = 'paused'
      rt.transport?.stop(1000, 'page cached')
      return
  }
}

/** Ping now if a session is up; reconnect now, skipping backoff, if there is no open socket. */
function checkLiveness(rt: Runtime): void {
  const { phase, heartbeat } = rt
  if (DORMANT.includes(phase)) return
  if (rt.transport?.open && (phase === 'hello-sent' || phase === 'prompt')) return
  if (rt.transport?.open && phase === 'ready' && heartbeat) return heartbeat.check()
  reconnectNow(rt)
}

function goOffline(rt: Runtime): void {
  if (DORMANT.includes(rt.phase)) return
  dropSession(rt)
  rt.phase = 'offline'
  rt.transport?.stop(1000, 'offline')
  setConnection(rt, 'offline')
}

/** Another tab of this widget moved to a new conversation: follow it, so every tab shows one chat. */
function watchOtherTabs(rt: Runtime): () => void {
  const page = pageEnvironment().window
  const listener = (event: StorageEvent): void => {
    if (event.key !== rt.key || rt.phase === 'destroyed' || rt.phase === 'idle') return
    const record = parseRecord(event.newValue)
    if (!record.conversationId || record.conversationId === rt.conversation?.id) return
    if (rt.phase === 'hello-sent' && rt.decision?.kind === 'resume' && rt.decision.resume.conversationId === record.conversationId) return
    rt.choice = undefined
    if (rt.phase === 'ended') rt.phase = 'connecting'
    if (rt.phase !== 'offline' && rt.phase !== 'paused') reconnectNow(rt)
  }
  page?.addEventListener('storage', listener)
  return () => page?.removeEventListener('storage', listener)
}

function destroy(rt: Runtime, stops: Array<() => void>): void {
  if (rt.phase === 'destroyed') return
  rt.phase = 'destroyed'
  dropSession(rt)
  for (const cancel of [rt.cancelAck, rt.cancelSync, rt.cancelRetry, rt.cancelHello]) cancel?.()
  rt.transport?.stop(1000, 'destroyed')
  stops.splice(0).forEach((stop) => stop())
  const error = new ChatError('destroyed')
  for (const waiter of rt.sendWaiters.values()) waiter.reject(error)
  rt.sendWaiters.clear()
  settle(rt.welcomeWaiters, { error })
  settle(rt.endWaiters, { error })
  setConnection(rt, 'closed', 'destroyed')
  rt.events.clear()
}
