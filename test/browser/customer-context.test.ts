/**
 * Customer context in Chromium: the real widget of the script-tag example, a real agent. The page
 * the chat began on is in the offer with the browser's user agent; an SPA's pushState (its title set
 * just after) and a hash change each reach the agent SDK's `customer` event with URL and title.
 */
import { describe, expect, it } from 'vitest'
import type { Agent, AgentEvents } from '../../src/agent/index.js'
import { useBrowser } from '../helpers/browser-suite.js'
import { agentAccepts, conversationIdOf, customerSays, openCustomer, startScenario } from './harness.js'

const suite = useBrowser()

type CustomerEvent = Parameters<AgentEvents['customer']>[0]

/** The agent's next `customer` event for `id` whose newest page passes `test`. */
function customerEvent(agent: Agent, id: string, test: (page: { url: string; title: string }) => boolean): Promise<CustomerEvent> {
  return new Promise((resolve) => {
    const off = agent.on('customer', (event) => {
      const newest = event.customer.pages?.at(-1)
      if (event.conversationId !== id || !newest || !test(newest)) return
      off()
      resolve(event)
    })
  })
}

describe('customer context in Chromium', () => {
  it('the start page and user agent in the offer; pushState and hashchange reach the agent', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const page = await suite.open()
    await openCustomer(page, server, '/?campaign=secret-token')
    await customerSays(page, 'hello')
    const id = await conversationIdOf(page)
    const conversation = await agentAccepts(agent, id)
    const title = await page.title()
    expect(conversation.customer.pages?.[0]).toMatchObject({ url: `${server.url}/`, title })
    expect(conversation.customer.userAgent).toContain('Chrome')
    expect(JSON.stringify(conversation.customer)).not.toContain('secret-token')

    // An SPA route change: the URL first, the title right after (as routers do).
    const pushed = customerEvent(agent, id, (p) => p.url === `${server.url}/orders/12`)
    await page.evaluate(() => {
      history.pushState({ route: 'order' }, '', '/orders/12?ref=mail')
      document.title = 'Order 12'
    })
    const afterPush = await pushed
    expect(afterPush.customer.pages?.at(-1)).toMatchObject({ url: `${server.url}/orders/12`, title: 'Order 12', at: expect.any(Number) })

    const hashed = customerEvent(agent, id, (p) => p.url.endsWith('#invoice'))
    await page.evaluate(() => {
      location.hash = 'invoice'
    })
    const afterHash = await hashed
    expect(afterHash.customer.pages?.map((p) => p.url)).toEqual([`${server.url}/`, `${server.url}/orders/12`, `${server.url}/orders/12#invoice`])
    expect(afterHash.customer.pages?.at(-1)?.title).toBe('Order 12')
    expect(agent.conversations.get(id)?.customer.pages).toHaveLength(3)
  })
})
