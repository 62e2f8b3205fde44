/**
 * The real server (test/helpers/server.ts) behind a TCP proxy, a raw agent, and the customer SDK in
 * Node with `ws` and a shared in-memory storage. One place that knows how the server is started.
 */
import WebSocket from 'ws'
import type { HoldlineServer } from '../../src/server/index.js'
import { startServer } from '../helpers/server.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { createChat } from '../../src/client/index.js'
import type { Chat, ChatOptions, StorageLike } from '../../src/client/types.js'
import { connectAgent, type RawAgent } from './raw-agent.js'
import { mapStorage, waitFor } from './helpers.js'

export const AGENT_TOKEN = 'agent-token'
export const ADMIN_TOKEN = 'admin-token'

export interface Env {
  url: string
  /** The server itself (for its `error` and `transition` events). */
  server: HoldlineServer
  proxy: Proxy
  storage: StorageLike & { map: Map<string, string> }
  chats: Chat[]
  chat(options?: Partial<ChatOptions>): Chat
  agent(): Promise<RawAgent>
  /** GET /api/conversations/:id with the admin token. */
  conversation(id: string): Promise<ServerConversation>
  /** Lose the network: drop every connection and refuse new ones until `networkBack()`. */
  networkDown(): void
  networkBack(): void
  close(): Promise<void>
}

/** The parts of GET /api/conversations/:id these tests read. */
export interface ServerConversation {
  id: string
  status: string
  transcript: Array<{ kind: string; seq: number; from?: string; text?: string; automated?: string; reason?: string; status?: string; clientId?: string }>
  history?: Array<{ status?: string; reason?: string }>
}

export async function startEnv(serverOptions: Record<string, unknown> = {}): Promise<Env> {
  const started = await startServer({ graceMs: 1_500, agentTokens: { [AGENT_TOKEN]: { id: 'a1', name: 'Agent One' } }, ...serverOptions } as never)
  const proxy = await startProxy(started.url)
  const storage = mapStorage()
  const chats: Chat[] = []
  const agents: RawAgent[] = []
  return {
    url: started.url,
    server: started.server,
    proxy,
    storage,
    chats,
    chat(options = {}) {
      const chat = createChat({ url: proxy.url, widgetId: 'site', WebSocket, storage, minReconnectDelayMs: 50, maxReconnectDelayMs: 200, pongTimeoutMs: 1_000, ...options })
      chats.push(chat)
      return chat
    },
    async agent() {
      const agent = await connectAgent(started.url, AGENT_TOKEN)
      agents.push(agent)
      return agent
    },
    async conversation(id) {
      const response = await fetch(`${started.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      if (!response.ok) throw new Error(`GET /api/conversations/${id}: ${response.status}`)
      return (await response.json()) as ServerConversation
    },
    networkDown() {
      proxy.refuse(true)
      proxy.dropAll()
    },
    networkBack() {
      proxy.refuse(false)
    },
    async close() {
      for (const chat of chats) chat.destroy()
      await Promise.all(agents.map((a) => a.close()))
      await proxy.close()
      await started.close()
    },
  }
}

/** Wait until the server shows the conversation in one of `statuses`. */
export async function serverStatus(env: Env, id: string, statuses: string[], timeoutMs = 10_000): Promise<ServerConversation> {
  let last: ServerConversation | undefined
  await waitFor(async () => {
    last = await env.conversation(id)
    return statuses.includes(last.status)
  }, timeoutMs, `conversation ${id} in ${statuses.join('|')}`)
  return last!
}
