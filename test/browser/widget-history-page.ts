/**
 * A signed-in customer for the widget's browser tests: an earlier chat of theirs, written over a real
 * socket by the SDK in Node (asked, answered, ended), and a page where the site mounts the widget
 * with that customer's identity token, as a site with accounts does.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { Page } from 'playwright-core'
import { createChat } from '../../src/client/index.js'
import { signIdentity } from '../helpers/identity.js'
import { agentAccepts, WIDGET_ID, type Scenario } from './harness.js'
import { pagesRoot } from './widget-page.js'

let pages = 0

/** Records an ended chat of `sub` (a question, the agent's answer, ended by the customer); its id. */
export async function earlierChat(scenario: Scenario, sub: string, question: string, answer: string): Promise<string> {
  const chat = createChat({ url: scenario.server.url, widgetId: WIDGET_ID, storage: 'memory', WebSocket: WebSocket as never, identity: () => signIdentity({ sub, name: 'Anne' }) })
  try {
    const { id } = await chat.start()
    await chat.send(question)
    await agentAccepts(scenario.agent, id)
    await scenario.agent.send(id, answer)
    await chat.end()
    return id
  } finally {
    chat.destroy()
  }
}

/** Opens a page that mounts the widget itself, signed in as `sub` when given (anonymous otherwise). */
export async function openSignedInPage(page: Page, scenario: Scenario, sub: string | undefined): Promise<void> {
  const identity = sub === undefined ? '' : `, identity: ${JSON.stringify(await signIdentity({ sub, name: 'Anne' }))}`
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>Shop</title></head>
<body><main><h1>Shop</h1><p>Signed in.</p></main><script src="/dist/holdline.iife.js" data-mount="false"></script>
<script>Holdline.mountWidget({ url: location.origin, widgetId: ${JSON.stringify(WIDGET_ID)}${identity} })</script></body></html>`
  const name = `signed-in-${++pages}.html`
  writeFileSync(join(pagesRoot(), name), html)
  await page.goto(`${scenario.server.url}/${name}`)
  await page.waitForFunction(() => !!document.querySelector('holdline-chat')?.shadowRoot?.querySelector('[data-testid="launcher"]'))
}
