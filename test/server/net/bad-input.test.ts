import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, Raw, type Frame } from '../../helpers/raw.js'

let s: StartedServer
const opened: Raw[] = []
const track = <T extends { raw: Raw }>(x: T): T => (opened.push(x.raw), x)

beforeEach(async () => {
  s = await startServer({ limits: { maxFrameBytes: 2_048, maxTextLength: 100, maxFramesPerSecond: 5, burstFrames: 10 } })
})
afterEach(async () => {
  for (const r of opened.splice(0)) r.drop()
  await s.close()
})

/** A bystander that must keep working whatever the other connection sends. */
async function bystanderStillServed(clientId: string): Promise<void> {
  const other = track(await customer(s.url, { tabId: `by-${clientId}` }))
  other.raw.send({ type: 'message', clientId, text: 'still fine' })
  await other.raw.next((f) => f.type === 'ack' && f.clientId === clientId)
}

describe('bad customer input gets its code; the connection and the server go on', () => {
  const cases: Array<{ name: string; frame: string; code: string }> = [
    { name: 'malformed JSON', frame: '{"type":', code: 'bad-json' },
    { name: 'not an object', frame: '[1,2]', code: 'bad-json' },
    { name: 'unknown type', frame: '{"type":"teleport"}', code: 'unknown-type' },
    { name: 'wrong field type', frame: '{"type":"message","clientId":7,"text":"x"}', code: 'bad-frame' },
    { name: 'missing field', frame: '{"type":"ack"}', code: 'bad-frame' },
    { name: 'negative seq', frame: '{"type":"ack","seq":-1}', code: 'bad-frame' },
    { name: 'oversize frame', frame: JSON.stringify({ type: 'message', clientId: 'big', text: 'x'.repeat(3_000) }), code: 'frame-too-large' },
    { name: 'text too long', frame: JSON.stringify({ type: 'message', clientId: 'long', text: 'x'.repeat(101) }), code: 'text-too-long' },
    { name: 'empty text', frame: JSON.stringify({ type: 'message', clientId: 'empty', text: '  ' }), code: 'bad-frame' },
    { name: 'ack of a seq never sent', frame: '{"type":"ack","seq":999}', code: 'ack-invalid' },
    { name: 'second hello', frame: JSON.stringify({ type: 'hello', v: 1, widgetId: 'w', tabId: 't' }), code: 'already-started' },
  ]

  test.each(cases)('$name -> $code', async ({ frame, code }) => {
    const c = track(await customer(s.url))
    c.raw.send({ type: 'message', clientId: 'before', text: 'accepted before' })
    await c.raw.next((f) => f.type === 'ack' && f.clientId === 'before')
    c.raw.send(frame)
    const error = await c.raw.error(code)
    expect(error.fatal).toBeUndefined()
    const clientId = (JSON.parse(frame.startsWith('{"type":"') && frame.endsWith('}') ? frame : '{}') as Frame).clientId
    if (typeof clientId === 'string') expect(error.ref).toBe(clientId)
    c.raw.send({ type: 'message', clientId: 'after', text: 'accepted after' })
    await c.raw.next((f) => f.type === 'ack' && f.clientId === 'after')
    await bystanderStillServed(`by-${code}`)
    const view = await (await fetch(`${s.url}/api/conversations/${c.welcome.conversationId}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    const texts = view.transcript.filter((i: Frame) => i.kind === 'message').map((i: Frame) => i.text)
    expect(texts).toEqual(['accepted before', 'accepted after'])
  })

  test('a frame before hello gets not-ready', async () => {
    const raw = await Raw.open(s.url, '/v1/customer')
    opened.push(raw)
    raw.send({ type: 'message', clientId: 'x', text: 'hi' })
    await raw.error('not-ready')
  })

  test('a flood past the rate limit is refused with rate-limited, and nothing accepted is lost', async () => {
    const c = track(await customer(s.url))
    for (let n = 0; n < 30; n++) c.raw.send({ type: 'message', clientId: `f${n}`, text: `flood ${n}` })
    await c.raw.error('rate-limited')
    await bystanderStillServed('by-flood')
    await new Promise((r) => setTimeout(r, 300))
    const acked = c.raw.frames.filter((f) => f.type === 'ack').map((f) => f.clientId)
    const view = await (await fetch(`${s.url}/api/conversations/${c.welcome.conversationId}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    const recorded = view.transcript.filter((i: Frame) => i.kind === 'message').map((i: Frame) => i.clientId)
    expect(acked.length).toBeGreaterThan(0)
    expect(acked.length).toBeLessThan(30)
    expect(recorded).toEqual(acked)
  })

  test('resume (or previous) with a wrong token, or another conversation\'s: a chat of its own with token-invalid, nothing of the named one', async () => {
    const mine = track(await customer(s.url))
    const other = track(await customer(s.url, { tabId: 'other' }))
    mine.raw.send({ type: 'message', clientId: 'secret', text: 'private' })
    await mine.raw.next((f) => f.type === 'ack')
    const before = await s.server.store.get(mine.welcome.conversationId as string)
    for (const token of ['A'.repeat(43), other.welcome.token]) {
      for (const named of ['resume', 'previous']) {
        const credentials = { conversationId: mine.welcome.conversationId, token, ...(named === 'resume' ? { lastSeq: 0 } : {}) }
        const thief = await Raw.open(s.url, '/v1/customer')
        opened.push(thief)
        thief.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 'x', [named]: credentials })
        const w = await thief.next((f) => f.type === 'welcome')
        expect(w).toMatchObject({ resumed: false, newChatReason: 'token-invalid', lastSeq: 1 })
        expect(w.conversationId).not.toBe(mine.welcome.conversationId)
        expect(w.previousConversationId).toBeUndefined()
        expect(thief.frames.some((f) => f.type === 'error')).toBe(false)
        expect(JSON.stringify(thief.frames)).not.toContain('private')
      }
    }
    // The named chat was neither ended nor touched.
    expect(await s.server.store.get(mine.welcome.conversationId as string)).toEqual(before)
  })

  test('resume of an unknown conversation is a new chat with resume-unknown', async () => {
    const c = track(await customer(s.url, { resume: { conversationId: 'c_nope', token: 'x', lastSeq: 0 } }))
    expect(c.welcome).toMatchObject({ resumed: false, newChatReason: 'resume-unknown' })
  })

  test('an unsupported protocol version is fatal', async () => {
    const raw = await Raw.open(s.url, '/v1/customer')
    raw.send({ type: 'hello', v: 99, widgetId: 'w', tabId: 't' })
    expect(await raw.error('unsupported-version')).toMatchObject({ fatal: true })
    await raw.closedPromise
  })
})

describe('bad agent input', () => {
  test('frames without auth get not-ready; a bad token is unauthorized and fatal', async () => {
    const raw = await Raw.open(s.url, '/v1/agent')
    opened.push(raw)
    raw.send({ type: 'accept', conversationId: 'c1' })
    await raw.error('not-ready')
    raw.send({ type: 'auth', v: 1, token: 'wrong' })
    expect(await raw.error('unauthorized')).toMatchObject({ fatal: true })
    await raw.closedPromise
    await bystanderStillServed('by-agent')
  })

  test('acting on unknown, unassigned or taken conversations: not-found, forbidden, conflict', async () => {
    const a = track(await agent(s.url))
    a.raw.send({ type: 'end', conversationId: 'c_missing' })
    expect(await a.raw.error('not-found')).toMatchObject({ ref: 'c_missing' })
    const c = track(await customer(s.url))
    const id = c.welcome.conversationId
    a.raw.send({ type: 'message', conversationId: id, clientId: 'x', text: 'not mine yet' })
    expect(await a.raw.error('forbidden')).toMatchObject({ ref: id })
    a.raw.send({ type: 'accept', conversationId: id })
    await a.raw.next((f) => f.type === 'capacity' && f.used === 1)
    // Ended by its customer: no longer open, so accepting it again is a conflict.
    c.raw.send({ type: 'end' })
    await a.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'wrap-up')
    a.raw.send({ type: 'accept', conversationId: id })
    expect(await a.raw.error('conflict')).toMatchObject({ ref: id })
  })

  test('capacity-full when the agent has no room', async () => {
    const a = track(await agent(s.url))
    const ids: unknown[] = []
    for (const tab of ['1', '2', '3']) ids.push((track(await customer(s.url, { tabId: tab }))).welcome.conversationId)
    for (const id of ids.slice(0, 2)) {
      a.raw.send({ type: 'accept', conversationId: id })
      await a.raw.next((f) => f.type === 'event' && f.conversationId === id && (f.item as Frame).status === 'active')
    }
    a.raw.send({ type: 'accept', conversationId: ids[2] })
    expect(await a.raw.error('capacity-full')).toMatchObject({ ref: ids[2] })
  })
})
