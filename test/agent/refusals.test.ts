/** Refusals of the console's requests: retried in order when they ask for it, final otherwise, and a server fault told to the app. */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { AgentError, createAgent, type Agent, type AgentConversation } from '../../src/agent/index.js'
import type { MessageItem } from '../../src/protocol/index.js'
import { MemoryStore } from '../../src/server/store/memory-store.js'
import type { Mutator, Schedule, TransactResult } from '../../src/server/store/types.js'
import { StoreUnavailableError } from '../../src/server/store/unavailable.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { customer, type Raw } from '../helpers/raw.js'

/** Fails the writes of agent messages with the given texts: `down` as an outage (once each), `bug` as a bug. */
class FailingStore extends MemoryStore {
  readonly down = new Set<string>()
  readonly bug = new Set<string>()
  readonly attempts = new Map<string, number>()
  override async transact(id: string, mutate: Mutator, schedule?: Schedule): Promise<TransactResult | undefined> {
    return super.transact(id, (conv) => {
      const step = mutate(conv)
      for (const d of step?.drafts ?? []) {
        if (d.kind !== 'message' || d.from !== 'agent') continue
        this.attempts.set(d.text, (this.attempts.get(d.text) ?? 0) + 1)
        if (this.down.delete(d.text)) throw new StoreUnavailableError('redis unreachable')
        if (this.bug.has(d.text)) throw new RangeError('a bug')
      }
      return step
    }, schedule)
  }
}

let server: StartedServer
let agent: Agent
let raw: Raw
afterEach(async () => {
  agent?.disconnect()
  await raw?.close().catch(() => undefined)
  await server?.close()
})

async function activeChat(store: FailingStore): Promise<string> {
  server = await startServer({ store })
  agent = createAgent({ url: server.url, token: 'agent-token', WebSocket })
  await agent.connect()
  const offered = new Promise<AgentConversation>((resolve) => agent.on('offer', resolve))
  const c = await customer(server.url)
  raw = c.raw
  const id = String(c.welcome.conversationId)
  await offered
  await agent.accept(id)
  return id
}

const recorded = async (id: string): Promise<string[]> =>
  (await server.server.store.transcript(id)).filter((i): i is MessageItem => i.kind === 'message' && i.from === 'agent').map((i) => i.text)

describe('refusals of agent requests', () => {
  it('store-unavailable: the message is sent again, and the ones after it wait their turn', async () => {
    const store = new FailingStore()
    const id = await activeChat(store)
    store.down.add('one')
    const sends = ['one', 'two', 'three'].map((text) => agent.send(id, text))
    await Promise.all(sends)
    expect(await recorded(id)).toEqual(['one', 'two', 'three'])
    expect(store.attempts.get('one')).toBe(2)
  })

  it('internal-error: that message is refused for good, the app hears it, the next ones go on', async () => {
    const store = new FailingStore()
    const id = await activeChat(store)
    store.bug.add('boom')
    const errors: string[] = []
    agent.on('error', (e) => errors.push(e.code))
    const boom = agent.send(id, 'boom').catch((e: unknown) => e)
    const after = agent.send(id, 'after')
    const refused = await boom
    expect(refused).toBeInstanceOf(AgentError)
    expect((refused as AgentError).code).toBe('internal-error')
    await after
    expect(errors).toEqual(['internal-error'])
    expect(store.attempts.get('boom')).toBe(1)
    expect(await recorded(id)).toEqual(['after'])
  })
})
