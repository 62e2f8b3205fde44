/**
 * The widget's transcript in Debian's Chromium: it follows the newest message while the reader is at
 * the bottom, shows a "new messages" pill when scrolled up, opens at the bottom after a reload, drops
 * the typing line when the agent's message arrives, and shows a reload's transcript at once from its
 * local copy, before (or without) the server's replay.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import { startProxy } from '../helpers/proxy.js'
import { agentAccepts, conversationIdOf, customerSays, startScenario, transcriptTexts, type Scenario } from './harness.js'
import { distanceFromBottom, inWidget, openPanel, openWidgetPage, pagesRoot } from './widget-page.js'

const suite = useBrowser()
/** The test's server, shared by what it opens; forgotten once the test's cleanup has closed it. */
let scenario: Scenario | undefined

async function begin(): Promise<Scenario> {
  scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
  suite.defer(() => (scenario = undefined))
  return scenario
}

async function chatting(url?: string): Promise<{ page: Page; id: string }> {
  scenario ??= await begin()
  const page = await suite.open({ viewport: { width: 1280, height: 800 } })
  await openWidgetPage(page, scenario.server, url ? { url } : {})
  await openPanel(page)
  await customerSays(page, 'Hello, I need help')
  const id = await conversationIdOf(page)
  await agentAccepts(scenario.agent, id)
  return { page, id }
}

const shows = (p: Page, text: string): Promise<unknown> =>
  p.waitForFunction((t) => [...document.querySelector('holdline-chat')!.shadowRoot!.querySelectorAll('[data-testid="message"]')].some((m) => m.lastChild?.textContent === t), text)

describe('widget transcript', () => {
  it('follows the newest message at the bottom; scrolled up, a pill takes the reader down', async () => {
    const { page, id } = await chatting()
    for (let i = 1; i <= 15; i++) await scenario!.agent.send(id, `Answer number ${i}, long enough to take a line or two of the panel`)
    await shows(page, 'Answer number 15, long enough to take a line or two of the panel')
    await expect.poll(() => distanceFromBottom(page)).toBe(0)
    expect(await page.getByTestId('new-messages').isVisible()).toBe(false)

    await inWidget(page, `q('scroller').scrollTop = 0`)
    await expect.poll(() => distanceFromBottom(page)).toBeGreaterThan(100)
    await scenario!.agent.send(id, 'One more while you read above')
    await shows(page, 'One more while you read above')
    await page.getByTestId('new-messages').waitFor({ state: 'visible' })
    expect(await distanceFromBottom(page), 'the reader is not pulled away').toBeGreaterThan(100)

    await page.getByTestId('new-messages').click()
    await expect.poll(() => distanceFromBottom(page)).toBe(0)
    await page.getByTestId('new-messages').waitFor({ state: 'hidden' })
  })

  it('opens at the bottom after a reload', async () => {
    const { page, id } = await chatting()
    for (let i = 1; i <= 15; i++) await scenario!.agent.send(id, `Line ${i} of a long answer that wraps in the panel`)
    await shows(page, 'Line 15 of a long answer that wraps in the panel')
    await page.reload()
    await shows(page, 'Line 15 of a long answer that wraps in the panel')
    await page.getByTestId('panel').waitFor({ state: 'visible' })
    await expect.poll(() => distanceFromBottom(page)).toBe(0)
  })

  it('drops "the agent is typing" as soon as the agent message arrives', async () => {
    const { page, id } = await chatting()
    scenario!.agent.typing(id)
    await page.getByTestId('typing').filter({ hasText: 'typing' }).waitFor()
    await scenario!.agent.send(id, 'Here is your answer')
    await shows(page, 'Here is your answer')
    expect(await page.getByTestId('typing').textContent()).toBe('')
  })

  it('shows the transcript at once after a reload with the network down, from its local copy', async () => {
    const proxy = suite.closes(await startProxy((await begin()).server.url))
    const { page, id } = await chatting(proxy.url)
    await scenario!.agent.send(id, 'We shipped it yesterday')
    await shows(page, 'We shipped it yesterday')

    proxy.refuse(true)
    proxy.dropAll()
    await page.reload()
    await shows(page, 'We shipped it yesterday')
    expect(await transcriptTexts(page)).toEqual(expect.arrayContaining(['Hello, I need help', 'We shipped it yesterday']))
    expect(await page.getByTestId('connection-text').textContent()).toMatch(/Connecting|Reconnecting/)
    expect(proxy.connections, 'nothing came from the server').toBe(0)

    // The replay then brings the same messages: each is shown once.
    proxy.refuse(false)
    await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor({ state: 'attached' })
    await scenario!.agent.send(id, 'And it arrives tomorrow')
    await shows(page, 'And it arrives tomorrow')
    const texts = await transcriptTexts(page)
    expect(texts.filter((t) => t === 'We shipped it yesterday')).toHaveLength(1)
    expect(texts.filter((t) => t === 'Hello, I need help')).toHaveLength(1)
  })
})
