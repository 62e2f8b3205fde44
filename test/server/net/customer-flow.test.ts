import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, Raw, type Frame } from '../../helpers/raw.js'

let s: StartedServer
const open: Raw[] = []
const track = <T extends { raw: Raw }>(x: T): T => (open.push(x.raw), x)

beforeEach(async () => {
  s = await startServer({ graceMs: 1_000 })
})
afterEach(async () => {
  for (const r of open.splice(0)) r.drop()
  await s.close()
})

const texts = (items: Array<Record<string, unknown>>) => items.filter((i) => i.kind === 'message').map((i) => i.text)

describe('a conversation over real sockets', () => {
  test('queue, offer, accept, messages both ways, drop, resume with replay, expiry, wrap-up, close', async () => {
    const a = track(await agent(s.url))
    expect(a.ready).toMatchObject({ agent: { id: 'a1', name: 'Ana', capacity: 2 }, conversations: [], offers: [], graceMs: 1_000 })

    const c = track(await customer(s.url, { customer: { name: 'Zoe' } }))
    const id = c.welcome.conversationId as string
    expect(c.welcome).toMatchObject({ status: 'open', resumed: false, lastSeq: 1, graceMs: 1_000, heartbeatMs: 500 })
    expect(String(c.welcome.token)).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const offer = await a.raw.next((f) => f.type === 'offer')
    expect(offer.conversation).toMatchObject({ id, status: 'open', customer: { name: 'Zoe' }, presence: { state: 'connected' } })

    c.raw.send({ type: 'message', clientId: 'm1', text: 'hello?' })
    await c.raw.next((f) => f.type === 'ack' && f.clientId === 'm1')
    a.raw.send({ type: 'accept', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && (f.item as Frame).kind === 'status' && (f.item as Frame).status === 'active')
    await a.raw.next((f) => f.type === 'capacity' && f.used === 1)
    a.raw.send({ type: 'message', conversationId: id, clientId: 'x1', text: 'hi, Ana here' })
    await c.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'hi, Ana here')
    await a.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'hello?')

    // The customer drops; the agent writes in the gap; the customer resumes inside the window.
    const seen = Math.max(...c.raw.items().map((i) => i.seq as number))
    c.raw.drop()
    await a.raw.next((f) => f.type === 'presence' && (f.presence as Frame).state === 'disconnected')
    for (const n of [1, 2, 3]) a.raw.send({ type: 'message', conversationId: id, clientId: `gap${n}`, text: `gap ${n}` })
    await a.raw.next((f) => f.type === 'ack' && f.clientId === 'gap3')

    const back = track(await customer(s.url, { resume: { conversationId: id, token: c.welcome.token, lastSeq: seen } }))
    expect(back.welcome).toMatchObject({ conversationId: id, resumed: true, status: 'active', agent: { id: 'a1' }, token: c.welcome.token })
    back.raw.send({ type: 'message', clientId: 'm2', text: 'back' })
    await back.raw.next((f) => f.type === 'ack' && f.clientId === 'm2')
    const replayed = back.raw.items()
    expect(replayed.map((i) => i.seq)).toEqual(replayed.map((_, k) => seen + 1 + k))
    expect(texts(replayed)).toEqual(['gap 1', 'gap 2', 'gap 3', 'back'])
    await a.raw.next((f) => f.type === 'presence' && (f.presence as Frame).state === 'connected')

    // A replayed clientId is acknowledged again, not recorded twice.
    back.raw.send({ type: 'message', clientId: 'm2', text: 'back' })
    const reack = await back.raw.nextOfType('ack')
    expect(reack).toMatchObject({ clientId: 'm2' })

    // Gone longer than the window: Active -> Wrap-up with the automated message; agent told.
    back.raw.drop()
    const wrap = await a.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'wrap-up', { timeoutMs: 4_000 })
    expect(wrap.item).toMatchObject({ reason: 'customer-disconnected' })
    await a.raw.next((f) => f.type === 'event' && (f.item as Frame).automated === 'customer-disconnected')

    // Returning after the window: a new chat, with the reason.
    const later = track(await customer(s.url, { resume: { conversationId: id, token: c.welcome.token, lastSeq: 0 } }))
    expect(later.welcome).toMatchObject({ resumed: false, newChatReason: 'resume-expired', previousConversationId: id })
    expect(later.welcome.conversationId).not.toBe(id)

    a.raw.send({ type: 'close', conversationId: id })
    await a.raw.next((f) => f.type === 'event' && (f.item as Frame).reason === 'agent-closed')
    const view = await (await fetch(`${s.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    expect(view.history.map((h: Frame) => `${h.status}:${h.reason}`)).toEqual([
      'open:customer-started', 'active:agent-accepted', 'wrap-up:customer-disconnected', 'closed:agent-closed',
    ])
    const seqs = view.transcript.map((i: Frame) => i.seq)
    expect(seqs).toEqual(seqs.map((_: unknown, k: number) => k + 1))
    expect(texts(view.transcript).filter((t: unknown) => t === 'back')).toHaveLength(1)
  })

  test('an open conversation whose customer left closes after the window and leaves the queue', async () => {
    const c = track(await customer(s.url))
    const id = c.welcome.conversationId as string
    c.raw.send({ type: 'away' })
    c.raw.drop()
    await new Promise<void>((resolve) => s.server.on('transition', (e) => e.conversationId === id && e.to === 'closed' && resolve()))
    const a = track(await agent(s.url))
    expect(a.ready.offers).toEqual([])
  })

  test('customer end is immediate; the agent whose offer is gone gets offer-withdrawn', async () => {
    const a = track(await agent(s.url))
    const c = track(await customer(s.url))
    const id = c.welcome.conversationId
    await a.raw.next((f) => f.type === 'offer')
    c.raw.send({ type: 'end' })
    const closed = await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'closed')
    expect(closed.item).toMatchObject({ reason: 'customer-ended' })
    await a.raw.next((f) => f.type === 'offer-withdrawn' && f.conversationId === id)
    c.raw.send({ type: 'message', clientId: 'late', text: 'still there?' })
    expect(await c.raw.error('conversation-ended')).toMatchObject({ ref: 'late' })
  })

  test('two agents are offered the same chat; the first accept wins, the other is withdrawn', async () => {
    const s2 = await startServer({ agentTokens: { t1: { id: 'a1' }, t2: { id: 'a2' } } })
    try {
      const a1 = track(await agent(s2.url, 't1'))
      const a2 = track(await agent(s2.url, 't2'))
      const c = track(await customer(s2.url))
      const id = c.welcome.conversationId
      await Promise.all([a1.raw.next((f) => f.type === 'offer'), a2.raw.next((f) => f.type === 'offer')])
      a1.raw.send({ type: 'accept', conversationId: id })
      await a2.raw.next((f) => f.type === 'offer-withdrawn' && f.conversationId === id)
      a2.raw.send({ type: 'accept', conversationId: id })
      expect(await a2.raw.error('conflict')).toMatchObject({ ref: id })
      expect(a1.raw.frames.some((f) => f.type === 'offer-withdrawn')).toBe(false)
    } finally {
      await s2.close()
    }
  })

  test('two tabs are one customer: closing one starts no window', async () => {
    const t1 = track(await customer(s.url, { tabId: 'A' }))
    const id = t1.welcome.conversationId as string
    const t2 = track(await customer(s.url, { tabId: 'B', resume: { conversationId: id, token: t1.welcome.token, lastSeq: 0 } }))
    expect(t2.welcome).toMatchObject({ conversationId: id, resumed: true })
    t1.raw.drop()
    const started = Date.now()
    while (Date.now() - started < 2_000) {
      t2.raw.send({ type: 'ping', t: Date.now() })
      await t2.raw.nextOfType('pong')
      await new Promise((r) => setTimeout(r, 200))
    }
    const view = await (await fetch(`${s.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    expect(view.status).toBe('open')
    expect(view.presence.state).toBe('connected')
  })
})

describe('typing and connection limits', () => {
  test('typing travels both ways and is never recorded', async () => {
    const a = track(await agent(s.url))
    const c = track(await customer(s.url))
    const id = c.welcome.conversationId
    await a.raw.next((f) => f.type === 'offer')
    a.raw.send({ type: 'accept', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'active')
    c.raw.send({ type: 'typing' })
    expect(await a.raw.next((f) => f.type === 'typing')).toEqual({ type: 'typing', from: 'customer', conversationId: id })
    a.raw.send({ type: 'typing', conversationId: id })
    expect(await c.raw.next((f) => f.type === 'typing')).toEqual({ type: 'typing', from: 'agent' })
    const view = await (await fetch(`${s.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    expect(JSON.stringify(view.transcript)).not.toContain('typing')
  })

  test('too many connections for one conversation is refused; the others go on', async () => {
    const s2 = await startServer({ limits: { maxConnectionsPerConversation: 2 } })
    try {
      const first = track(await customer(s2.url, { tabId: 'A' }))
      const resume = { conversationId: first.welcome.conversationId, token: first.welcome.token, lastSeq: 0 }
      track(await customer(s2.url, { tabId: 'B', resume }))
      const third = await Raw.open(s2.url, '/v1/customer')
      open.push(third)
      third.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 'C', resume })
      expect(await third.error('too-many-connections')).toMatchObject({ fatal: true })
      first.raw.send({ type: 'message', clientId: 'ok', text: 'still here' })
      await first.raw.next((f) => f.type === 'ack' && f.clientId === 'ok')
    } finally {
      await s2.close()
    }
  })
})

describe('the chat before this one', () => {
  test('a message re-sent after the chat ended is acknowledged if it was recorded, refused if not', async () => {
    const a = track(await agent(s.url))
    const c = track(await customer(s.url))
    const id = c.welcome.conversationId as string
    await a.raw.next((f) => f.type === 'offer')
    a.raw.send({ type: 'accept', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'active')
    c.raw.send({ type: 'message', clientId: 'm-1', text: 'thanks, bye' })
    const original = await c.raw.next((f) => f.type === 'ack' && f.clientId === 'm-1')
    a.raw.send({ type: 'end', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'wrap-up')
    // The client never saw that ack (say the socket dropped just then): its outbox sends it again.
    c.raw.send({ type: 'message', clientId: 'm-1', text: 'thanks, bye' })
    c.raw.send({ type: 'message', clientId: 'm-2', text: 'one more thing' })
    expect(await c.raw.next((f) => f.type === 'ack' && f.clientId === 'm-1' && f !== original)).toEqual(original)
    expect(await c.raw.error('conversation-ended')).toMatchObject({ ref: 'm-2' })
  })

  test('a message recorded in the previous chat (its ack lost) is acknowledged there, not recorded again', async () => {
    const first = track(await customer(s.url))
    const previous = first.welcome.conversationId as string
    first.raw.send({ type: 'message', clientId: 'm-1', text: 'still there?' })
    const original = await first.raw.next((f) => f.type === 'ack')
    const ended = new Promise<void>((resolve) => s.server.on('transition', (e) => e.conversationId === previous && e.to === 'closed' && resolve()))
    first.raw.drop()
    await ended
    // The client never saw that ack: its outbox re-sends the message in the new chat.
    const next = track(await customer(s.url, { previous: { conversationId: previous, token: first.welcome.token } }))
    const id = next.welcome.conversationId as string
    next.raw.send({ type: 'message', clientId: 'm-1', text: 'still there?' })
    next.raw.send({ type: 'message', clientId: 'm-2', text: 'hello again' })
    expect(await next.raw.next((f) => f.type === 'ack' && f.clientId === 'm-1')).toEqual({ ...original, conversationId: previous })
    await next.raw.next((f) => f.type === 'ack' && f.clientId === 'm-2')
    const transcript = await s.server.store.transcript(id)
    expect(texts(transcript as never)).toEqual(['hello again'])
  })
})

describe('a start repeated after a lost welcome', () => {
  const start = 'Zm9yLXRlc3RzLW9ubHktMTIzNDU2Nzg5MA'

  test('gets the same conversation, not a second one; the start is its resume token', async () => {
    const first = track(await customer(s.url, { start }))
    const id = first.welcome.conversationId as string
    expect(first.welcome.token).toBe(start)
    first.raw.drop()
    const again = track(await customer(s.url, { start }))
    expect(again.welcome).toMatchObject({ conversationId: id, resumed: false, status: 'open', token: start })
    await again.raw.next((f) => f.type === 'event' && (f.item as { seq: number }).seq === 1)
    expect((await s.server.store.listConversations()).map((c) => c.id)).toEqual([id])
    const resumed = track(await customer(s.url, { resume: { conversationId: id, token: start, lastSeq: 1 } }))
    expect(resumed.welcome).toMatchObject({ conversationId: id, resumed: true })
  })

  test('once that chat has ended, the same start gets a new chat', async () => {
    const first = track(await customer(s.url, { start }))
    first.raw.send({ type: 'end' })
    await first.raw.next((f) => f.type === 'event' && (f.item as { status?: string }).status === 'closed')
    const again = track(await customer(s.url, { start }))
    expect(again.welcome.conversationId).not.toBe(first.welcome.conversationId)
    expect(again.welcome.token).not.toBe(start)
  })

  test('a start too short to be a secret is refused with bad-frame', async () => {
    const raw = track({ raw: await Raw.open(s.url, '/v1/customer') }).raw
    raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't', start: 'short' })
    expect(await raw.error('bad-frame')).toBeTruthy()
  })
})
