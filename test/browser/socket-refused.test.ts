/**
 * A chat URL the browser will not open a socket to: an https site given an http chat server. Chromium
 * throws from `new WebSocket` (mixed content) before any network; the SDKs say so with a code
 * instead of waiting for good.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { createAgent } from '../../src/agent/index.js'
import type { createChat } from '../../src/client/index.js'
import { launchBrowser } from '../helpers/browser.js'

let browser: Browser
let page: Page
type Sdk = { createChat: typeof createChat; createAgent: typeof createAgent }
const PAGE = `<!doctype html><title>shop</title><script type="module">
  import { createChat } from '/holdline.js'
  import { createAgent } from '/agent.js'
  window.sdk = { createChat, createAgent }
</script>`

beforeAll(async () => {
  browser = await launchBrowser()
  page = await browser.newPage()
  // An https page of the site, served by the test itself (nothing listens anywhere).
  const scripts: Record<string, string> = {
    '/holdline.js': await readFile('dist/holdline.js', 'utf8'),
    '/agent.js': await readFile('dist/agent.js', 'utf8'),
  }
  await page.route('https://shop.test/**', (route) => {
    const path = new URL(route.request().url()).pathname
    const script = scripts[path]
    return script === undefined
      ? route.fulfill({ contentType: 'text/html', body: PAGE })
      : route.fulfill({ contentType: 'text/javascript', body: script })
  })
  await page.goto('https://shop.test/')
  await page.waitForFunction(() => 'sdk' in window)
})
afterAll(async () => {
  await browser?.close()
})

it("createChat: start() rejects with socket-refused, the connection is closed and an error event says why", async () => {
  const seen = await page.evaluate(async () => {
    const chat = (window as unknown as { sdk: Sdk }).sdk.createChat({ url: 'http://chat.test:8080', widgetId: 'shop' })
    const states: string[] = []
    const errors: string[] = []
    chat.on('connection', ({ state }) => states.push(state))
    chat.on('error', (error) => errors.push(`${error.code}: ${error.message}`))
    const outcome = await chat.start().then(
      () => 'started',
      (error: { code: string }) => error.code,
    )
    return { outcome, states, errors }
  })
  expect(seen.outcome).toBe('socket-refused')
  expect(seen.states.at(-1)).toBe('closed')
  expect(seen.errors).toEqual([expect.stringMatching(/^socket-refused: SecurityError: .*WebSocket/)])
})

it('createAgent: connect() rejects with socket-refused and the agent stays closed', async () => {
  const seen = await page.evaluate(async () => {
    const agent = (window as unknown as { sdk: Sdk }).sdk.createAgent({ url: 'http://chat.test:8080', token: 'agent-token' })
    const states: string[] = []
    agent.on('connection', ({ state }) => states.push(state))
    const outcome = await agent.connect().then(
      () => 'connected',
      (error: { code: string }) => error.code,
    )
    return { outcome, states }
  })
  expect(seen.outcome).toBe('socket-refused')
  expect(seen.states.at(-1)).toBe('closed')
})
