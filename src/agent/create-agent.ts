import { createNanoEvents } from 'nanoevents'
import { FINAL_CODES, RETRYABLE_CODES } from '../protocol/codes.js'
import { PROTOCOL_VERSION, parseServerToAgentFrame, type AgentFrame, type NoteItem, type ServerToAgentFrame } from '../protocol/index.js'
import { newClientId } from '../transport/client-id.js'
import { systemClock } from '../transport/clock.js'
import { startHeartbeat, DEFAULT_PONG_TIMEOUT_MS, type Heartbeat } from '../transport/heartbeat.js'
import { createTransport, type WebSocketClass } from '../transport/transport.js'
import { socketUrl } from '../transport/urls.js'
import { AgentError } from './errors.js'
import { AgentOutbox, type AgentRequest } from './outbox.js'
import { PendingRequests } from './pending.js'
import { applyFrame, emptyState, unshown, unshownNotes, type Change } from './state.js'
import { applyCustomer } from './customer-context.js'
import type { CannedResponse } from '../protocol/index.js'
import type { Agent, AgentConnectionState, AgentConversation, AgentEvents, AgentOptions } from './types.js'

/** Refusals naming a conversation that also refuse the messages sent to it. */
const MESSAGE_REFUSALS = new Set<string>(['forbidden', 'not-found'])

/** Refusals no reconnection can cure: the console stops and says so. */
const TERMINAL_CODES = new Set<string>([...FINAL_CODES, 'socket-refused'])

/** Refusals of a request that a later attempt may get past: sent again, still in order. */
const RETRYABLE = new Set<string>(RETRYABLE_CODES)

/** How long a request refused for now waits before it is sent again. */
const RETRY_MS = 1_000

/** The status that answers an end or a close. */
const REACHES = { end: 'wrap-up', close: 'closed' } as const

/** The frame that carries a request. */
function frameOf(request: AgentRequest): AgentFrame {
  if (request.kind === 'message' || request.kind === 'note') return { type: request.kind, conversationId: request.conversationId, clientId: request.clientId, text: request.text }
  if (request.kind === 'transfer') {
    const frame: AgentFrame = { type: 'transfer', conversationId: request.conversationId }
    if (request.to !== undefined) frame.to = request.to
    if (request.note !== undefined) frame.note = request.note
    return frame
  }
  return { type: request.kind, conversationId: request.conversationId }
}

/** What a request's caller waits on: a message or note by its client id, a transfer apart from accept/end/close. */
function waitKey(request: AgentRequest): string {
  if (request.kind === 'message' || request.kind === 'note') return request.clientId
  return request.kind === 'transfer' ? `transfer:${request.conversationId}` : request.conversationId
}

const TYPING_THROTTLE_MS = 1_000

/**
 * Connect an agent. Runs in browsers and in Node (pass `WebSocket` from `ws`). Reconnects by itself;
 * after a reconnect the server's `ready` replaces the local state. Messages, ends and closes wait in
 * an outbox until the server answers: each conversation's go out one at a time, in the order they
 * were made, and only once the server's `ready` has come (the server drops a message it already
 * recorded, by client id). Every message the console holds gets one `message` event, whether it came
 * live, in an offer or in the snapshot after a reconnect.
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
  const outbox = new AgentOutbox()
  const lastTyping = new Map<string, number>()
  let agentId: string | undefined
  let connection: AgentConnectionState = 'closed'
  let heartbeat: Heartbeat | undefined
  let stopped = false
  /** The server's `ready` came on the current socket: only then does anything but `auth` go out. */
  let session = false
  let cancelRetry: (() => void) | undefined
  /** The server's canned responses, from its latest `ready`. */
  let canned: readonly CannedResponse[] = []

  /** Sends each conversation's next request, if the session is up. */
  const flush = (): void => {
    if (!session) return
    for (const request of outbox.due()) transport.send(frameOf(request))
  }

  /** A refusal asked for a retry: the requests go again a little later, in the same order. */
  const retryLater = (conversationId: string): void => {
    outbox.again(conversationId)
    cancelRetry?.()
    cancelRetry = clock.setTimeout(() => {
      cancelRetry = undefined
      flush()
    }, RETRY_MS)
  }

  /** Answered or refused for good: out of the outbox, and the conversation's next request may go. */
  const finish = (request: AgentRequest): void => {
    outbox.done(request)
    flush()
  }

  const setConnection = (next: AgentConnectionState): void => {
    if (next === connection) return
    connection = next
    events.emit('connection', { state: next })
  }

  const transport = createTransport<AgentFrame>({
    url: socketUrl(options.url, 'agent'),
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
      session = false
      outbox.lost()
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
      const request = outbox.message(frame.clientId)
      pending.settle(frame.clientId, { seq: frame.seq, messageId: frame.messageId })
      if (request) finish(request)
      return
    }
    if (frame.type === 'note' && frame.note.clientId !== undefined) {
      // A note is answered by itself: the one with this console's client id (recorded once).
      const request = outbox.message(frame.note.clientId)
      if (request?.kind === 'note') {
        pending.settle(frame.note.clientId, frame.note)
        finish(request)
      }
    }
    if (frame.type === 'error') return onError(frame.code, frame.message, frame.ref, frame.fatal === true)
    if (frame.type === 'typing' && frame.conversationId) {
      events.emit('typing', { conversationId: frame.conversationId })
      return
    }
    // Customer context and canned responses.
    if (frame.type === 'customer') {
      if (applyCustomer(state, frame)) events.emit('customer', { conversationId: frame.conversationId, customer: frame.customer })
      return
    }
    if (frame.type === 'ready') canned = Object.freeze([...(frame.canned ?? [])])
    for (const change of applyFrame(state, frame, agentId)) emitChange(change, frame)
    if (frame.type === 'ready') {
      session = true
      pending.settle('ready', { agent: frame.agent })
      // An accept or end whose answer was lost with the old socket: the snapshot may already say it.
      for (const c of state.conversations.values()) answered(c)
      // An accept still unanswered is asked again while the chat is offered, and refused if it is not.
      for (const id of state.accepting) {
        if (state.offers.has(id)) transport.send({ type: 'accept', conversationId: id })
        else if (!state.conversations.has(id)) pending.fail(id, new AgentError('conflict', 'the conversation was taken', id))
      }
      flush()
    }
  }

  /** The conversation now shows what a waiting accept, end or close asked for: they are answered. */
  function answered(conversation: AgentConversation): void {
    pending.settle(conversation.id, conversation)
    const first = outbox.first(conversation.id)
    if ((first?.kind === 'end' || first?.kind === 'close') && conversation.status === REACHES[first.kind]) finish(first)
  }

  function emitChange(change: Change, frame: ServerToAgentFrame): void {
    switch (change.type) {
      case 'ready':
        if (frame.type === 'ready') events.emit('ready', { agent: frame.agent, role: state.role })
        if (frame.type === 'ready' && frame.agents) events.emit('agents', [...state.agents.values()])
        for (const c of state.conversations.values()) events.emit('conversation', c)
        for (const c of state.offers.values()) events.emit('offer', c)
        // What arrived while the console was away is in the snapshots only.
        for (const c of [...state.conversations.values(), ...state.offers.values()]) emitMessages(c)
        return
      case 'offer':
        events.emit('offer', change.conversation)
        return emitMessages(change.conversation)
      case 'note':
        return emitNotes(change.conversation)
      case 'agents':
        return void events.emit('agents', [...state.agents.values()])
      case 'conversation': {
        const { conversation } = change
        if (!state.offers.has(conversation.id)) events.emit('conversation', conversation)
        emitMessages(conversation)
        // The answer to this console's transfer (the chat as the transfer left it).
        const first = outbox.sent(conversation.id)
        if (first?.kind === 'transfer') {
          pending.settle(waitKey(first), conversation)
          finish(first)
        }
        return
      }
      case 'offer-withdrawn':
        return void events.emit('offer-withdrawn', { conversationId: change.conversationId })
      case 'presence':
        if (frame.type === 'presence') events.emit('customer-presence', frame.presence)
        return
      case 'capacity':
        return void events.emit('capacity', { ...state.capacity })
      case 'item': {
        const { conversation, item } = change
        if (item.kind === 'message') emitMessages(conversation)
        else if (change.assigned) events.emit('conversation', conversation)
        answered(conversation)
      }
    }
  }

  function emitMessages(conversation: AgentConversation): void {
    for (const message of unshown(state, conversation)) events.emit('message', { conversationId: conversation.id, message })
    emitNotes(conversation)
  }

  function emitNotes(conversation: AgentConversation): void {
    for (const note of unshownNotes(state, conversation)) events.emit('note', { conversationId: conversation.id, note })
  }

  function onError(code: AgentError['code'], message: string, ref: string | undefined, fatal: boolean): void {
    const error = new AgentError(code, message, ref)
    const claimed = (ref !== undefined && refused(ref, error)) || (fatal && pending.fail('ready', error))
    // `fatal` closes this socket only; a restarting server (server-closing) is reconnected to.
    if (fatal && TERMINAL_CODES.has(code)) stop()
    // A server fault is the app's to know even when a promise also says it: nothing will retry it.
    if (!claimed || code === 'internal-error') events.emit('error', error)
  }

  /** A refusal naming a message (its client id) or a conversation; true when a caller was told. */
  function refused(ref: string, error: AgentError): boolean {
    const sent = outbox.sent(ref)
    const request = outbox.message(ref) ?? (sent?.kind === 'message' || sent?.kind === 'note' ? undefined : sent)
    if (request && RETRYABLE.has(error.code)) {
      retryLater(request.conversationId)
      return true
    }
    if (MESSAGE_REFUSALS.has(error.code) && request?.kind !== 'message' && request?.kind !== 'note') {
      // The conversation is not ours (or is gone): neither is anything asked of it. A conflict over
      // an accept, an end or a close says nothing about the messages.
      let claimed = false
      for (const r of outbox.drop(ref)) if (r.kind !== 'end' && r.kind !== 'close') claimed = pending.fail(waitKey(r), error) || claimed
      flush()
      return pending.fail(ref, error) || claimed
    }
    if (request) finish(request)
    return pending.fail(request ? waitKey(request) : ref, error)
  }

  function stop(): void {
    stopped = true
    session = false
    outbox.lost()
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
      // Not before `ready`: the ready that comes asks again for every accept still unanswered.
      if (session) transport.send({ type: 'accept', conversationId })
      return done
    },
    send(conversationId, text) {
      const clientId = newClientId()
      const done = pending.wait(clientId, (v): v is { seq: number; messageId: string } => typeof v === 'object' && v !== null && 'seq' in v)
      outbox.add({ kind: 'message', conversationId, clientId, text })
      flush()
      return done
    },
    end(conversationId) {
      const done = pending.wait(conversationId, isConversationWhere((c) => c.status === REACHES.end))
      outbox.add({ kind: 'end', conversationId })
      flush()
      return done
    },
    close(conversationId) {
      const done = pending.wait(conversationId, isConversationWhere((c) => c.status === REACHES.close))
      outbox.add({ kind: 'close', conversationId })
      flush()
      return done
    },
    transfer(conversationId, options = {}) {
      const request: AgentRequest = { kind: 'transfer', conversationId }
      if (options.to !== undefined) request.to = options.to
      if (options.note !== undefined) request.note = options.note
      const done = pending.wait(waitKey(request), isConversationWhere(() => true))
      outbox.add(request)
      flush()
      return done
    },
    note(conversationId, text) {
      const clientId = newClientId()
      const done = pending.wait(clientId, (v): v is NoteItem => typeof v === 'object' && v !== null && 'afterSeq' in v)
      outbox.add({ kind: 'note', conversationId, clientId, text })
      flush()
      return done
    },
    get role() {
      return state.role
    },
    get agents() {
      return state.agents
    },
    typing(conversationId) {
      const now = clock.now()
      if (!session || now - (lastTyping.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return
      lastTyping.set(conversationId, now)
      transport.send({ type: 'typing', conversationId })
    },
    disconnect() {
      stop()
      cancelRetry?.()
      outbox.clear()
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
    get canned() {
      return canned
    },
  }
}
