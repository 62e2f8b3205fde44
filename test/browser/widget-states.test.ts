/**
 * Every state of the widget, shown to the customer, in Debian's Chromium against a real server:
 * connecting (and after about 5 s, still trying with a retry), waiting for an agent, the agent's
 * name, offline with the queued count, ended (composer off, the typed text kept, "Start a new chat"
 * prominent), and the new-chat notice gone once the new chat has messages.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import {
  agentAccepts,
  agentReceives,
  agentSeesStatus,
  conversationIdOf,
  customerSays,
  messageTexts,
  serverView,
  startScenario,
  type Scenario,
} from './harness.js'
import { inWidget, openPanel, openWidgetPage, pagesRoot } from './widget-page.js'

const suite = useBrowser()
let scenario: Scenario

/** A customer with the panel open on a new server; a `proxy` in front of it is closed before the server. */
async function customer(options: { url?: string; graceMs?: number; proxy?: Proxy } = {}): Promise<Page> {
  scenario = suite.closes(await startScenario({ staticRoot: pagesRoot(), ...(options.graceMs ? { graceMs: options.graceMs } : {}) }))
  if (options.proxy) suite.closes(options.proxy)
  const page = await suite.open()
  await openWidgetPage(page, scenario.server, options.url ? { url: options.url } : {})
  await openPanel(page)
  return page
}

const connectionText = (p: Page): Promise<string | null> => p.getByTestId('connection-text').textContent()
const connected = (p: Page): Promise<unknown> =>
  p.waitForFunction(() => document.querySelector('holdline-chat')!.shadowRoot!.querySelector<HTMLElement>('[data-testid="connection"]')!.dataset.state === 'connected')

describe('widget states', () => {
  it('says it is still trying after about 5 s of connecting, and its retry connects at once', { timeout: 60_000 }, async () => {
    const started = await startScenario({ staticRoot: pagesRoot() })
    const proxy = await startProxy(started.server.url)
    proxy.refuse(true)
    await started.close()
    const p = await customer({ url: proxy.url, proxy })
    proxy.retarget(scenario.server.url)
    expect(await connectionText(p)).toBe('Connecting…')
    expect(await p.getByTestId('retry').isVisible()).toBe(false)
    await p.getByTestId('retry').waitFor({ state: 'visible', timeout: 8_000 })
    expect(await connectionText(p)).toBe('Still trying to connect…')

    const accepted = proxy.accepted
    proxy.refuse(false)
    // Clicked in the page at once: a Playwright click waits for the button, and the SDK's own backoff
    // may connect (and hide it) in between on a busy machine.
    await p.evaluate(() => document.querySelector('holdline-chat')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="retry"]')!.click())
    await expect.poll(() => proxy.accepted, { timeout: 1_000 }).toBeGreaterThan(accepted)
    await connected(p)
    expect(await p.getByTestId('retry').isVisible()).toBe(false)
    expect(await p.getByTestId('connection').isVisible()).toBe(false)
  })

  it('shows the wait for an agent, then the agent by name', async () => {
    const p = await customer()
    await connected(p)
    expect(await p.getByTestId('waiting').isVisible(), 'nothing to wait for before the first message').toBe(false)
    await customerSays(p, 'Is anyone there?')
    await p.getByTestId('waiting').filter({ hasText: 'Waiting for an agent: you are next.' }).waitFor()
    await agentAccepts(scenario.agent, await conversationIdOf(p))
    await p.getByTestId('agent-line').filter({ hasText: 'You are chatting with Ana' }).waitFor()
    expect(await p.getByTestId('waiting').isVisible()).toBe(false)
  })

  it('offline: says so with the number of messages queued, and clears once they are delivered', async () => {
    const p = await customer({ graceMs: 30_000 })
    await customerSays(p, 'first')
    const id = await conversationIdOf(p)
    await agentAccepts(scenario.agent, id)
    await agentReceives(scenario.agent, id, 'first')
    await p.context().setOffline(true)
    await p.getByTestId('connection-text').filter({ hasText: 'You are offline' }).waitFor()
    await customerSays(p, 'second')
    await customerSays(p, 'third')
    await p.getByTestId('connection-text').filter({ hasText: 'You are offline. 2 messages will be sent when you are back.' }).waitFor()
    await p.context().setOffline(false)
    await agentReceives(scenario.agent, id, 'third')
    await connected(p)
    await p.getByTestId('connection').waitFor({ state: 'hidden' })
  })

  it('ended: the composer is off, what was typed stays, and "Start a new chat" takes it into the new chat', async () => {
    const p = await customer()
    await customerSays(p, 'Thanks, bye')
    const id = await conversationIdOf(p)
    await agentAccepts(scenario.agent, id)
    await p.getByTestId('input').fill('Oh, one more question')
    await scenario.agent.end(id)
    await p.getByTestId('ended').waitFor({ state: 'visible' })
    expect(await p.getByTestId('input').isDisabled()).toBe(true)
    expect(await p.getByTestId('send').isDisabled()).toBe(true)
    expect(await p.getByTestId('input').inputValue(), 'the typed text is kept').toBe('Oh, one more question')
    expect(await p.getByTestId('end').isVisible()).toBe(false)
    const startNew = await inWidget<{ bg: string; accent: string }>(
      p,
      `({ bg: getComputedStyle(q('start-new')).backgroundColor, accent: getComputedStyle(q('send')).backgroundColor })`,
    )
    expect(startNew.bg, '"Start a new chat" is styled as the main action').toBe(startNew.accent)

    await p.getByTestId('start-new').click()
    await expect.poll(() => conversationIdOf(p)).not.toBe(id)
    expect(await p.getByTestId('input').inputValue()).toBe('Oh, one more question')
    await p.getByTestId('input').press('Enter')
    const next = await conversationIdOf(p)
    await expect.poll(async () => messageTexts(await serverView(scenario.server, next))).toContain('Oh, one more question')
    await p.getByTestId('ended').waitFor({ state: 'hidden' })
  })

  it('after the window, the new-chat notice shows until the new chat has messages', async () => {
    const p = await customer()
    await customerSays(p, 'help please')
    const id = await conversationIdOf(p)
    await agentAccepts(scenario.agent, id)
    const wrapUp = agentSeesStatus(scenario.agent, id, 'wrap-up')
    await p.context().setOffline(true)
    await wrapUp
    await p.context().setOffline(false)
    await p.getByTestId('new-chat-notice').waitFor({ state: 'visible' })
    await customerSays(p, 'hello again')
    await p.getByTestId('new-chat-notice').waitFor({ state: 'hidden' })
  })
})
