/**
 * What the browser scenarios share: a real server serving the examples and the built bundles, a
 * real agent (createAgent over `ws`), and small readers of what the customer sees and what the
 * server recorded.
 */
import WebSocket from 'ws'
import type { Page } from 'playwright-core'
import { createAgent, type Agent, type AgentConversation } from '../../src/agent/index.js'
import type { ServerOptions } from '../../src/server/index.js'
import type { ConversationSnapshot, StatusItem } from '../../src/protocol/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'

export const GRACE_MS = 2_000
export const WIDGET_ID = 'support'

export interface Scenario {
  server: StartedServer
  agent: Agent
  close(): Promise<void>
}

/** A server with a 2 s grace window and a connected agent. */
export async function startScenario(options: ServerOptions = {}): Promise<Scenario> {
  const server = await startServer({ graceMs: GRACE_MS, heartbeatMs: 500, agentGraceMs: 10_000, ...options })
  const agent = createAgent({ url: server.url, token: 'agent-token', WebSocket: WebSocket as never })
  await agent.connect()
  return {
    server,
    agent,
    async close() {
      agent.disconnect()
      await server.close()
    },
  }
}

/** The server's record of a conversation (GET /api/conversations/:id with the admin token). */
export type ConversationView = ConversationSnapshot & { history: StatusItem[]; lastSeq: number }

export async function serverView(server: StartedServer, id: string): Promise<ConversationView> {
  const res = await fetch(`${server.url}/api/conversations/${encodeURIComponent(id)}`, {
    headers: { authorization: 'Bearer admin-token' },
  })
  if (!res.ok) throw new Error(`GET conversation ${id}: ${res.status}`)
  return (await res.json()) as ConversationView
}

/** Opens the customer page (the script-tag example) and the widget's panel. */
export async function openCustomer(page: Page, server: StartedServer, path = '/'): Promise<void> {
  await page.goto(`${server.url}${path}`)
  const launcher = page.getByTestId('launcher')
  if (await launcher.isVisible()) await launcher.click()
  await page.getByTestId('panel').waitFor({ state: 'visible' })
}

/** Types a message into the widget and sends it with Enter. */
export async function customerSays(page: Page, text: string): Promise<void> {
  await page.getByTestId('input').fill(text)
  await page.getByTestId('input').press('Enter')
}

/** The conversation id the page keeps in its local window. */
export async function storedConversationId(page: Page): Promise<string | undefined> {
  return page.evaluate((key) => {
    const raw = localStorage.getItem(key)
    return raw ? ((JSON.parse(raw) as { conversationId?: string }).conversationId ?? undefined) : undefined
  }, `holdline:${WIDGET_ID}`)
}

/** Waits until the page holds a conversation id, and returns it. */
export async function conversationIdOf(page: Page): Promise<string> {
  await page.waitForFunction((key) => !!localStorage.getItem(key) && !!JSON.parse(localStorage.getItem(key) as string).conversationId, `holdline:${WIDGET_ID}`)
  return (await storedConversationId(page)) as string
}

/** Texts of the transcript the customer sees, in order. */
export async function transcriptTexts(page: Page): Promise<string[]> {
  return page.getByTestId('message').evaluateAll((els) => els.map((el) => el.lastChild?.textContent ?? ''))
}

/** Waits for the agent to be offered `id` (or any conversation) and accepts it. */
export async function agentAccepts(agent: Agent, id?: string): Promise<AgentConversation> {
  const offered = [...agent.offers.values()].find((c) => id === undefined || c.id === id)
  const conversation =
    offered ??
    (await new Promise<AgentConversation>((resolve) => {
      const off = agent.on('offer', (c) => {
        if (id !== undefined && c.id !== id) return
        off()
        resolve(c)
      })
    }))
  return agent.accept(conversation.id)
}

/** Resolves when the agent sees conversation `id` reach `status`. */
export function agentSeesStatus(agent: Agent, id: string, status: string): Promise<AgentConversation> {
  const held = agent.conversations.get(id)
  if (held?.status === status) return Promise.resolve(held)
  return new Promise((resolve) => {
    const off = agent.on('conversation', (c) => {
      if (c.id !== id || c.status !== status) return
      off()
      resolve(c)
    })
  })
}

/** Resolves when the agent has received a customer message with `text` in conversation `id`. */
export function agentReceives(agent: Agent, id: string, text: string): Promise<void> {
  const has = (): boolean => !!agent.conversations.get(id)?.transcript.some((i) => i.kind === 'message' && i.text === text)
  if (has()) return Promise.resolve()
  return new Promise((resolve) => {
    const off = agent.on('message', () => {
      if (!has()) return
      off()
      resolve()
    })
  })
}

/** Texts of the messages in the server's transcript, in seq order. */
export function messageTexts(view: { transcript: ConversationSnapshot['transcript'] }): string[] {
  return view.transcript.flatMap((i) => (i.kind === 'message' ? [i.text] : []))
}
