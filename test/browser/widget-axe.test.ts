/**
 * axe-core in Debian's Chromium (open shadow roots included): no violation in the widget closed, open,
 * chatting, offline, ended, with the R10 prompt and with a signed-in customer's earlier conversations,
 * in light and dark, nor in the agent console.
 */
import axe from 'axe-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, screenshotOnFailure } from '../helpers/browser.js'
import { GRACE_MS, agentAccepts, agentSeesStatus, conversationIdOf, customerSays, startScenario, type Scenario } from './harness.js'
import { openPanel, openWidgetPage, pagesRoot } from './widget-page.js'
import { earlierChat, openSignedInPage } from './widget-history-page.js'
import { IDENTITY_OPTIONS } from '../helpers/identity.js'

let browser: Browser
let scenario: Scenario | undefined
let context: BrowserContext | undefined
let page: Page | undefined

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await screenshotOnFailure(page, ctx.task.name)
  await context?.close()
  await scenario?.close()
  context = page = scenario = undefined
})

/** axe's violations on the page, as `rule: target` lines (empty when clean). */
async function violations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ content: axe.source })
  return p.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] })
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`))
  })
}

const THEMES = ['light', 'dark'] as const

describe.each(THEMES)('axe, %s', (theme) => {
  async function customer(options: { reconnectWindowMs?: number } = {}): Promise<Page> {
    scenario = await startScenario({ staticRoot: pagesRoot(), ...options })
    context = await browser.newContext({ colorScheme: theme })
    page = await context.newPage()
    await openWidgetPage(page, scenario.server)
    return page
  }

  it('closed, open, chatting, offline, ended', async () => {
    const p = await customer()
    expect(await violations(p), 'closed').toEqual([])
    await openPanel(p)
    expect(await violations(p), 'open').toEqual([])

    await customerSays(p, 'Hello, my order is late')
    const id = await conversationIdOf(p)
    expect(await violations(p), 'waiting for an agent').toEqual([])
    await agentAccepts(scenario!.agent, id)
    await scenario!.agent.send(id, 'Sorry about that, let me check')
    await p.locator('[data-from="agent"][data-testid="message"]').waitFor()
    scenario!.agent.typing(id)
    await p.getByTestId('typing').filter({ hasText: 'typing' }).waitFor()
    expect(await violations(p), 'chatting').toEqual([])

    await context!.setOffline(true)
    await customerSays(p, 'Are you there?')
    await p.getByTestId('connection-text').filter({ hasText: 'offline' }).waitFor()
    expect(await violations(p), 'offline with a queued message').toEqual([])
    await context!.setOffline(false)
    await p.locator('[data-pending="false"]').filter({ hasText: 'Are you there?' }).waitFor()

    await p.getByTestId('input').press('Escape')
    await scenario!.agent.send(id, 'Found it')
    await p.getByTestId('unread').filter({ hasText: '1' }).waitFor()
    expect(await violations(p), 'closed with an unread count').toEqual([])

    await openPanel(p)
    await scenario!.agent.end(id)
    await p.getByTestId('ended').waitFor({ state: 'visible' })
    expect(await violations(p), 'ended').toEqual([])
  })

  it('the R10 prompt', async () => {
    const p = await customer({ reconnectWindowMs: 30_000 })
    await openPanel(p)
    await customerSays(p, 'my first chat')
    const id = await conversationIdOf(p)
    await agentAccepts(scenario!.agent, id)
    const wrapUp = agentSeesStatus(scenario!.agent, id, 'wrap-up')
    const url = p.url()
    await p.goto('about:blank')
    await wrapUp
    await p.goto(url)
    await p.getByTestId('reconnect-choice').waitFor({ state: 'visible', timeout: GRACE_MS * 5 })
    expect(await violations(p), 'R10 prompt').toEqual([])
  })

  it('earlier conversations of a signed-in customer, closed and open', async () => {
    scenario = await startScenario({ staticRoot: pagesRoot(), identity: IDENTITY_OPTIONS })
    await earlierChat(scenario, 'anne', 'Where is my order?', 'It ships tomorrow.')
    context = await browser.newContext({ colorScheme: theme })
    page = await context.newPage()
    await openSignedInPage(page, scenario, 'anne')
    await openPanel(page)
    const history = page.getByTestId('history')
    await history.waitFor({ state: 'visible' })
    expect(await violations(page), 'earlier conversations, closed').toEqual([])
    await history.locator('summary').click()
    await history.locator('ol').first().waitFor({ state: 'visible' })
    expect(await violations(page), 'earlier conversations, open').toEqual([])
  })
})

describe('axe, agent console', () => {
  it('has no violation with a chat in it', async () => {
    scenario = await startScenario({ staticRoot: pagesRoot() })
    context = await browser.newContext()
    const customerPage = await context.newPage()
    await openWidgetPage(customerPage, scenario.server)
    await openPanel(customerPage)
    await customerSays(customerPage, 'Hello agent')
    page = await context.newPage()
    await page.goto(`${scenario.server.url}/agent.html#token=agent-token`)
    await page.getByTestId('offers').locator('li').first().waitFor()
    expect(await violations(page), 'console with an offer').toEqual([])
    await page.getByTestId('accept').click()
    await page.getByTestId('agent-transcript').locator('li').first().waitFor()
    expect(await violations(page), 'console with a chat').toEqual([])
  })
})
