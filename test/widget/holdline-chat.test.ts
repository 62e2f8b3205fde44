// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createChat, type Chat } from '../../src/client/index.js'
import { mountWidget, connectionLine, DEFAULT_TEXTS, type HoldlineChat } from '../../src/widget/index.js'
import { createAgent, type Agent } from '../../src/agent/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'

let server: StartedServer | undefined
let agent: Agent | undefined
let element: HoldlineChat | undefined

afterEach(async () => {
  element?.chat?.destroy()
  element?.remove()
  agent?.disconnect()
  await server?.close()
  server = agent = element = undefined
  localStorage.clear()
  vi.restoreAllMocks()
})

const q = <T extends HTMLElement = HTMLElement>(testid: string): T =>
  element!.shadowRoot!.querySelector(`[data-testid="${testid}"]`) as T

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const shown = (): Array<{ from: string; text: string; pending: string }> =>
  Array.from(element!.shadowRoot!.querySelectorAll<HTMLElement>('[data-testid="message"]')).map((el) => ({
    from: el.dataset.from ?? '',
    text: el.lastChild?.textContent ?? '',
    pending: el.dataset.pending ?? '',
  }))

let widgets = 0

async function mounted(texts = {}): Promise<{ chat: Chat; id: () => string }> {
  server = await startServer()
  agent = createAgent({ url: server.url, token: 'agent-token', WebSocket })
  await agent.connect()
  // A widget id per test: 'memory' storage is page-wide, and an outbox left by one test must not seed the next.
  const widgetId = `w${++widgets}`
  const chat = createChat({ url: server.url, widgetId, storage: 'memory', WebSocket })
  element = mountWidget({ chat, widgetId, texts })
  return { chat, id: () => chat.conversation?.id ?? '' }
}

function type(text: string, init: KeyboardEventInit = {}): void {
  const input = q<HTMLTextAreaElement>('input')
  input.value = text
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }))
}

describe('<holdline-chat>', () => {
  it('starts the chat when opened and shows both sides in order, each message once', async () => {
    const { chat, id } = await mounted()
    expect(chat.conversation).toBeUndefined()
    q('launcher').click()
    await until(() => chat.connection === 'connected', 'connected')

    type('hello from the widget')
    await until(() => agent!.offers.has(id()), 'the offer')
    await agent!.accept(id())
    await agent!.send(id(), 'hello from the agent')
    await until(() => shown().some((m) => m.text === 'hello from the agent'), 'the agent message')

    const messages = shown().filter((m) => m.from !== 'system')
    expect(messages).toEqual([
      { from: 'customer', text: 'hello from the widget', pending: 'false' },
      { from: 'agent', text: 'hello from the agent', pending: 'false' },
    ])
    expect(shown().some((m) => m.from === 'system')).toBe(true) // "An agent has joined", told apart
  })

  it('marks a message queued while offline, tells the customer, and delivers it once when back', async () => {
    const { chat, id } = await mounted()
    q('launcher').click()
    await until(() => chat.connection === 'connected', 'connected')
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    window.dispatchEvent(new Event('offline'))
    await until(() => chat.connection === 'offline', 'offline')

    type('written offline')
    await until(() => shown().some((m) => m.text === 'written offline'), 'the queued message')
    expect(shown().find((m) => m.text === 'written offline')?.pending).toBe('true')
    expect(q('connection').hasAttribute('data-line')).toBe(true)
    expect(q('connection-text').textContent).toBe(DEFAULT_TEXTS.offline(1))

    online.mockReturnValue(true)
    window.dispatchEvent(new Event('online'))
    await until(() => shown().find((m) => m.text === 'written offline')?.pending === 'false', 'delivery')
    expect(shown().filter((m) => m.text === 'written offline')).toHaveLength(1)
    expect(q('connection').hasAttribute('data-line')).toBe(false)
    const recorded = await server!.server.store.transcript(id())
    expect(recorded.filter((i) => i.kind === 'message' && i.text === 'written offline')).toHaveLength(1)
  })

  it('sends on Enter but not on Shift+Enter', async () => {
    const { chat } = await mounted()
    q('launcher').click()
    await until(() => chat.connection === 'connected', 'connected')
    type('not yet', { shiftKey: true })
    expect(chat.messages).toHaveLength(0)
    type('now')
    await until(() => chat.messages.some((m) => m.text === 'now'), 'the message')
  })

  it('ends the chat only after the confirmation, and offers no end before the customer wrote', async () => {
    const { chat } = await mounted()
    q('launcher').click()
    await until(() => chat.connection === 'connected', 'connected')
    expect(q('end').hidden).toBe(true)
    type('a question')
    await until(() => !q('end').hidden, 'the end button')
    q('end').click()
    expect(q('end-question').hidden).toBe(false)
    q('end-cancel').click()
    expect(chat.conversation?.status).toBe('open')
    q('end').click()
    q('end-confirm').click()
    await until(() => chat.conversation?.status === 'closed', 'closed')
    await until(() => !q('ended').hidden, 'the ended notice')
  })

  it('takes its texts from the options and is labelled for screen readers', async () => {
    await mounted({ launcher: 'Hilfe?', send: 'Senden' })
    expect(q('launcher').textContent).toBe('Hilfe?')
    expect(q('send').textContent).toBe('Senden')
    // The log wraps the list, so the list keeps its semantics (axe: listitem).
    expect(q('scroller').getAttribute('role')).toBe('log')
    expect(q('scroller').getAttribute('aria-live')).toBe('polite')
    expect(q('transcript').tagName).toBe('OL')
    expect(q('transcript').hasAttribute('role')).toBe(false)
    expect(q('launcher').getAttribute('aria-expanded')).toBe('false')
    expect(element!.shadowRoot!.querySelector('label[for="input"]')?.textContent).toBe(DEFAULT_TEXTS.inputLabel)
  })

  it('closes on Escape and gives the focus back to the launcher', async () => {
    await mounted()
    q('launcher').click()
    expect(q('panel').hidden).toBe(false)
    expect(q('launcher').getAttribute('aria-expanded')).toBe('true')
    q('panel').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(q('panel').hidden).toBe(true)
    expect(element!.shadowRoot!.activeElement).toBe(q('launcher'))
  })
})

describe('connectionLine', () => {
  it.each([
    ['connected', 0, ''],
    ['connecting', 0, DEFAULT_TEXTS.connecting],
    ['reconnecting', 2, 'Reconnecting… 2 messages will be sent when the connection is back.'],
    ['reconnecting', 0, 'Reconnecting… Messages will be sent when the connection is back.'],
    ['offline', 2, 'You are offline. 2 messages will be sent when you are back.'],
    ['offline', 0, 'You are offline. Messages will be sent when you are back.'],
  ] as const)('%s with %i queued', (state, queued, line) => {
    expect(connectionLine(state, queued, DEFAULT_TEXTS)).toBe(line)
  })
})
