/**
 * Queue position and estimated wait, end to end: a real server, real customers in Chromium and a real
 * agent. The position follows the routing order and changes as chats ahead leave the queue; the wait
 * appears once the server has seen two accepts.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, screenshotOnFailure } from '../helpers/browser.js'
import { agentAccepts, conversationIdOf, customerSays, startScenario, type Scenario } from './harness.js'
import { openPanel, openWidgetPage, pagesRoot } from './widget-page.js'

let browser: Browser
let scenario: Scenario | undefined
const contexts: BrowserContext[] = []
let last: Page | undefined

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await screenshotOnFailure(last, ctx.task.name)
  for (const c of contexts.splice(0)) await c.close()
  await scenario?.close()
  scenario = last = undefined
})

async function queuedCustomer(text: string): Promise<{ page: Page; id: string }> {
  const context = await browser.newContext()
  contexts.push(context)
  const page = (last = await context.newPage())
  await openWidgetPage(page, scenario!.server)
  await openPanel(page)
  await customerSays(page, text)
  return { page, id: await conversationIdOf(page) }
}

const waiting = (p: Page, text: string): Promise<void> => p.getByTestId('waiting').filter({ hasText: text }).waitFor()

describe('queue position', () => {
  it('shows each customer its place, moves it up as the queue moves, and the wait after two accepts', async () => {
    scenario = await startScenario({ graceMs: 30_000, staticRoot: pagesRoot(), agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 5 } } })
    const first = await queuedCustomer('first in line')
    const second = await queuedCustomer('second in line')
    const third = await queuedCustomer('third in line')
    await waiting(first.page, 'you are next')
    await waiting(second.page, 'you are number 2 in the queue')
    await waiting(third.page, 'you are number 3 in the queue')

    await agentAccepts(scenario.agent, first.id)
    await waiting(second.page, 'you are next.')
    await waiting(third.page, 'you are number 2 in the queue.')
    await first.page.getByTestId('waiting').waitFor({ state: 'hidden' })

    await agentAccepts(scenario.agent, second.id)
    // Two accepts seen: the wait is estimated from how fast the queue moved (under a minute here).
    await waiting(third.page, 'Waiting for an agent: you are next, about 1 minute.')
  })
})
