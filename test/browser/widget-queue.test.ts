/**
 * Queue position and estimated wait, end to end: a real server, real customers in Chromium and a real
 * agent. The position follows the routing order and changes as chats ahead leave the queue; the wait
 * appears once the server has seen two accepts.
 */
import { describe, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import { agentAccepts, conversationIdOf, customerSays, startScenario, type Scenario } from './harness.js'
import { openPanel, openWidgetPage, pagesRoot } from './widget-page.js'

const suite = useBrowser()
let scenario: Scenario

async function queuedCustomer(text: string): Promise<{ page: Page; id: string }> {
  const page = await suite.open()
  await openWidgetPage(page, scenario.server)
  await openPanel(page)
  await customerSays(page, text)
  return { page, id: await conversationIdOf(page) }
}

const waiting = (p: Page, text: string): Promise<void> => p.getByTestId('waiting').filter({ hasText: text }).waitFor()

describe('queue position', () => {
  it('shows each customer its place, moves it up as the queue moves, and the wait after two accepts', async () => {
    scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot(), agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 5 } } }))
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
