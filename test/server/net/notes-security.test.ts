/**
 * An internal note never reaches a customer, one test per path a customer can read from:
 * the live frames of its socket, the replay on resume, a second tab, the HTTP API answered to its
 * resume token, the fan-out to a customer on another process over Redis, and the customer SDK's own
 * transcript copy in storage (what the widget shows and keeps). Each test first makes sure the note
 * did circulate (an agent console got it) and that a later item did reach the customer, so the
 * absence is not a matter of timing.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAgent, type Agent } from '../../../src/agent/index.js'
import { createChat } from '../../../src/client/index.js'
import type { Chat } from '../../../src/client/types.js'
import { createServer, type HoldlineServer } from '../../../src/server/index.js'
import { mapStorage, waitFor } from '../../client/helpers.js'
import { customer, Raw, type Frame } from '../../helpers/raw.js'
import { startRedis, type RunningRedis } from '../../helpers/redis-server.mjs'
import { startServer, TEST_SERVER_DEFAULTS, type StartedServer } from '../../helpers/server.js'

const SECRET = 'NOTE-7f3a: customer is on the fraud watch list'

let server: StartedServer | undefined
const servers: HoldlineServer[] = []
const agents: Agent[] = []
const raws: Raw[] = []
const chats: Chat[] = []
let redis: RunningRedis | undefined

afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const c of chats.splice(0)) c.destroy()
  for (const r of raws.splice(0)) await r.close().catch(() => undefined)
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await server?.close()
  server = undefined
})
afterAll(async () => {
  await redis?.stop()
})

async function signIn(url: string, token = 'agent-token'): Promise<{ agent: Agent; notes: string[] }> {
  const agent = createAgent({ url, token, WebSocket })
  agents.push(agent)
  const notes: string[] = []
  agent.on('note', ({ note }) => notes.push(note.text))
  await agent.connect()
  return { agent, notes }
}

/** A raw customer whose chat Ana has accepted. */
async function acceptedChat(url: string): Promise<{ ana: Awaited<ReturnType<typeof signIn>>; raw: Raw; welcome: Frame; id: string }> {
  const ana = await signIn(url)
  const { raw, welcome } = await customer(url)
  raws.push(raw)
  const id = String(welcome.conversationId)
  await waitFor(() => ana.agent.offers.has(id))
  await ana.agent.accept(id)
  await raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'active')
  return { ana, raw, welcome, id }
}

/** Ana writes the note, then a message; the customer socket gets the message (so it would have had the note). */
async function noteThenMessage(ana: Agent, id: string, raws_: Raw[], marker: string): Promise<void> {
  await ana.note(id, SECRET)
  await ana.send(id, marker)
  for (const raw of raws_) await raw.next((f) => f.type === 'event' && (f.item as Frame).text === marker)
}

const leaks = (raw: Raw): boolean => JSON.stringify(raw.frames).includes(SECRET) || JSON.stringify(raw.frames).includes('"notes"')

describe('internal notes reach no customer', () => {
  it('live: nothing of the note on the customer socket, though the agent console has it', async () => {
    server = await startServer()
    const { ana, raw, id } = await acceptedChat(server.url)
    await noteThenMessage(ana.agent, id, [raw], 'after the note')
    expect(ana.notes).toEqual([SECRET])
    expect(leaks(raw)).toBe(false)
    expect(raw.frames.some((f) => f.type === 'note')).toBe(false)
  })

  it('replay on resume: the welcome and the replayed items hold no note', async () => {
    server = await startServer()
    const { ana, raw, welcome, id } = await acceptedChat(server.url)
    await noteThenMessage(ana.agent, id, [raw], 'before the reload')
    await raw.close()
    const again = await customer(server.url, { resume: { conversationId: id, token: welcome.token, lastSeq: 0 } })
    raws.push(again.raw)
    expect(again.welcome.resumed).toBe(true)
    await again.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'before the reload')
    expect(leaks(again.raw)).toBe(false)
  })

  it('a second tab: neither its replay nor a note written after it joined', async () => {
    server = await startServer()
    const { ana, raw, welcome, id } = await acceptedChat(server.url)
    const tab = await customer(server.url, { tabId: 'tab-2', resume: { conversationId: id, token: welcome.token, lastSeq: 0 } })
    raws.push(tab.raw)
    await noteThenMessage(ana.agent, id, [raw, tab.raw], 'to both tabs')
    expect(leaks(raw)).toBe(false)
    expect(leaks(tab.raw)).toBe(false)
  })

  it('HTTP: the conversation view answers 401 to the customer\'s resume token, and shows the notes to agent and admin tokens', async () => {
    server = await startServer()
    const { ana, raw, welcome, id } = await acceptedChat(server.url)
    await noteThenMessage(ana.agent, id, [raw], 'http')
    const as = (token: string) => fetch(`${server!.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${String(token)}` } })
    const refused = await as(String(welcome.token))
    const body = await refused.text()
    expect(refused.status).toBe(401)
    expect(body).not.toContain(SECRET)
    for (const token of ['agent-token', 'admin-token']) {
      const shown = (await (await as(token)).json()) as { notes: Array<{ text: string }> }
      expect(shown.notes.map((n) => n.text)).toEqual([SECRET])
    }
  })

  it('the customer SDK\'s transcript and its stored copy (what the widget shows and keeps) hold no note', async () => {
    server = await startServer()
    const ana = await signIn(server.url)
    const storage = mapStorage()
    const chat = createChat({ url: server.url, widgetId: 'site', WebSocket, storage })
    chats.push(chat)
    const { id } = await chat.start()
    await waitFor(() => ana.agent.offers.has(id))
    await ana.agent.accept(id)
    await ana.agent.note(id, SECRET)
    await ana.agent.send(id, 'sdk marker')
    await waitFor(() => chat.messages.some((m) => m.text === 'sdk marker'))
    expect(JSON.stringify(chat.messages)).not.toContain(SECRET)
    expect(storage.map.size).toBeGreaterThan(0)
    expect(JSON.stringify([...storage.map.values()])).not.toContain(SECRET)
  })

  it('over Redis: the note fanned out to another process reaches its supervisor, never its customer sockets', async () => {
    redis = await startRedis()
    const options = { ...TEST_SERVER_DEFAULTS, store: redis.url, staticRoot: false as const, distRoot: false as const }
    const a = await createServer(options)
    servers.push(a)
    const b = await createServer(options)
    servers.push(b)
    const boss = await signIn(b.url, 'admin-token')
    const ana = await signIn(a.url)
    const { raw, welcome } = await customer(b.url)
    raws.push(raw)
    const id = String(welcome.conversationId)
    await waitFor(() => ana.agent.offers.has(id))
    await ana.agent.accept(id)
    // A second tab of the customer on the agent's process too.
    const tab = await customer(a.url, { tabId: 'tab-2', resume: { conversationId: id, token: welcome.token, lastSeq: 0 } })
    raws.push(tab.raw)
    await noteThenMessage(ana.agent, id, [raw, tab.raw], 'across processes')
    await waitFor(() => boss.notes.length === 1)
    expect(boss.notes).toEqual([SECRET])
    expect(leaks(raw)).toBe(false)
    expect(leaks(tab.raw)).toBe(false)
  })
})
