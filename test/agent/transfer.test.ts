/**
 * Transfer over real sockets, agent SDK and customer SDK on a real server: to a colleague
 * who is offered the chat alone and accepts it, capacity moving with it, the customer told once;
 * back to the queue; and the refusals with their codes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAgent, AgentError, type Agent, type AgentConversation } from '../../src/agent/index.js'
import { createChat } from '../../src/client/index.js'
import type { Chat } from '../../src/client/types.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { mapStorage, waitFor } from '../client/helpers.js'
import { agent as rawAgent, type Frame } from '../helpers/raw.js'

const TOKENS = {
  'ana-token': { id: 'a1', name: 'Ana', capacity: 2 },
  'bob-token': { id: 'a2', name: 'Bob', capacity: 2 },
  'cy-token': { id: 'a3', name: 'Cy', capacity: 2 },
}

let server: StartedServer
const agents: Agent[] = []
const chats: Chat[] = []

afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const c of chats.splice(0)) c.destroy()
  await server?.close()
})

/** An agent signed in, with every offer and capacity it was sent recorded. */
async function signIn(token: keyof typeof TOKENS): Promise<{ agent: Agent; offers: string[]; capacity: number[] }> {
  const agent = createAgent({ url: server.url, token, WebSocket })
  agents.push(agent)
  const offers: string[] = []
  const capacity: number[] = []
  agent.on('offer', (c) => offers.push(c.id))
  agent.on('capacity', (c) => capacity.push(c.used))
  await agent.connect()
  return { agent, offers, capacity }
}

function nextOffer(agent: Agent, id?: string): Promise<AgentConversation> {
  return new Promise((resolve) => {
    const off = agent.on('offer', (c) => {
      if (id !== undefined && c.id !== id) return
      off()
      resolve(c)
    })
  })
}

async function customerChat(): Promise<{ chat: Chat; id: string }> {
  const chat = createChat({ url: server.url, widgetId: 'site', WebSocket, storage: mapStorage(), minReconnectDelayMs: 50, maxReconnectDelayMs: 200 })
  chats.push(chat)
  const info = await chat.start()
  return { chat, id: info.id }
}

describe('transfer over real sockets', () => {
  it('to a colleague: offered to them alone, accepted; capacity moves; the customer is told exactly once; the note is in the offer', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const ana = await signIn('ana-token')
    const bob = await signIn('bob-token')
    const cy = await signIn('cy-token')
    const offered = nextOffer(ana.agent)
    const { chat, id } = await customerChat()
    await offered
    await ana.agent.accept(id)
    await waitFor(() => ana.capacity.at(-1) === 1, 5_000, 'Ana uses a unit')

    const toBob = nextOffer(bob.agent, id)
    const bobNotes: string[] = []
    bob.agent.on('note', ({ note }) => bobNotes.push(note.text))
    const moved = await ana.agent.transfer(id, { to: 'a2', note: 'Wants a refund; order 1234' })
    expect(moved.status).toBe('open')
    expect(moved.agent).toBeUndefined()
    const offer = await toBob
    expect(offer.notes?.map((n) => n.text)).toEqual(['Wants a refund; order 1234'])
    expect(offer.transcript.at(-2)).toMatchObject({ kind: 'status', status: 'open', reason: 'agent-transferred' })
    await waitFor(() => ana.capacity.at(-1) === 0, 5_000, 'Ana has her unit back')

    await bob.agent.accept(id)
    await waitFor(() => bob.capacity.at(-1) === 1, 5_000, 'Bob uses a unit')
    expect(bob.agent.conversations.get(id)?.agent).toEqual({ id: 'a2', name: 'Bob' })
    expect(bobNotes).toEqual(['Wants a refund; order 1234'])
    // Offered to Bob alone: Ana and Cy saw only the first offer, before Ana took it.
    expect(cy.offers.filter((o) => o === id)).toHaveLength(1)
    expect(ana.offers.filter((o) => o === id)).toHaveLength(1)

    await waitFor(() => chat.conversation?.status === 'active' && chat.conversation.agent?.id === 'a2', 5_000, 'the customer is with Bob')
    const told = chat.messages.filter((m) => m.automated === 'agent-transferred')
    expect(told).toHaveLength(1)
    expect(told[0]?.text).toBe('You are being transferred to another agent.')
    expect(chat.messages.some((m) => m.text.includes('order 1234'))).toBe(false)

    // The history records it.
    const view = (await (await fetch(`${server.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()) as { history: Array<{ status: string; reason: string }> }
    expect(view.history.map((h) => `${h.status}:${h.reason}`)).toEqual(['open:customer-started', 'active:agent-accepted', 'open:agent-transferred', 'active:agent-accepted'])
  })

  it('back to the queue: offered to the others, not to the agent who sent it back; to them when nobody else has room', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const ana = await signIn('ana-token')
    const bob = await signIn('bob-token')
    const first = nextOffer(ana.agent)
    const { id } = await customerChat()
    await first
    await ana.agent.accept(id)
    const toBob = nextOffer(bob.agent, id)
    const queued = await ana.agent.transfer(id)
    expect(queued.status).toBe('open')
    await toBob
    await bob.agent.accept(id)
    expect(ana.offers.filter((o) => o === id)).toHaveLength(1)

    // Bob alone now: his transfer to the queue comes back to him, since nobody else has room.
    ana.agent.disconnect()
    const back = nextOffer(bob.agent, id)
    await bob.agent.transfer(id)
    expect((await back).id).toBe(id)
  })

  it('refuses with stable codes: to oneself, to an unknown agent, a chat not one\'s own, one not active, an over-long note', async () => {
    server = await startServer({ agentTokens: TOKENS, limits: { maxTextLength: 50 } })
    const ana = await signIn('ana-token')
    const bob = await signIn('bob-token')
    const first = nextOffer(ana.agent)
    const { id } = await customerChat()
    await first
    const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: unknown) => (e instanceof AgentError ? e.code : String(e)))
    expect(await code(ana.agent.transfer(id, { to: 'a2' }))).toBe('forbidden')
    await ana.agent.accept(id)
    expect(await code(ana.agent.transfer(id, { to: 'a1' }))).toBe('transfer-to-self')
    expect(await code(ana.agent.transfer(id, { to: 'nobody' }))).toBe('unknown-agent')
    expect(await code(ana.agent.transfer(id, { to: 'a2', note: 'x'.repeat(51) }))).toBe('text-too-long')
    expect(await code(bob.agent.transfer(id, { to: 'a3' }))).toBe('forbidden')
    await ana.agent.end(id)
    expect(await code(ana.agent.transfer(id, { to: 'a2' }))).toBe('conflict')
    // Nothing moved, and the console goes on.
    expect(ana.agent.conversations.get(id)?.status).toBe('wrap-up')
    expect((await ana.agent.close(id)).status).toBe('closed')
  })
})

describe('a transfer sent again', () => {
  it('after its answer was lost, is answered as done (not refused), and recorded once', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const { raw } = await rawAgent(server.url, 'ana-token')
    const { id } = await customerChat()
    await raw.next((f) => f.type === 'offer')
    raw.send({ type: 'accept', conversationId: id })
    await raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'active')
    raw.send({ type: 'transfer', conversationId: id, to: 'a2', note: 'once' })
    await raw.next((f) => f.type === 'conversation')
    // As an outbox re-sends it on a new socket after a reconnect.
    const again = await rawAgent(server.url, 'ana-token')
    again.raw.send({ type: 'transfer', conversationId: id, to: 'a2', note: 'once' })
    const answer = await again.raw.next((f) => f.type === 'conversation' || f.type === 'error')
    expect(answer.type).toBe('conversation')
    const view = (await (await fetch(`${server.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()) as { history: Array<{ reason: string }>; notes: unknown[] }
    expect(view.history.filter((h) => h.reason === 'agent-transferred')).toHaveLength(1)
    expect(view.notes).toHaveLength(1)
    await raw.close()
    await again.raw.close()
  })
})
