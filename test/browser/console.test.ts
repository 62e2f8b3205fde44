/**
 * The demo agent console (examples/agent.html) in Debian's Chromium.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser, screenshotOnFailure } from '../helpers/browser.js'
import { customer, type Raw } from '../helpers/raw.js'
import { agentAccepts, startScenario, type Scenario } from './harness.js'

let browser: Browser
let scenario: Scenario | undefined
const contexts: BrowserContext[] = []
let consolePage: Page | undefined
let raw: Raw | undefined

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await screenshotOnFailure(consolePage, ctx.task.name)
  for (const c of contexts.splice(0)) await c.close()
  raw?.drop()
  await scenario?.close()
  scenario = undefined
})

async function newPage(): Promise<Page> {
  const context = await browser.newContext()
  contexts.push(context)
  return context.newPage()
}

it('counts down what is left of the window, from when the customer was last heard', async () => {
  // A long window, so the console's figure can be read; heartbeats every 500 ms, so a silent customer
  // counts as gone 6 s after it was last heard (two heartbeats and 5 s).
  scenario = await startScenario({ graceMs: 60_000 })
  const { server, agent } = scenario
  // A customer whose phone lost its network right after saying hello: its socket stays open, silent.
  const silent = await customer(server.url)
  raw = silent.raw
  const id = silent.welcome.conversationId as string
  await agentAccepts(agent, id)

  consolePage = await newPage()
  await consolePage.goto(`${server.url}/agent.html#token=agent-token`)
  const presence = consolePage.locator(`[data-conversation-id="${id}"] [data-testid="presence"]`)
  await expect.poll(() => presence.textContent()).toBe('Customer connected')
  await expect.poll(() => presence.textContent(), { timeout: 15_000 }).toMatch(/Customer disconnected: \d+ s left/)
  const left = Number((await presence.textContent())?.match(/(\d+) s left/)?.[1])
  // About 54 s: the 6 s it took to notice are already gone from the window (the whole 60 s would be wrong).
  expect(left).toBeLessThanOrEqual(56)
  expect(left).toBeGreaterThan(45)
}, 30_000)
