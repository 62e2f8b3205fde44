/**
 * S9: a hidden or frozen page resumes when shown. Needs Chromium started by hand and attached over
 * CDP (see test/helpers/browser.ts): under Playwright's own launch a page is never hidden or frozen.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchLifecycleBrowser, setFrozen } from '../helpers/browser.js'
import { useBrowser } from '../helpers/browser-suite.js'
import {
  GRACE_MS,
  agentAccepts,
  agentReceives,
  conversationIdOf,
  customerSays,
  openCustomer,
  serverView,
  startScenario,
  transcriptTexts,
  type Scenario,
} from './harness.js'

const suite = useBrowser(launchLifecycleBrowser)
let scenario: Scenario | undefined

async function newPage(): Promise<Page> {
  const page = await suite.browser.context.newPage()
  suite.defer(() => page.close().catch(() => undefined))
  // The test's first page is the one under test: it is the one screenshotted on failure.
  if (!suite.page) suite.watch(page)
  return page
}

async function chatWithAgent(graceMs = GRACE_MS): Promise<{ page: Page; id: string }> {
  scenario = suite.closes(await startScenario({ graceMs }))
  const page = await newPage()
  await openCustomer(page, scenario.server)
  await customerSays(page, 'hello')
  const id = await conversationIdOf(page)
  await agentAccepts(scenario.agent, id)
  await agentReceives(scenario.agent, id, 'hello')
  return { page, id }
}

describe('S9: hidden and frozen pages', () => {
  it('a page hidden behind another tab gets what was sent meanwhile when shown, same chat', async () => {
    const { page, id } = await chatWithAgent()
    const { server, agent } = scenario!
    const other = await newPage()
    await other.goto('about:blank')
    await other.bringToFront()
    expect(await page.evaluate(() => document.visibilityState)).toBe('hidden')

    await agent.send(id, 'sent while hidden')
    await page.bringToFront()
    expect(await page.evaluate(() => document.visibilityState)).toBe('visible')
    await expect.poll(() => transcriptTexts(page)).toContain('sent while hidden')
    expect((await transcriptTexts(page)).filter((t) => t === 'sent while hidden')).toHaveLength(1)
    expect(await conversationIdOf(page)).toBe(id)
    expect((await serverView(server, id)).status).toBe('active')
  })

  it('a page frozen for less than the window resumes on unfreeze, with the gap message once', async () => {
    // A wider window here: after a thaw Chromium closes the page's socket (1006) and reconnecting
    // takes a backoff step, which a 2 s window would not leave room for.
    const windowMs = 3 * GRACE_MS
    const { page, id } = await chatWithAgent(windowMs)
    const { server, agent } = scenario!
    await page.evaluate(() => {
      const log: string[] = []
      ;(window as unknown as { lifecycle: string[] }).lifecycle = log
      document.addEventListener('freeze', () => log.push('freeze'))
      document.addEventListener('resume', () => log.push('resume'))
    })

    await setFrozen(page, true)
    await agent.send(id, 'sent while frozen')
    const frozenFor = Date.now()
    // The page is frozen (its timers stopped); the agent side has nothing to await until it is resumed.
    await new Promise((resolve) => setTimeout(resolve, windowMs / 3))
    await setFrozen(page, false)
    expect(Date.now() - frozenFor).toBeLessThan(windowMs / 2)

    expect(await page.evaluate(() => (window as unknown as { lifecycle: string[] }).lifecycle)).toEqual(['freeze', 'resume'])
    await expect.poll(() => transcriptTexts(page), { timeout: 10_000 }).toContain('sent while frozen')
    expect((await transcriptTexts(page)).filter((t) => t === 'sent while frozen')).toHaveLength(1)
    await customerSays(page, 'back again')
    await agentReceives(agent, id, 'back again')
    expect(await conversationIdOf(page)).toBe(id)
    expect((await serverView(server, id)).status).toBe('active')
  })

  it('a page frozen for longer than the window gets a new chat when resumed; the old one is wrap-up', async () => {
    const { page, id } = await chatWithAgent()
    const { server, agent } = scenario!
    const wrapUp = new Promise<void>((resolve) => agent.on('conversation', (c) => c.id === id && c.status === 'wrap-up' && resolve()))
    await setFrozen(page, true)
    await wrapUp
    await setFrozen(page, false)

    await page.getByTestId('new-chat-notice').waitFor({ state: 'visible' })
    await expect.poll(() => conversationIdOf(page)).not.toBe(id)
    const view = await serverView(server, id)
    expect(view.history.at(-1)).toMatchObject({ status: 'wrap-up', reason: 'customer-disconnected' })
  })
})
