import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAgent, AgentError, type Agent, type AgentConversation } from '../../src/agent/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { customer, type Raw } from '../helpers/raw.js'

let server: StartedServer
let proxy: Proxy | undefined
const agents: Agent[] = []
const customers: Raw[] = []

afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const c of customers.splice(0)) await c.close().catch(() => undefined)
  await proxy?.close()
  proxy = undefined
  await server?.close()
})

function agentFor(token = 'agent-token', capacity?: number, url = server.url): Agent {
  const agent = createAgent({ url, token, WebSocket, ...(capacity ? { capacity } : {}) })
  agents.push(agent)
  return agent
}

/** Resolves with the first value `event` delivers that passes `test`. */
function next<T>(agent: Agent, event: 'offer' | 'conversation' | 'capacity' | 'connection', test: (v: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const off = agent.on(event as 'offer', ((value: T) => {
      if (!test(value)) return
      off()
      resolve(value)
    }) as never)
  })
}

async function newCustomer(): Promise<{ raw: Raw; id: string }> {
  const { raw, welcome } = await customer(server.url)
  customers.push(raw)
  return { raw, id: String(welcome.conversationId) }
}

describe('createAgent', () => {
  it('connects with a good token and rejects a bad one with unauthorized', async () => {
    server = await startServer()
    const ready = await agentFor().connect()
    expect(ready.agent).toMatchObject({ id: 'a1', name: 'Ana', capacity: 2 })

    const bad = agentFor('wrong-token')
    const error = await bad.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AgentError)
    expect((error as AgentError).code).toBe('unauthorized')
    expect(bad.connection).toBe('closed')
  })

  it('reconnects after the server restarts (server-closing is not the end of the console)', async () => {
    server = await startServer()
    // The restarted server listens on a new port (the old one may be taken meanwhile): a proxy keeps the URL.
    proxy = await startProxy(server.url)
    const agent = agentFor('agent-token', undefined, proxy.url)
    await agent.connect()
    const lost = next<{ state: string }>(agent, 'connection', (c) => c.state === 'reconnecting' || c.state === 'closed')
    await server.close()
    expect(await lost).toEqual({ state: 'reconnecting' })
    const back = next<{ state: string }>(agent, 'connection', (c) => c.state === 'connected')
    server = await startServer()
    proxy.retarget(server.url)
    await back
    expect(agent.connection).toBe('connected')
  })

  it('is offered a conversation, accepts it, and chats both ways with a customer', async () => {
    server = await startServer()
    const agent = agentFor()
    await agent.connect()
    const offered = next<AgentConversation>(agent, 'offer')
    const { raw, id } = await newCustomer()
    expect((await offered).id).toBe(id)

    const accepted = await agent.accept(id)
    expect(accepted).toMatchObject({ id, status: 'active', agent: { id: 'a1' } })
    expect(agent.offers.has(id)).toBe(false)
    await raw.next((f) => f.type === 'event' && (f.item as { status?: string }).status === 'active')

    const fromCustomer = new Promise<string>((resolve) =>
      agent.on('message', ({ message }) => message.from === 'customer' && resolve(message.text)),
    )
    raw.send({ type: 'message', clientId: 'c-1', text: 'My order is late' })
    expect(await fromCustomer).toBe('My order is late')

    const ack = await agent.send(id, 'Let me check')
    expect(ack.seq).toBeGreaterThan(0)
    const seen = await raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'Let me check')
    expect((seen.item as { seq: number }).seq).toBe(ack.seq)
  })

  it('accepting twice (an offer event and a capacity event, say) sends one accept, and both calls resolve', async () => {
    server = await startServer()
    const agent = agentFor()
    await agent.connect()
    const offered = next<AgentConversation>(agent, 'offer')
    const { id } = await newCustomer()
    await offered
    const errors: string[] = []
    agent.on('error', (e) => errors.push(e.code))
    // A second accept on the wire would come back as a conflict naming the conversation.
    const [first, second] = await Promise.all([agent.accept(id), agent.accept(id)])
    expect(first).toMatchObject({ id, status: 'active' })
    expect(second).toMatchObject({ id, status: 'active' })
    // Once it is ours, accept answers at once.
    expect(await agent.accept(id)).toMatchObject({ id, status: 'active' })
    // Accepts of one agent take its lock in turn: once a later one is answered, any refusal of the
    // second accept above would have arrived.
    const later = next<AgentConversation>(agent, 'offer')
    const other = await newCustomer()
    await later
    await agent.accept(other.id)
    expect(errors).toEqual([])
  })

  it('reports capacity through accept, end and close', async () => {
    server = await startServer({ wrapUpCapacity: 'block' })
    const agent = agentFor()
    await agent.connect()
    const offered = next<AgentConversation>(agent, 'offer')
    const { id } = await newCustomer()
    await offered
    const used = (n: number) => next<{ used: number }>(agent, 'capacity', (c) => c.used === n)

    const one = used(1)
    await agent.accept(id)
    await one
    expect(agent.capacity).toEqual({ used: 1, total: 2 })

    expect((await agent.end(id)).status).toBe('wrap-up')
    expect(agent.capacity.used).toBe(1) // 'block': wrap-up keeps the unit

    const zero = used(0)
    expect((await agent.close(id)).status).toBe('closed')
    await zero
    expect(agent.capacity).toEqual({ used: 0, total: 2 })
  })

  it('gets its conversations back after a reconnect, transcripts without duplicates', async () => {
    server = await startServer({ agentGraceMs: 5_000 })
    proxy = await startProxy(server.url)
    const agent = agentFor('agent-token', undefined, proxy.url)
    await agent.connect()
    const offered = next<AgentConversation>(agent, 'offer')
    const { raw, id } = await newCustomer()
    await offered
    await agent.accept(id)
    await agent.send(id, 'first')

    const dropped = next<string>(agent, 'connection', (s) => (s as unknown as { state: string }).state === 'reconnecting')
    const back = next<string>(agent, 'connection', (s) => (s as unknown as { state: string }).state === 'connected')
    proxy.dropAll()
    await dropped
    raw.send({ type: 'message', clientId: 'c-gap', text: 'while you were away' })
    await back

    const gap = new Promise<void>((resolve) => {
      const check = () => agent.conversations.get(id)?.transcript.some((i) => i.kind === 'message' && i.text === 'while you were away')
      if (check()) return resolve()
      agent.on('message', () => check() && resolve())
    })
    await gap
    const transcript = agent.conversations.get(id)?.transcript ?? []
    const seqs = transcript.map((i) => i.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(transcript.filter((i) => i.kind === 'message' && i.text === 'first')).toHaveLength(1)
    expect(agent.conversations.get(id)?.status).toBe('active')
  })

  it('is refused with forbidden when acting on a conversation it does not own', async () => {
    server = await startServer({ agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 }, other: { id: 'b2', name: 'Bo', capacity: 2 } } })
    const ana = agentFor()
    const bo = agentFor('other')
    await Promise.all([ana.connect(), bo.connect()])
    const offered = next<AgentConversation>(ana, 'offer')
    const { id } = await newCustomer()
    await offered
    await ana.accept(id)

    const error = await bo.send(id, 'not mine').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'forbidden' })
    const closeError = await bo.close(id).catch((e: unknown) => e)
    expect(closeError).toMatchObject({ code: 'forbidden' })
    expect(ana.conversations.get(id)?.status).toBe('active')
  })
})
