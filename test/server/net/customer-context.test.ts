/**
 * Customer context over the real sockets: the browser (User-Agent of the upgrade request), the page
 * of the hello and of each `page` frame, recorded in the conversation and told to its agent console
 * (in the offer, the ready snapshot, and a `customer` frame on each change), never to the customer.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { MAX_PAGES, MAX_TITLE_LENGTH, MAX_URL_LENGTH, MAX_USER_AGENT_LENGTH } from '../../../src/protocol/context.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, Raw, type Frame } from '../../helpers/raw.js'

let server: StartedServer | undefined
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await server?.close()
  server = undefined
})

const page = (n: number | string) => ({ url: `https://shop.example/p/${n}#top`, title: `Page ${n}` })

async function open(url: string, hello: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ raw: Raw; welcome: Frame }> {
  const raw = await Raw.open(url, '/v1/customer', headers)
  sockets.push(raw)
  raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 'tab-1', ...hello })
  return { raw, welcome: await raw.next((f) => f.type === 'welcome') }
}

type Customer = { name?: string; userAgent?: string; pages?: Array<{ url: string; title: string; at: number }> }
const customerOf = (f: Frame): Customer => (f.conversation as { customer: Customer }).customer

describe('customer context', () => {
  test('the offer carries the browser, the name and the hello page; each navigation reaches the agent, not the customer', async () => {
    server = await startServer()
    const a = await agent(server.url)
    sockets.push(a.raw)
    const c = await open(server.url, { customer: { name: 'Lea' }, page: page('home') }, { 'user-agent': 'TestBrowser/1.0' })
    const id = c.welcome.conversationId as string
    const offer = await a.raw.next((f) => f.type === 'offer')
    expect(customerOf(offer)).toMatchObject({ name: 'Lea', userAgent: 'TestBrowser/1.0', pages: [{ ...page('home'), at: expect.any(Number) }] })

    a.raw.send({ type: 'accept', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'active')
    c.raw.send({ type: 'page', ...page(2) })
    const told = await a.raw.next((f) => f.type === 'customer')
    expect(told).toMatchObject({ conversationId: id, customer: { name: 'Lea', userAgent: 'TestBrowser/1.0' } })
    expect((told.customer as Customer).pages?.map((p) => p.url)).toEqual([page('home').url, page(2).url])

    // The same page again is no new visit: the next one told holds three, not four.
    c.raw.send({ type: 'page', ...page(2) })
    c.raw.send({ type: 'page', ...page(3) })
    const third = await a.raw.next((f) => f.type === 'customer' && (f.customer as Customer).pages?.length !== 2)
    expect((third.customer as Customer).pages?.map((p) => p.title)).toEqual(['Page home', 'Page 2', 'Page 3'])
    expect(a.raw.frames.filter((f) => f.type === 'customer')).toHaveLength(2)

    // The customer's own socket hears of none of it.
    c.raw.send({ type: 'message', clientId: 'm1', text: 'hi' })
    await c.raw.next((f) => f.type === 'ack')
    expect(c.raw.frames.map((f) => f.type)).not.toContain('customer')

    // A console connecting later has it in its ready snapshot.
    const again = await agent(server.url)
    sockets.push(again.raw)
    const held = (again.ready.conversations as Array<{ id: string; customer: Customer }>).find((s) => s.id === id)
    expect(held?.customer.pages?.at(-1)).toMatchObject(page(3))
  })

  test('pages are bounded, newest last; the user agent is cut to its limit', async () => {
    server = await startServer()
    const c = await open(server.url, {}, { 'user-agent': `UA ${'x'.repeat(2_000)}` })
    const id = c.welcome.conversationId as string
    for (let n = 1; n <= MAX_PAGES + 5; n += 1) c.raw.send({ type: 'page', ...page(n) })
    c.raw.send({ type: 'message', clientId: 'm1', text: 'after the pages' })
    await c.raw.next((f) => f.type === 'ack')
    const conv = await server.server.store.get(id)
    expect(conv?.customer.pages).toHaveLength(MAX_PAGES)
    expect(conv?.customer.pages?.[0]?.title).toBe('Page 6')
    expect(conv?.customer.pages?.at(-1)?.title).toBe(`Page ${MAX_PAGES + 5}`)
    expect(conv?.customer.userAgent).toHaveLength(MAX_USER_AGENT_LENGTH)
  })

  test('a resume from another page records it', async () => {
    server = await startServer()
    const first = await open(server.url, { page: page('a') })
    const { conversationId, token } = first.welcome as unknown as { conversationId: string; token: string }
    first.raw.drop()
    const second = await open(server.url, { resume: { conversationId, token, lastSeq: 0 }, page: page('b') })
    expect(second.welcome.resumed).toBe(true)
    // The record is written after the welcome: a message answered means the hello was handled.
    second.raw.send({ type: 'message', clientId: 'm1', text: 'back' })
    await second.raw.next((f) => f.type === 'ack')
    const pages = (await server.server.store.get(conversationId))?.customer.pages
    expect(pages?.map((p) => p.title)).toEqual(['Page a', 'Page b'])
  })

  test('malformed or oversize page frames are refused with bad-frame; the connection keeps working', async () => {
    server = await startServer()
    const c = await open(server.url, {})
    const id = c.welcome.conversationId as string
    const bad = [
      { type: 'page', url: 'https://shop.example/' },
      { type: 'page', url: 42, title: 'x' },
      { type: 'page', url: '', title: 'x' },
      { type: 'page', url: `https://shop.example/${'x'.repeat(MAX_URL_LENGTH)}`, title: 'x' },
      { type: 'page', url: 'https://shop.example/', title: 'x'.repeat(MAX_TITLE_LENGTH + 1) },
    ]
    for (const frame of bad) {
      const from = c.raw.frames.length
      c.raw.send(frame)
      const refusal = await c.raw.next((f) => f.type === 'error', { from })
      expect(refusal, JSON.stringify(frame).slice(0, 80)).toMatchObject({ code: 'bad-frame', ref: 'page' })
      expect(refusal.fatal).toBeUndefined()
    }
    c.raw.send({ type: 'page', ...page('ok') })
    c.raw.send({ type: 'message', clientId: 'm1', text: 'still here' })
    await c.raw.next((f) => f.type === 'ack')
    expect((await server.server.store.get(id))?.customer.pages?.map((p) => p.title)).toEqual(['Page ok'])

    // A hello with a bad page is refused whole (the SDK cuts its page to the limits).
    const other = await Raw.open(server.url, '/v1/customer')
    sockets.push(other)
    other.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't', page: { url: 'https://shop.example/' } })
    expect(await other.next((f) => f.type === 'error')).toMatchObject({ code: 'bad-frame', ref: 'hello' })

    // Before hello: not-ready.
    const early = await Raw.open(server.url, '/v1/customer')
    sockets.push(early)
    early.send({ type: 'page', ...page(1) })
    expect(await early.next((f) => f.type === 'error')).toMatchObject({ code: 'not-ready', ref: 'page' })
  })
})
