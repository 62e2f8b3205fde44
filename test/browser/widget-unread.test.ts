/**
 * Unread messages in Debian's Chromium: the launcher's count while the panel is closed, the `unread`
 * event, the polite live region, read once the panel is open, the count surviving a reload; the tab's
 * title while the page is hidden (a real hidden page: Chromium attached over CDP); and the optional
 * sound, played by one tab of two.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchLifecycleBrowser } from '../helpers/browser.js'
import { useBrowser } from '../helpers/browser-suite.js'
import { agentAccepts, conversationIdOf, customerSays, startScenario, type Scenario } from './harness.js'
import { openPanel, openWidgetPage, pagesRoot } from './widget-page.js'

const suite = useBrowser()
let scenario: Scenario

/** Records the element's `unread` and `sound` events in the page. */
const record = (p: Page): Promise<void> =>
  p.evaluate(() => {
    const w = window as unknown as { unread: number[]; sounds: number }
    w.unread = []
    w.sounds = 0
    const el = document.querySelector('holdline-chat')!
    el.addEventListener('unread', (e) => w.unread.push((e as CustomEvent<{ count: number }>).detail.count))
    el.addEventListener('sound', () => (w.sounds += 1))
  })
const recorded = (p: Page): Promise<{ unread: number[]; sounds: number }> =>
  p.evaluate(() => ({ unread: (window as unknown as { unread: number[] }).unread, sounds: (window as unknown as { sounds: number }).sounds }))
const badge = (p: Page, count: number): Promise<void> => p.getByTestId('unread').filter({ hasText: String(count) }).waitFor()

async function chattingThenClosed(p: Page, data: Record<string, string> = {}): Promise<string> {
  await openWidgetPage(p, scenario.server, { data })
  await openPanel(p)
  await customerSays(p, 'Where is my parcel?')
  const id = await conversationIdOf(p)
  await agentAccepts(scenario.agent, id)
  await p.getByTestId('input').press('Escape')
  await p.getByTestId('panel').waitFor({ state: 'hidden' })
  return id
}

describe('widget unread', () => {
  it('counts agent messages on the launcher while closed, announces them politely, and reads them when opened', async () => {
    scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    const page = await suite.open()
    const id = await chattingThenClosed(page)
    await record(page)
    await scenario.agent.send(id, 'It left the warehouse')
    await badge(page, 1)
    await scenario.agent.send(id, 'It arrives tomorrow')
    await badge(page, 2)
    expect(await page.getByTestId('launcher').getAttribute('aria-label')).toBe('Chat with us, 2 messages unread')
    expect(await page.getByTestId('announcer').textContent()).toBe('New message from Ana: It arrives tomorrow')
    expect(await page.getByTestId('announcer').getAttribute('aria-live')).toBe('polite')
    expect(await recorded(page)).toEqual({ unread: [1, 2], sounds: 0 })

    await page.reload()
    await badge(page, 2)
    await page.getByTestId('launcher').click()
    await page.getByTestId('unread').waitFor({ state: 'hidden' })
    expect(await page.getByTestId('launcher').getAttribute('aria-label')).toBeNull()

    await page.reload()
    await page.getByTestId('input').press('Escape')
    await record(page)
    await scenario.agent.send(id, 'Anything else?')
    await badge(page, 1)
    expect((await recorded(page)).unread).toEqual([1])
  })

  it('shows the count in the title while the page is hidden, and drops it when shown', async () => {
    scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    const lifecycle = suite.closes(await launchLifecycleBrowser())
    const page = await lifecycle.context.newPage()
    suite.watch(page)
    await openWidgetPage(page, scenario.server)
    await openPanel(page)
    await customerSays(page, 'Hello')
    const id = await conversationIdOf(page)
    await agentAccepts(scenario.agent, id)

    const other = await lifecycle.context.newPage()
    await other.goto('about:blank')
    await other.bringToFront()
    // A hidden page runs no animation frames: poll on a timer instead.
    await page.waitForFunction(() => document.visibilityState === 'hidden', undefined, { polling: 50 })
    await scenario.agent.send(id, 'Are you still there?')
    await page.waitForFunction(() => document.title === '(1) Shop', undefined, { polling: 50 })
    expect(await page.getByTestId('unread').textContent(), 'open but hidden counts as unread').toBe('1')
    await page.bringToFront()
    await page.waitForFunction(() => document.title === 'Shop')
    await page.getByTestId('unread').waitFor({ state: 'hidden' })
    await other.close()
  })

  it('plays the optional sound in one tab of two, and not at all without data-sound', async () => {
    scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    const page = await suite.open()
    const id = await chattingThenClosed(page, { sound: '' })
    const second = await page.context().newPage()
    await openWidgetPage(second, scenario.server, { data: { sound: '' } })
    await second.getByTestId('launcher').waitFor()
    await record(page)
    await record(second)
    await scenario.agent.send(id, 'Ding')
    await badge(page, 1)
    await badge(second, 1)
    // The sound is decided under a Web Lock: once this tab has held it, every earlier claim has run.
    const settle = (p: Page): Promise<void> => p.evaluate(() => navigator.locks.request('holdline-widget:support:sound', () => undefined))
    await settle(page)
    await settle(second)
    const sounds = (await recorded(page)).sounds + (await recorded(second)).sounds
    expect(sounds).toBe(1)
  })
})
