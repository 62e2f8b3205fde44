/**
 * Internal notes over real sockets: recorded once per client id, delivered to every
 * console that may see the conversation in order and exactly once (live, in an offer, in the ready
 * snapshot after a reconnect), re-sent by the agent outbox after a lost network, and refused with
 * stable codes. That they reach no customer is notes-security.test.ts's job.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAgent, AgentError, type Agent, type NoteItem } from '../../src/agent/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { agent as rawAgent, customer, waitFor, type Raw } from '../helpers/raw.js'

const TOKENS = { 'ana-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'bob-token': { id: 'a2', name: 'Bob', capacity: 2 } }

let server: StartedServer
let proxy: Proxy | undefined
const agents: Agent[] = []
const raws: Raw[] = []

afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const r of raws.splice(0)) await r.close().catch(() => undefined)
  await proxy?.close()
  proxy = undefined
  await server?.close()
})

function console_(token: string, url = server.url): { agent: Agent; notes: Array<[string, string]> } {
  const agent = createAgent({ url, token, WebSocket })
  agents.push(agent)
  const notes: Array<[string, string]> = []
  agent.on('note', ({ conversationId, note }) => notes.push([conversationId, note.text]))
  return { agent, notes }
}

/** Ana (SDK) holds an active chat with a raw customer. */
async function activeWithAna(url?: string): Promise<{ ana: ReturnType<typeof console_>; id: string; customerRaw: Raw }> {
  const ana = console_('ana-token', url)
  await ana.agent.connect()
  const offered = new Promise<string>((resolve) => ana.agent.on('offer', (c) => resolve(c.id)))
  const c = await customer(server.url)
  raws.push(c.raw)
  const id = await offered
  await ana.agent.accept(id)
  return { ana, id, customerRaw: c.raw }
}

async function storedNotes(id: string): Promise<NoteItem[]> {
  const response = await fetch(`${server.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })
  return ((await response.json()) as { notes: NoteItem[] }).notes
}

describe('internal notes over real sockets', () => {
  it('are recorded with the transcript position, and every console of the agent gets each once, in order, live and after a reconnect', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const { ana, id } = await activeWithAna()
    const second = console_('ana-token')
    await second.agent.connect()
    const lastSeq = ana.agent.conversations.get(id)?.transcript.at(-1)?.seq
    const first = await ana.agent.note(id, 'Asked for the manager')
    expect(first).toMatchObject({ text: 'Asked for the manager', agent: { id: 'a1', name: 'Ana' }, afterSeq: lastSeq })
    await ana.agent.note(id, 'Calmer now')
    await waitFor(() => second.notes.length === 2)
    expect(ana.notes).toEqual([[id, 'Asked for the manager'], [id, 'Calmer now']])
    expect(second.notes).toEqual(ana.notes)
    expect(second.agent.conversations.get(id)?.notes?.map((n) => n.text)).toEqual(['Asked for the manager', 'Calmer now'])
    // A new console of the agent has them in its ready snapshot: one event each.
    const third = console_('ana-token')
    await third.agent.connect()
    expect(third.notes).toEqual(ana.notes)
    expect(await storedNotes(id)).toHaveLength(2)
    // Notes took no seq: the transcript (and the customer's seq space) has no hole.
    const transcript = third.agent.conversations.get(id)?.transcript ?? []
    expect(transcript.map((i) => i.seq)).toEqual(transcript.map((_, n) => n + 1))
  })

  it('written while the network is down: sent by the outbox after the reconnect, recorded once, one event', async () => {
    server = await startServer({ agentTokens: TOKENS })
    proxy = await startProxy(server.url)
    const { ana, id } = await activeWithAna(proxy.url)
    const lost = new Promise<void>((resolve) => ana.agent.on('connection', ({ state }) => state === 'reconnecting' && resolve()))
    proxy.refuse(true)
    proxy.dropAll()
    await lost
    const written = ana.agent.note(id, 'Written offline')
    proxy.refuse(false)
    expect((await written).text).toBe('Written offline')
    expect(ana.notes).toEqual([[id, 'Written offline']])
    expect((await storedNotes(id)).map((n) => n.text)).toEqual(['Written offline'])
  })

  it('a repeated client id is answered with the note first recorded, and other consoles see it once', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const { ana, id } = await activeWithAna()
    const raw = await rawAgent(server.url, 'ana-token')
    raws.push(raw.raw)
    raw.raw.send({ type: 'note', conversationId: id, clientId: 'n-1', text: 'once' })
    const answer = await raw.raw.next((f) => f.type === 'note')
    const from = raw.raw.frames.length
    raw.raw.send({ type: 'note', conversationId: id, clientId: 'n-1', text: 'once' })
    const again = await raw.raw.next((f) => f.type === 'note', { from })
    expect((again.note as NoteItem).id).toBe((answer.note as NoteItem).id)
    await ana.agent.note(id, 'after')
    expect(ana.notes).toEqual([[id, 'once'], [id, 'after']])
    expect(await storedNotes(id)).toHaveLength(2)
  })

  it('go to the agent offered the chat after a transfer (in the offer), and no longer to the agent who let it go', async () => {
    server = await startServer({ agentTokens: TOKENS })
    const { ana, id } = await activeWithAna()
    const bob = console_('bob-token')
    await bob.agent.connect()
    await ana.agent.note(id, 'before the transfer')
    const offered = new Promise<void>((resolve) => bob.agent.on('offer', (c) => c.id === id && resolve()))
    await ana.agent.transfer(id, { to: 'a2' })
    await offered
    expect(bob.notes).toEqual([[id, 'before the transfer']])
    await bob.agent.accept(id)
    await bob.agent.note(id, 'Bob took over')
    await waitFor(() => bob.notes.length === 2)
    expect(bob.notes).toEqual([[id, 'before the transfer'], [id, 'Bob took over']])
    expect(ana.notes).toEqual([[id, 'before the transfer']])
  })

  it('refuses with stable codes: not one\'s chat, a closed chat, an over-long text; the console goes on', async () => {
    server = await startServer({ agentTokens: TOKENS, limits: { maxTextLength: 50 } })
    const { ana, id } = await activeWithAna()
    const bob = console_('bob-token')
    await bob.agent.connect()
    const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: unknown) => (e instanceof AgentError ? e.code : String(e)))
    expect(await code(bob.agent.note(id, 'not mine'))).toBe('forbidden')
    expect(await code(ana.agent.note(id, 'x'.repeat(51)))).toBe('text-too-long')
    expect(await code(ana.agent.note('no-such-chat', 'where'))).toBe('not-found')
    await ana.agent.close(id)
    expect(await code(ana.agent.note(id, 'too late'))).toBe('conflict')
    expect(await storedNotes(id)).toEqual([])
  })
})
