/**
 * What the console's browser tests share: a real server (serving examples/agent.html and the built
 * console), customers speaking the raw protocol, and signing in through the console's own form.
 */
import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import type { ServerOptions } from '../../src/server/index.js'
import { customer, type Raw } from '../helpers/raw.js'
import { startServer, type StartedServer } from '../helpers/server.js'

export const CANNED = [
  { id: 'greet', title: 'Greeting', text: 'Hi {{name}}, thanks for waiting!' },
  { id: 'refund', title: 'Refund policy', text: 'Refunds take 5 working days.' },
]

/**
 * Long windows and heartbeats: raw customers do not ping, and these tests are about the console,
 * not about customers leaving (the presence test sets its own).
 */
export function startConsoleServer(options: ServerOptions = {}): Promise<StartedServer> {
  return startServer({
    graceMs: 60_000,
    heartbeatMs: 30_000,
    agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'ben-token': { id: 'b1', name: 'Ben', capacity: 2 } },
    cannedResponses: CANNED,
    ...options,
  })
}

/** Signs in through the form and waits for the workspace. */
export async function signIn(page: Page, server: StartedServer, token = 'agent-token'): Promise<void> {
  await page.goto(`${server.url}/agent.html`)
  await page.locator('#hl-token').fill(token)
  await page.getByTestId('sign-in').click()
  await page.getByTestId('workspace').waitFor()
}

export interface Customer {
  raw: Raw
  id: string
  say(text: string): void
}

/** A customer who said hello (with a name and a page when given) and wrote `texts`. */
export async function customerSays(server: StartedServer, texts: string[], hello: Record<string, unknown> = {}): Promise<Customer> {
  const { raw, welcome } = await customer(server.url, { tabId: randomUUID(), start: randomUUID().replace(/-/g, ''), ...hello })
  const say = (text: string): void => raw.send({ type: 'message', clientId: randomUUID(), text })
  for (const text of texts) say(text)
  return { raw, id: String(welcome.conversationId), say }
}

/** The console's row of conversation `id` in a list (`offers`, `my-chats`, `recent`, `live-chats`). */
export function rowOf(page: Page, list: string, id: string) {
  return page.getByTestId(list).locator(`[data-conversation-id="${id}"]`)
}
