// @vitest-environment happy-dom
/**
 * Customer context in a page (happy-dom, whose WebSocket is built on ws) against the real server:
 * the page goes in the hello and after each navigation (history and hash) into the conversation
 * record; the history methods are wrapped once per started chat and put back on destroy; with
 * `context: false` nothing is wrapped and nothing is sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createChat } from '../../src/client/index.js'
import type { Chat } from '../../src/client/types.js'
import type { HoldlineServer } from '../../src/server/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { waitFor } from './helpers.js'

let server: StartedServer
let chat: Chat | undefined
const original = { pushState: history.pushState, replaceState: history.replaceState }

beforeEach(async () => {
  server = await startServer()
  localStorage.clear()
  sessionStorage.clear()
  history.replaceState(null, '', '/start')
  document.title = 'Start'
})

afterEach(async () => {
  chat?.destroy()
  chat = undefined
  history.pushState = original.pushState
  history.replaceState = original.replaceState
  await server.close()
})

async function started(options: Partial<Parameters<typeof createChat>[0]> = {}): Promise<Chat> {
  chat = createChat({ url: server.url, widgetId: 'site', ...options })
  await chat.start()
  return chat
}

const pagesOf = async (s: HoldlineServer, id: string) => (await s.store.get(id))?.customer.pages?.map(({ url, title }) => ({ url, title })) ?? []
const here = (path: string) => `${location.origin}${path}`

describe('customer context in the page', () => {
  it('the hello carries the page; pushState (with the title set after it), replaceState and hashchange follow', async () => {
    const c = await started()
    const id = c.conversation!.id
    expect(await pagesOf(server.server, id)).toEqual([{ url: here('/start'), title: 'Start' }])

    // An SPA: the URL first, the title a moment later.
    history.pushState({}, '', '/orders/12')
    document.title = 'Order 12'
    await waitFor(async () => (await pagesOf(server.server, id)).length === 2, 5_000, 'pushState recorded')
    expect((await pagesOf(server.server, id))[1]).toEqual({ url: here('/orders/12'), title: 'Order 12' })

    history.replaceState({}, '', '/orders/12/edit')
    await waitFor(async () => (await pagesOf(server.server, id)).length === 3, 5_000, 'replaceState recorded')

    location.hash = 'invoice'
    await waitFor(async () => (await pagesOf(server.server, id)).at(-1)?.url === here('/orders/12/edit#invoice'), 5_000, 'hashchange recorded')
  })

  it('leaves the query string out and cuts the page to the limits', async () => {
    history.replaceState(null, '', `/reset?token=secret&email=a%40b.example#${'h'.repeat(3_000)}`)
    document.title = 'T'.repeat(500)
    const c = await started()
    const [page] = await pagesOf(server.server, c.conversation!.id)
    expect(page?.url.startsWith(here('/reset#hhh'))).toBe(true)
    expect(page?.url).not.toContain('secret')
    expect(page?.url).toHaveLength(2048)
    expect(page?.title).toHaveLength(300)
  })

  it('wraps the history methods once when started, and puts them back on destroy', async () => {
    const c = createChat({ url: server.url, widgetId: 'site' })
    chat = c
    expect(history.pushState).toBe(original.pushState)
    await c.start()
    const wrapped = history.pushState
    expect(wrapped).not.toBe(original.pushState)
    expect(history.replaceState).not.toBe(original.replaceState)
    await c.start()
    expect(history.pushState).toBe(wrapped)
    c.destroy()
    expect(history.pushState).toBe(original.pushState)
    expect(history.replaceState).toBe(original.replaceState)
    // The navigation still works unwrapped.
    history.pushState({}, '', '/after')
    expect(location.pathname).toBe('/after')
  })

  it("another script's wrapper, added after ours, stays on destroy (ours inside it tells nobody)", async () => {
    const c = await started()
    const ours = history.pushState
    const theirs = (...args: Parameters<History['pushState']>) => ours.apply(history, args)
    history.pushState = theirs
    c.destroy()
    expect(history.pushState).toBe(theirs)
    history.pushState({}, '', '/gone')
    expect(location.pathname).toBe('/gone')
  })

  it('context: false wraps nothing and sends no page, in the hello or after', async () => {
    const c = await started({ context: false })
    expect(history.pushState).toBe(original.pushState)
    history.pushState({}, '', '/private')
    location.hash = 'x'
    // Nothing to await for what must not happen: wait past the SDK's 300 ms navigation delay.
    await new Promise((r) => setTimeout(r, 400))
    await c.send('hello')
    const conv = await server.server.store.get(c.conversation!.id)
    expect(conv?.customer.pages).toBeUndefined()
    expect(conv?.customer.userAgent).toBeTypeOf('string')
  })
})
