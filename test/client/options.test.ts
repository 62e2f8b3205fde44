import { describe, expect, it } from 'vitest'
import { DEFAULTS, resolveOptions } from '../../src/client/options.js'
import { awayBeaconUrl, socketUrl } from '../../src/transport/urls.js'
import { createChat } from '../../src/client/index.js'

class FakeSocketClass {}
const base = { url: 'https://chat.example.com', widgetId: 'support', WebSocket: FakeSocketClass }

describe('options', () => {
  it('merges the defaults', () => {
    const options = resolveOptions(base)
    expect(options).toMatchObject({ ...DEFAULTS, url: base.url, widgetId: 'support' })
  })

  it.each<[string, Record<string, unknown>]>([
    ['no url', { url: undefined }],
    ['a bad url', { url: 'not a url' }],
    ['an ftp url', { url: 'ftp://x' }],
    ['no widgetId', { widgetId: '' }],
    ['a widgetId with spaces', { widgetId: 'a b' }],
    ['a bad storage', { storage: 'disk' }],
    ['a bad reconnect', { reconnect: 'always' }],
    ['a negative timeout', { pongTimeoutMs: -1 }],
    ['no WebSocket anywhere', { WebSocket: 42 }],
  ])('throws a TypeError at once for %s', (_name, patch) => {
    expect(() => createChat({ ...base, ...patch } as never)).toThrow(TypeError)
  })

  it('the chat object exposes on, never emit', () => {
    const chat = createChat(base)
    expect(typeof chat.on).toBe('function')
    expect('emit' in chat).toBe(false)
    chat.destroy()
  })

  it('derives the endpoint URLs from the base URL (path prefix kept)', () => {
    expect(socketUrl('https://h.example/chat/', 'customer')).toBe('wss://h.example/chat/v1/customer')
    expect(socketUrl('http://127.0.0.1:8080', 'customer')).toBe('ws://127.0.0.1:8080/v1/customer')
    expect(socketUrl('wss://h.example', 'customer')).toBe('wss://h.example/v1/customer')
    expect(socketUrl('https://h.example/p?x=1', 'agent')).toBe('wss://h.example/p/v1/agent')
    expect(awayBeaconUrl('wss://h.example/p')).toBe('https://h.example/p/v1/away')
    expect(awayBeaconUrl('ws://127.0.0.1:1')).toBe('http://127.0.0.1:1/v1/away')
  })
})
