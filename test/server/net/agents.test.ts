import { afterEach, describe, expect, test } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { activeChat as activeChatOf, agent, customer, Raw, waitFor, type Frame } from '../../helpers/raw.js'

let s: StartedServer | undefined
const opened: Raw[] = []
const track = <T extends { raw: Raw }>(x: T): T => (opened.push(x.raw), x)
afterEach(async () => {
  for (const r of opened.splice(0)) r.drop()
  await s?.close()
})
const item = (f: Frame) => f.item as Frame

/** A customer with an active conversation assigned to a fresh agent, both closed after the test. */
async function activeChat(url: string) {
  const chat = await activeChatOf(url)
  track(chat.a)
  track(chat.c)
  return chat
}

describe('accepting', () => {
  /** Error frames after `from`, once a ping sent after everything else has its pong. */
  async function errorsAfter(raw: Raw, from: number): Promise<Frame[]> {
    raw.send({ type: 'ping', t: 1 })
    await raw.next((f) => f.type === 'pong', { from })
    return raw.frames.slice(from).filter((f) => f.type === 'error')
  }

  test("an accept of a chat already this agent's is granted again, not refused: sent twice at once, re-sent after a reconnect, or from its other console", async () => {
    s = await startServer({
      agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 1 }, 'other-token': { id: 'a2', name: 'Bo', capacity: 1 } },
    })
    const a = track(await agent(s.url))
    const c = track(await customer(s.url))
    const id = c.welcome.conversationId as string
    await a.raw.next((f) => f.type === 'offer')
    const mark = a.raw.frames.length
    // The second waits on the agent's lock for the first; capacity 1 is then this very chat.
    a.raw.send({ type: 'accept', conversationId: id })
    a.raw.send({ type: 'accept', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && item(f).status === 'active')
    expect(await errorsAfter(a.raw, mark)).toEqual([])

    const other = track(await agent(s.url))
    expect(other.ready.conversations).toMatchObject([{ id, status: 'active' }])
    const otherMark = other.raw.frames.length
    other.raw.send({ type: 'accept', conversationId: id })
    expect(await errorsAfter(other.raw, otherMark)).toEqual([])
    expect(c.raw.items().filter((i) => i.kind === 'status').map((i) => i.status)).toEqual(['open', 'active'])

    // Another agent's accept of it is still refused.
    const bo = track(await agent(s.url, 'other-token'))
    bo.raw.send({ type: 'accept', conversationId: id })
    expect(await bo.raw.error('conflict')).toMatchObject({ ref: id })
  })
})

describe('R10 reconnection to a previous chat', () => {
  test('inside the window: reconnect-available, then reopened with its transcript, offered to the previous agent', async () => {
    s = await startServer({ graceMs: 500, reconnectWindowMs: 10_000 })
    const { a, c, id } = await activeChat(s.url)
    c.raw.send({ type: 'message', clientId: 'm1', text: 'before' })
    await c.raw.next((f) => f.type === 'ack')
    c.raw.drop()
    await a.raw.next((f) => f.type === 'event' && item(f).status === 'wrap-up', { timeoutMs: 3_000 })

    const back = track({ raw: await Raw.open(s.url, '/v1/customer') })
    const resume = { conversationId: id, token: c.welcome.token, lastSeq: 0 }
    back.raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 'tab-1', resume })
    const offer = await back.raw.next((f) => f.type === 'reconnect-available')
    expect(offer).toMatchObject({ conversationId: id, status: 'wrap-up', agent: { id: 'a1' } })
    expect(offer.expiresInMs).toBeGreaterThan(8_000)
    back.raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 'tab-1', resume, reconnect: true })
    const welcome = await back.raw.next((f) => f.type === 'welcome')
    expect(welcome).toMatchObject({ conversationId: id, resumed: true, reconnected: true, status: 'open', reconnectWindowMs: 10_000 })
    await back.raw.next((f) => f.type === 'event' && item(f).automated === 'customer-reconnected')
    expect(back.raw.items().some((i) => i.text === 'before')).toBe(true)

    // Affinity: the previous agent is offered it (and alone).
    const reoffer = await a.raw.next((f) => f.type === 'offer' && (f.conversation as Frame).id === id)
    expect((reoffer.conversation as Frame).status).toBe('open')
  })

  test('never after customer-ended; a new chat instead', async () => {
    s = await startServer({ graceMs: 500, reconnectWindowMs: 10_000 })
    const c = track(await customer(s.url))
    c.raw.send({ type: 'end' })
    await c.raw.next((f) => f.type === 'event' && item(f).status === 'closed')
    const again = track(await customer(s.url, { resume: { conversationId: c.welcome.conversationId, token: c.welcome.token, lastSeq: 0 } }))
    expect(again.welcome).toMatchObject({ resumed: false, newChatReason: 'resume-expired' })
    const raw = track({ raw: await Raw.open(s.url, '/v1/customer') })
    raw.raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't', resume: { conversationId: c.welcome.conversationId, token: c.welcome.token, lastSeq: 0 }, reconnect: true })
    // Asked to reopen it: a new chat that says why, in one answer (no error to retry on).
    const w = await raw.raw.next((f) => f.type === 'welcome')
    expect(w).toMatchObject({ resumed: false, newChatReason: 'reconnect-unavailable', previousConversationId: c.welcome.conversationId })
    expect(raw.raw.frames.some((f) => f.type === 'error')).toBe(false)
  })
})

describe('R11 the agent disconnects', () => {
  test("a message recorded before the chat went back to the queue, re-sent by its agent, gets its ack; nobody else's does", async () => {
    s = await startServer({
      agentGraceMs: 200,
      agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'other-token': { id: 'a2', name: 'Bo', capacity: 2 } },
    })
    const { a, c, id } = await activeChat(s.url)
    a.raw.send({ type: 'message', conversationId: id, clientId: 'ana-1', text: 'one moment' })
    const original = await a.raw.next((f) => f.type === 'ack' && f.clientId === 'ana-1')
    // The console drops before it sees that ack (say); the chat goes back to the queue meanwhile.
    a.raw.drop()
    const ping = setInterval(() => c.raw.send({ type: 'ping', t: Date.now() }), 100)
    try {
      await c.raw.next((f) => f.type === 'event' && item(f).status === 'open' && item(f).reason === 'agent-disconnected', { timeoutMs: 3_000 })
      const again = track(await agent(s.url))
      again.raw.send({ type: 'message', conversationId: id, clientId: 'ana-1', text: 'one moment' })
      expect(await again.raw.next((f) => f.type === 'ack' && f.clientId === 'ana-1')).toEqual(original)
      again.raw.send({ type: 'message', conversationId: id, clientId: 'ana-2', text: 'new' })
      expect(await again.raw.error('forbidden')).toMatchObject({ ref: id })
      // Another agent naming that client id learns nothing.
      const other = track(await agent(s.url, 'other-token'))
      other.raw.send({ type: 'message', conversationId: id, clientId: 'ana-1', text: 'one moment' })
      expect(await other.raw.error('forbidden')).toMatchObject({ ref: id })
      const texts = (await s.server.store.transcript(id)).flatMap((i) => (i.kind === 'message' && i.from === 'agent' ? [i.text] : []))
      expect(texts).toEqual(['one moment'])
    } finally {
      clearInterval(ping)
    }
  })

  test('the customer is told at once; after agentGraceMs the chat goes back to the queue', async () => {
    s = await startServer({ agentGraceMs: 400 })
    const { a, c, id } = await activeChat(s.url)
    a.raw.drop()
    await c.raw.next((f) => f.type === 'event' && item(f).automated === 'agent-disconnected')
    // Keep the customer live meanwhile.
    const ping = setInterval(() => c.raw.send({ type: 'ping', t: Date.now() }), 100)
    try {
      await c.raw.next((f) => f.type === 'event' && item(f).status === 'open' && item(f).reason === 'agent-disconnected', { timeoutMs: 3_000 })
      expect(c.raw.items().filter((i) => i.kind === 'status').map((i) => i.status)).toEqual(['open', 'active', 'open'])
      const again = track(await agent(s.url))
      expect(again.ready.offers).toMatchObject([{ id }])
    } finally {
      clearInterval(ping)
    }
  })

  test('the previous agent has it alone for affinityMs; then every agent with room is offered it', async () => {
    s = await startServer({
      agentGraceMs: 200,
      affinityMs: 600,
      agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'other-token': { id: 'a2', name: 'Bo', capacity: 2 } },
    })
    const { a, c, id } = await activeChat(s.url)
    const other = track(await agent(s.url, 'other-token'))
    a.raw.drop()
    const ping = setInterval(() => c.raw.send({ type: 'ping', t: Date.now() }), 100)
    try {
      await c.raw.next((f) => f.type === 'event' && item(f).reason === 'agent-disconnected', { timeoutMs: 3_000 })
      // While Ana is away Bo is offered it; Ana back with room has it alone, then Bo again.
      await other.raw.next((f) => f.type === 'offer')
      const back = track(await agent(s.url))
      expect(back.ready.offers).toMatchObject([{ id }])
      await other.raw.next((f) => f.type === 'offer-withdrawn')
      const mark = other.raw.frames.length
      const offer = await other.raw.next((f) => f.type === 'offer', { from: mark, timeoutMs: 3_000 })
      expect(offer.conversation).toMatchObject({ id })
      other.raw.send({ type: 'accept', conversationId: id })
      await c.raw.next((f) => f.type === 'event' && item(f).status === 'active' && (item(f).agent as { id: string }).id === 'a2')
    } finally {
      clearInterval(ping)
    }
  })

  test('an agent back inside agentGraceMs keeps its conversations', async () => {
    s = await startServer({ agentGraceMs: 5_000 })
    const { a, c, id } = await activeChat(s.url)
    a.raw.drop()
    await c.raw.next((f) => f.type === 'event' && item(f).automated === 'agent-disconnected')
    const again = track(await agent(s.url))
    expect(again.ready.conversations).toMatchObject([{ id, status: 'active' }])
    await c.raw.next((f) => f.type === 'event' && item(f).automated === 'agent-reconnected')
    again.raw.send({ type: 'message', conversationId: id, clientId: 'x', text: 'still here' })
    await c.raw.next((f) => f.type === 'event' && item(f).text === 'still here')
  })

  test("a connection of this process left in the agent's record after its socket closed does not keep the agent present", async () => {
    s = await startServer({ agentGraceMs: 5_000, heartbeatMs: 200 })
    const { a, c } = await activeChat(s.url)
    const store = s.server.store
    const [live] = (await store.getAgent('a1'))?.connections ?? []
    // What a sweep racing the socket's close could leave: an id of this process no socket holds.
    const leftover = `${String(live).split('.')[0]}.closed-meanwhile`
    await store.updateAgent('a1', (prev) => ({ ...(prev as NonNullable<typeof prev>), connections: [...(prev?.connections ?? []), leftover] }))
    a.raw.drop()
    await c.raw.next((f) => f.type === 'event' && item(f).automated === 'agent-disconnected', { timeoutMs: 3_000 })
    expect((await store.getAgent('a1'))?.connections).toEqual([])
  })
})

describe('operator events and shutdown', () => {
  test('server.on("transition") reports every transition with its reason', async () => {
    s = await startServer()
    const seen: string[] = []
    s.server.on('transition', (e) => seen.push(`${e.from ?? '-'}>${e.to}:${e.reason}`))
    const { c } = await activeChat(s.url)
    c.raw.send({ type: 'end' })
    await c.raw.next((f) => f.type === 'event' && item(f).status === 'wrap-up')
    expect(seen).toEqual(['->open:customer-started', 'open>active:agent-accepted', 'active>wrap-up:customer-ended'])
  })

  test('close() sends server-closing to every socket first', async () => {
    s = await startServer()
    const c = track(await customer(s.url))
    const a = track(await agent(s.url))
    await s.close()
    expect(await c.raw.error('server-closing')).toBeTruthy()
    expect(await a.raw.error('server-closing')).toBeTruthy()
    s = undefined
  })
})

/** Until the server has seen every connection of the conversation go. */
async function waitForGone(id: string): Promise<void> {
  await waitFor(async () => {
    const view = await (await fetch(`${s?.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    return view.presence.state === 'disconnected'
  })
}

describe('hello.previous: the client says its local window passed', () => {
  /** Until the server has ended conversation `id` (its own deadline fired). */
  const ended = (id: string) =>
    new Promise<void>((resolve) => s!.server.on('transition', (e) => e.conversationId === id && (e.to === 'closed' || e.to === 'wrap-up') && resolve()))

  test("past the server's window too: the previous chat is ended and a new one starts", async () => {
    s = await startServer({ graceMs: 300 })
    const first = track(await customer(s.url))
    const id = first.welcome.conversationId as string
    const transitions: string[] = []
    s.server.on('transition', (e) => transitions.push(`${e.conversationId === id ? 'old' : 'new'}:${e.to}:${e.reason}`))
    const gone = ended(id)
    first.raw.drop()
    await gone
    const next = track(await customer(s.url, { previous: { conversationId: id, token: first.welcome.token } }))
    expect(next.welcome).toMatchObject({ resumed: false, previousConversationId: id })
    expect(next.welcome.conversationId).not.toBe(id)
    expect(transitions).toEqual(['old:closed:customer-disconnected', 'new:open:customer-started'])
  })

  test("still inside the server's window: the same chat continues, the server's rule decides", async () => {
    s = await startServer({ graceMs: 60_000 })
    const first = track(await customer(s.url))
    const id = first.welcome.conversationId as string
    first.raw.drop()
    await waitForGone(id)
    const transitions: string[] = []
    s.server.on('transition', (e) => transitions.push(`${e.to}:${e.reason}`))
    const next = track(await customer(s.url, { previous: { conversationId: id, token: first.welcome.token } }))
    expect(next.welcome).toMatchObject({ resumed: true, conversationId: id, status: 'open' })
    expect(transitions).toEqual([])
  })

  test('with reconnection on, the ended previous chat is offered back', async () => {
    s = await startServer({ graceMs: 300, reconnectWindowMs: 60_000 })
    const first = track(await customer(s.url))
    const gone = ended(first.welcome.conversationId as string)
    first.raw.drop()
    await gone
    const raw = track({ raw: await Raw.open(s.url, '/v1/customer') })
    raw.raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't', previous: { conversationId: first.welcome.conversationId, token: first.welcome.token } })
    expect(await raw.raw.next((f) => f.type === 'reconnect-available')).toMatchObject({ conversationId: first.welcome.conversationId, status: 'closed' })
  })
})

describe('capacity over the wire', () => {
  test.each([
    { policy: 'block' as const, after: 1 },
    { policy: 'release' as const, after: 0 },
  ])('wrap-up under $policy leaves $after unit(s) in use', async ({ policy, after }) => {
    s = await startServer({ wrapUpCapacity: policy })
    const { a, id } = await activeChat(s.url)
    await a.raw.next((f) => f.type === 'capacity' && f.used === 1)
    const mark = a.raw.frames.length
    a.raw.send({ type: 'end', conversationId: id })
    await a.raw.next((f) => f.type === 'event' && item(f).status === 'wrap-up')
    if (after === 0) await a.raw.next((f) => f.type === 'capacity' && f.used === 0, { from: mark })
    a.raw.send({ type: 'ping', t: 1 })
    await a.raw.nextOfType('pong')
    expect(a.raw.frames.filter((f) => f.type === 'capacity').at(-1)).toEqual({ type: 'capacity', used: after, total: 2 })
    const beforeClose = a.raw.frames.length
    a.raw.send({ type: 'close', conversationId: id })
    if (after === 1) await a.raw.next((f) => f.type === 'capacity' && f.used === 0, { from: beforeClose })
  })

  test('a numbered policy releases the unit after that many ms', async () => {
    s = await startServer({ wrapUpCapacity: 300 })
    const { a, id } = await activeChat(s.url)
    await a.raw.next((f) => f.type === 'capacity' && f.used === 1)
    const mark = a.raw.frames.length
    const ended = Date.now()
    a.raw.send({ type: 'end', conversationId: id })
    await a.raw.next((f) => f.type === 'capacity' && f.used === 0, { from: mark })
    expect(Date.now() - ended).toBeGreaterThanOrEqual(250)
  })
})

test('the default grace window (180_000 ms) reaches the client in welcome', async () => {
  s = await startServer({ graceMs: undefined })
  const c = track(await customer(s.url))
  expect(c.welcome.graceMs).toBe(180_000)
})
