// @vitest-environment happy-dom
/**
 * The chat's reactions to real page lifecycle events, in happy-dom (whose WebSocket is built on ws)
 * against the real server behind a TCP proxy.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createChat } from '../../src/client/index.js'
import type { Chat } from '../../src/client/types.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { startServer } from '../helpers/server.js'
import { mapStorage, nextEvent, waitFor } from './helpers.js'

let server: { url: string; close(): Promise<void> }
let proxy: Proxy
let chat: Chat | undefined

beforeEach(async () => {
  server = await startServer()
  proxy = await startProxy(server.url)
  localStorage.clear()
  sessionStorage.clear()
})

afterEach(async () => {
  chat?.destroy()
  chat = undefined
  vi.restoreAllMocks()
  await proxy.close()
  await server.close()
})

function pageTransition(type: 'pageshow' | 'pagehide', persisted: boolean): Event {
  const event = new Event(type)
  Object.defineProperty(event, 'persisted', { value: persisted })
  return event
}

const stored = () => JSON.parse(localStorage.getItem('holdline:site') ?? '{}') as Record<string, unknown>

async function started(options: Partial<Parameters<typeof createChat>[0]> = {}): Promise<Chat> {
  chat = createChat({ url: proxy.url, widgetId: 'site', minReconnectDelayMs: 2_000, pongTimeoutMs: 300, ...options })
  await chat.start()
  return chat
}

describe('page lifecycle reactions', () => {
  it('offline: state offline at once, no attempts until online, then reconnects at once', async () => {
    const c = await started()
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    window.dispatchEvent(new Event('offline'))
    expect(c.connection).toBe('offline')
    await waitFor(() => proxy.connections === 0, 2_000, 'socket closed')
    const accepted = proxy.accepted
    await new Promise((r) => setTimeout(r, 300))
    expect(proxy.accepted).toBe(accepted)
    online.mockReturnValue(true)
    const t0 = Date.now()
    window.dispatchEvent(new Event('online'))
    await nextEvent(c, 'resumed')
    // Backoff would have waited at least minReconnectDelayMs (2 s).
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(c.connection).toBe('connected')
  })

  it('persisted pagehide: away recorded, beacon sent, socket closed; pageshow reopens the same chat at once', async () => {
    const c = await started()
    const id = c.conversation!.id
    const beacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true)
    window.dispatchEvent(pageTransition('pagehide', true))
    expect(stored().awaySince).toBeTypeOf('number')
    expect(beacon).toHaveBeenCalledTimes(1)
    const [url, body] = beacon.mock.calls[0]!
    expect(url).toBe(`${proxy.url}/v1/away`)
    expect(body).toBeInstanceOf(Blob)
    expect((body as Blob).type).toMatch(/^text\/plain/)
    expect(JSON.parse(await (body as Blob).text())).toEqual({ conversationId: id, token: stored().token, tabId: expect.any(String) })
    await waitFor(() => proxy.connections === 0, 2_000, 'socket closed for the cache')
    const t0 = Date.now()
    window.dispatchEvent(pageTransition('pageshow', true))
    const resumed = await nextEvent(c, 'resumed')
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(resumed.conversationId).toBe(id)
  })

  it('visible after hidden checks liveness at once: a half-open socket is replaced within the pong timeout', async () => {
    const c = await started()
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    vi.spyOn(navigator, 'sendBeacon').mockReturnValue(true)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(stored().awaySince).toBeTypeOf('number')
    proxy.pause()
    visibility.mockReturnValue('visible')
    const t0 = Date.now()
    document.dispatchEvent(new Event('visibilitychange'))
    await nextEvent(c, 'connection', ({ state }) => state === 'reconnecting')
    expect(Date.now() - t0).toBeLessThan(900)
    proxy.resume()
    await nextEvent(c, 'resumed')
  })

  it.each(['resume', 'focus'])('%s checks liveness at once', async (event) => {
    const c = await started()
    proxy.pause()
    const target = event === 'resume' ? document : window
    const t0 = Date.now()
    target.dispatchEvent(new Event(event))
    await nextEvent(c, 'connection', ({ state }) => state === 'reconnecting')
    expect(Date.now() - t0).toBeLessThan(900)
    proxy.resume()
    await nextEvent(c, 'resumed')
  })

  it('storage that throws falls back and says so once', async () => {
    const quotaZero = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      },
      removeItem: () => {},
    } as unknown as Storage
    vi.spyOn(globalThis, 'localStorage', 'get').mockReturnValue(quotaZero)
    chat = createChat({ url: proxy.url, widgetId: 'site' })
    const errors: string[] = []
    chat.on('error', (e) => errors.push(e.code))
    await chat.start()
    await chat.send('still works')
    expect(errors).toEqual(['storage-unavailable'])
    expect(JSON.parse(sessionStorage.getItem('holdline:site') ?? '{}').conversationId).toBe(chat.conversation?.id)
  })

  it('follows another tab that moved to a new conversation', async () => {
    const c = await started()
    const otherStorage = mapStorage()
    const other = createChat({ url: proxy.url, widgetId: 'site', storage: otherStorage })
    const info = await other.start()
    other.destroy()
    const { token } = JSON.parse(otherStorage.getItem('holdline:site') ?? '{}') as { token: string }
    const record = { ...stored(), conversationId: info.id, token, newChatReason: 'local-window-passed' }
    const newValue = JSON.stringify(record)
    localStorage.setItem('holdline:site', newValue)
    window.dispatchEvent(new StorageEvent('storage', { key: 'holdline:site', newValue, storageArea: localStorage }))
    const newChat = await nextEvent(c, 'new-chat')
    expect(newChat.conversationId).toBe(info.id)
    expect(c.conversation?.id).toBe(info.id)
  })
})
