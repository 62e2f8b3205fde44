/**
 * The supervisor: an admin token on the agent socket signs in as a supervisor that holds
 * no capacity and is never offered a chat, sees every live conversation, every agent (load and
 * presence) and the queue, follows their events, notes and presence, and may reassign an active
 * chat or direct an open one to an agent. Real server, real sockets, the agent SDK.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAgent, type Agent, type AgentConversation, type AgentSummary } from '../../src/agent/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { customer, waitFor, type Raw } from '../helpers/raw.js'

const TOKENS = { 'ana-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'bob-token': { id: 'a2', name: 'Bob', capacity: 1 } }

let server: StartedServer
const agents: Agent[] = []
const raws: Raw[] = []

afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const r of raws.splice(0)) await r.close().catch(() => undefined)
  await server?.close()
})

function signIn(token: string): Agent {
  const agent = createAgent({ url: server.url, token, WebSocket })
  agents.push(agent)
  return agent
}

function nextOffer(agent: Agent, id: string): Promise<AgentConversation> {
  return new Promise((resolve) => {
    const off = agent.on('offer', (c) => c.id === id && (off(), resolve(c)))
  })
}

async function newCustomer(): Promise<{ raw: Raw; id: string }> {
  const { raw, welcome } = await customer(server.url)
  raws.push(raw)
  return { raw, id: String(welcome.conversationId) }
}

describe('the supervisor', () => {
  it('signs in with an admin token: every live chat, every agent with load and presence, no capacity, no offers', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const ana = signIn('ana-token')
    await ana.connect()
    const queued = await newCustomer()
    const taken = await newCustomer()
    await waitFor(() => ana.offers.has(taken.id))
    await ana.accept(taken.id)

    const boss = signIn('admin-token')
    const offers: string[] = []
    boss.on('offer', (c) => offers.push(c.id))
    const ready = await boss.connect()
    expect(ready.agent).toMatchObject({ id: 'supervisor', capacity: 0 })
    expect(boss.role).toBe('supervisor')
    expect(ana.role).toBe('agent')
    expect(new Map([...boss.conversations].map(([id, c]) => [id, c.status]))).toEqual(new Map([[queued.id, 'open'], [taken.id, 'active']]))
    expect(boss.agents.get('a1')).toEqual({ id: 'a1', name: 'Ana', online: true, used: 1, capacity: 2 })
    expect(boss.agents.get('a2')).toEqual({ id: 'a2', name: 'Bob', online: false, used: 0, capacity: 1 })

    // Presence and load follow: Bob signs in, Ana goes.
    const seen: AgentSummary[][] = []
    boss.on('agents', (list) => seen.push(list))
    const bob = signIn('bob-token')
    await bob.connect()
    await waitFor(() => boss.agents.get('a2')?.online === true)
    ana.disconnect()
    await waitFor(() => boss.agents.get('a1')?.online === false)
    expect(seen.length).toBeGreaterThanOrEqual(2)

    // A new chat reaches the supervisor as a conversation, never as an offer; its items follow.
    const third = await newCustomer()
    await waitFor(() => boss.conversations.has(third.id))
    third.raw.send({ type: 'message', clientId: 'm-1', text: 'hello?' })
    await waitFor(() => boss.conversations.get(third.id)?.transcript.some((i) => i.kind === 'message' && i.text === 'hello?') === true)
    expect(offers).toEqual([])
    expect(boss.capacity.total).toBe(0)
  })

  it('receives the events, notes and customer presence of every conversation', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const ana = signIn('ana-token')
    await ana.connect()
    const boss = signIn('admin-token')
    await boss.connect()
    const { raw, id } = await newCustomer()
    await waitFor(() => ana.offers.has(id))
    await ana.accept(id)
    const messages: string[] = []
    const notes: string[] = []
    boss.on('message', ({ message }) => messages.push(`${message.from}:${message.text}`))
    boss.on('note', ({ note }) => notes.push(`${note.agent.id}:${note.text}`))
    await ana.send(id, 'How can I help?')
    await ana.note(id, 'Regular customer')
    await waitFor(() => notes.length === 1 && messages.includes('agent:How can I help?'))
    expect(notes).toEqual(['a1:Regular customer'])
    // The supervisor writes a note too; Ana gets it.
    const anaNotes: string[] = []
    ana.on('note', ({ note }) => anaNotes.push(note.text))
    const written = await boss.note(id, 'Offer the voucher')
    expect(written.agent).toEqual({ id: 'supervisor', name: 'Supervisor' })
    await waitFor(() => anaNotes.length === 1)
    expect(anaNotes).toEqual(['Offer the voucher'])
    const gone = new Promise<void>((resolve) => boss.on('customer-presence', (p) => p.conversationId === id && p.state === 'disconnected' && resolve()))
    raw.send({ type: 'away' })
    await gone
    // But a supervisor neither writes to the customer nor takes a chat.
    await expect(boss.send(id, 'hi')).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('reassigns an active chat to another agent or the queue, and directs an open one to an agent', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const ana = signIn('ana-token')
    const bob = signIn('bob-token')
    await ana.connect()
    await bob.connect()
    const boss = signIn('admin-token')
    await boss.connect()

    // Directing an open chat: offered to Bob alone from then on.
    const { id } = await newCustomer()
    await waitFor(() => ana.offers.has(id) && bob.offers.has(id))
    const withdrawn = new Promise<void>((resolve) => ana.on('offer-withdrawn', (c) => c.conversationId === id && resolve()))
    const directed = await boss.transfer(id, { to: 'a2' })
    expect(directed.status).toBe('open')
    await withdrawn
    expect(bob.offers.has(id)).toBe(true)
    await bob.accept(id)

    // Reassigning Bob's active chat to Ana: Bob's unit is free, Ana is offered it alone and takes it.
    const toAna = nextOffer(ana, id)
    const moved = await boss.transfer(id, { to: 'a1', note: 'Bob is off at six' })
    expect(moved.status).toBe('open')
    expect((await toAna).notes?.map((n) => n.text)).toEqual(['Bob is off at six'])
    await waitFor(() => boss.agents.get('a2')?.used === 0)
    await ana.accept(id)
    await waitFor(() => boss.agents.get('a1')?.used === 1)
    expect(boss.conversations.get(id)?.agent?.id).toBe('a1')

    // And back to the queue: offered to the others (Bob), Ana passed over.
    const toBob = nextOffer(bob, id)
    await boss.transfer(id)
    await toBob
    expect(ana.offers.has(id)).toBe(false)
    // Sent again (as after a lost answer): answered as done, nothing recorded twice.
    expect((await boss.transfer(id)).status).toBe('open')
    const transfers = boss.conversations.get(id)?.transcript.filter((i) => i.kind === 'status' && i.reason === 'agent-transferred')
    expect(transfers).toHaveLength(2)
  })
})
