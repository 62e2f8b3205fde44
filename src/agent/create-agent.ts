import { createNanoEvents } from 'nanoevents'
import { PROTOCOL_VERSION, parseServerToAgentFrame, type AgentFrame, type ServerToAgentFrame } from '../protocol/index.js'
import { systemClock } from '../client/clock.js'
import { startHeartbeat, DEFAULT_PONG_TIMEOUT_MS, type Heartbeat } from '../client/heartbeat.js'
import { customerSocketUrl } from '../client/options.js'
import { createTransport, type WebSocketClass } from '../client/transport.js'
import { AgentError } from './errors.js'
import { PendingRequests } from './pending.js'
import { applyFrame, emptyState, type Change } from './state.js'
import type { Agent, AgentConnectionState, AgentConversation, AgentEvents, AgentOptions } from './types.js'

/** Refusals naming a conversation that also refuse the messages sent to it. */
const MESSAGE_REFUSALS = new Set<string>(['forbidden', 'not-found'])

/** Refusals no reconnection can cure: the console stops and says so. */
const TERMINAL_CODES = new Set<string>(['unauthorized', 'unsupported-version', 'origin-forbidden', 'socket-refused'])

const TYPING_THROTTLE_MS = 1_000

let counter = 0
const newClientId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `a${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2)}`

/**
 * Connect an agent. Runs in browsers and in Node (pass `WebSocket` from `ws`). Reconnects by itself;
 * after a reconnect the server's `ready` replaces the local state, and messages not yet acknowledged
 * are sent again (the server drops duplicates by client id).
 *
 * @example
 * ```ts
 * import { createAgent } from 'holdline/agent'
 * const agent = createAgent({ url: 'https://chat.example.com', token: process.env.AGENT_TOKEN })
 * agent.on('offer', (c) => agent.accept(c.id))
 * agent.on('message', ({ conversationId, message }) => {
 *   if (message.from === 'customer') agent.send(conversationId, 'Thanks, looking into it.')
 * })
 * await agent.connect()
 * ```
 */
export function createAgent(options: AgentOptions): Agent {
  if (!options || typeof options.url !== 'string' || typeof options.token !== 'string') {
    throw new TypeError('createAgent needs { url: string, token: string }')
  }
  const WebSocketImpl = (options.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as WebSocketClass | undefined
  if (!WebSocketImpl) throw new TypeError('no WebSocket here: pass the `WebSocket` option (from the `ws` package in Node)')

  const clock = systemClock()
  const events = createNanoEvents<AgentEvents>()
  const pending = new PendingRequests()
  const state = emptyState()
  /** Messages not yet acknowledged, in order, re-sent after each `ready`. */
  const unacked = new Map<string, { conversationId: string; text: string }>()
  const lastTyping = new Map<string, number>()
  let agentId: string | undefined
  let connection: AgentConnectionState = 'closed'
  let heartbeat: Heartbeat | undefined
  let stopped = false

  const setConnection = (next: AgentConnectionState): void => {
    if (next === connection) return
    connection = next
    events.emit('connection', { state: next })
  }

  const transport = createTransport<AgentFrame>({
    url: customerSocketUrl(options.url).replace(/\/v1\/customer$/, '/v1/agent'),
    WebSocket: WebSocketImpl,
    minDelayMs: 500,
    maxDelayMs: 10_000,
    factor: 1.5,
    connectionTimeoutMs: 10_000,
    onOpen() {
      const auth: AgentFrame = { type: 'auth', v: PROTOCOL_VERSION, token: options.token }
      if (options.capacity !== undefined) auth.capacity = options.capacity
      transport.send(auth)
    },
    onFrame(raw) {
      heartbeat?.heard()
      const parsed = parseServerToAgentFrame(raw)
      if (parsed.ok) handle(parsed.frame)
    },
    onRefused(error) {
      onError('socket-refused', String(error), undefined, true)
    },
    onClose() {
      heartbeat?.stop()
      heartbeat = undefined
      if (!stopped) setConnection('reconnecting')
    },
  })

  function handle(frame: ServerToAgentFrame): void {
    if (frame.type === 'ready') {
      agentId = frame.agent.id
      heartbeat?.stop()
      heartbeat = startHeartbeat({
        clock,
        intervalMs: frame.heartbeatMs,
        timeoutMs: DEFAULT_PONG_TIMEOUT_MS,
        ping: (t) => transport.send({ type: 'ping', t }),
        dead: () => transport.replace(),
      })
      setConnection('connected')
    }
    if (frame.type === 'ack') {
      unacked.delete(frame.clientId)
      pending.settle(frame.clientId, { seq: frame.seq, messageId: frame.messageId })
      return
    }
    if (frame.type === 'error') return onError(frame.code, frame.message, frame.ref, frame.fatal === true)
    if (frame.type === 'typing' && frame.conversationId) {
      events.emit('typing', { conversationId: frame.conversationId })
      return
    }
    for (const change of applyFrame(state, frame, agentId)) emitChange(change, frame)
    if (frame.type === 'ready') {
      pending.settle('ready', { agent: frame.agent })
      // An accept or end whose answer was lost with the old socket: the snapshot may already say it.
      for (const c of state.conversations.values()) pending.settle(c.id, c)
      // An accept still unanswered is asked again while the chat is offered, and refused if it is not.
      for (const id of state.accepting) {
        if (state.offers.has(id)) transport.send({ type: 'accept', conversationId: id })
        else if (!state.conversations.has(id)) pending.fail(id, new AgentError('conflict', 'the conversation was taken', id))
      }
      for (const [clientId, m] of unacked) transport.send({ type: 'message', conversationId: m.conversationId, clientId, text: m.text })
    }
  }

  function emitChange(change: Change, frame: ServerToAgentFrame): void {
    switch (change.type) {
      case 'ready':
        if (frame.type === 'ready') events.emit('ready', { agent: frame.agent })
        for (const c of state.conversations.values()) events.emit('conversation', c)
        for (const c of state.offers.values()) events.emit('offer', c)
        return
      case 'offer':
        return void events.emit('offer', change.conversation)
      case 'offer-withdrawn':
        return void events.emit('offer-withdrawn', { conversationId: change.conversationId })
      case 'presence':
        if (frame.type === 'presence') events.emit('customer-presence', frame.presence)
        return
      case 'capacity':
        return void events.emit('capacity', { ...state.capacity })
      case 'item': {
        const { conversation, item } = change
        if (item.kind === 'message') events.emit('message', { conversationId: conversation.id, message: item })
        else if (change.assigned) events.emit('conversation', conversation)
        pending.settle(conversation.id, conversation)
      }
    }
  }

  function onError(code: AgentError['code'], message: string, ref: string | undefined, fatal: boolean): void {
    const error = new AgentError(code as AgentError['code'], message, ref)
    let claimed = (ref !== undefined && pending.fail(ref, error)) || (fatal && pending.fail('ready', error))
    if (ref !== undefined) {
      unacked.delete(ref)
      // A refusal saying a conversation is not ours (or gone) also refuses its messages; a conflict
      // over an accept, an end or a close says nothing about them.
      if (MESSAGE_REFUSALS.has(code)) for (const [clientId, m] of unacked) {
        if (m.conversationId !== ref) continue
        unacked.delete(clientId)
        claimed = pending.fail(clientId, error) || claimed
      }
    }
    // `fatal` closes this socket only; a restarting server (server-closing) is reconnected to.
    if (fatal && TERMINAL_CODES.has(code)) stop()
    if (!claimed) events.emit('error', error)
  }

  function stop(): void {
    stopped = true
    heartbeat?.stop()
    heartbeat = undefined
    transport.stop(1000, 'agent disconnected')
    setConnection('closed')
  }

  const isConversationWhere = (test: (c: AgentConversation) => boolean) =>
    (value: unknown): value is AgentConversation => typeof value === 'object' && value !== null && 'transcript' in value && test(value as AgentConversation)

  return {
    on: (event, callback) => events.on(event, callback),
    connect() {
      stopped = false
      const ready = pending.wait('ready', (v): v is { agent: AgentConversation['agent'] & { capacity: number } } => typeof v === 'object' && v !== null)
      setConnection('connecting')
      transport.connect()
      return ready as ReturnType<Agent['connect']>
    },
    accept(conversationId) {
      const held = state.conversations.get(conversationId)
      if (held?.status === 'active' && held.agent?.id === agentId) return Promise.resolve(held)
      const done = pending.wait(conversationId, isConversationWhere((c) => c.status === 'active' && c.agent?.id === agentId))
      // One accept on the wire per conversation: the first one's answer settles every caller.
      if (state.accepting.has(conversationId)) return done
      state.accepting.add(conversationId)
      const answered = (): void => {
        state.accepting.delete(conversationId)
        state.withdrawn.delete(conversationId)
      }
      done.then(answered, answered)
      transport.send({ type: 'accept', conversationId })
      return done
    },
    send(conversationId, text) {
      const clientId = newClientId()
      unacked.set(clientId, { conversationId, text })
      const done = pending.wait(clientId, (v): v is { seq: number; messageId: string } => typeof v === 'object' && v !== null && 'seq' in v)
      transport.send({ type: 'message', conversationId, clientId, text })
      return done
    },
    end(conversationId) {
      const done = pending.wait(conversationId, isConversationWhere((c) => c.status === 'wrap-up'))
      transport.send({ type: 'end', conversationId })
      return done
    },
    close(conversationId) {
      const done = pending.wait(conversationId, isConversationWhere((c) => c.status === 'closed'))
      transport.send({ type: 'close', conversationId })
      return done
    },
    typing(conversationId) {
      const now = clock.now()
      if (now - (lastTyping.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return
      lastTyping.set(conversationId, now)
      transport.send({ type: 'typing', conversationId })
    },
    disconnect() {
      stop()
      pending.failAll(new AgentError('closed', 'the agent disconnected'))
    },
    get connection() {
      return connection
    },
    get conversations() {
      return state.conversations
    },
    get offers() {
      return state.offers
    },
    get capacity() {
      return { ...state.capacity }
    },
  }
}
