/**
 * The back-office API on a real server: the list's filters and paging, what agents may see, the
 * transcript as JSON and text, the close through the engine, agents with loads; errors as JSON with
 * their codes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createConversation } from '../../../../src/server/engine/transitions.js'
import type { Conversation } from '../../../../src/server/engine/types.js'
import { MemoryStore } from '../../../../src/server/index.js'
import { activeChat, agent, customer, waitFor, type Frame } from '../../../helpers/raw.js'
import { startServer, type StartedServer } from '../../../helpers/server.js'

const servers: StartedServer[] = []
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined)
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const TOKENS = { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'bo-token': { id: 'b2', name: 'Bo', capacity: 1 } }

async function server(store?: MemoryStore): Promise<StartedServer> {
  const s = await startServer({ staticRoot: false, distRoot: false, agentTokens: TOKENS, ...(store ? { store } : {}) })
  servers.push(s)
  return s
}

async function call(s: StartedServer, path: string, token: string | undefined = 'admin-token', method = 'GET'): Promise<{ status: number; body: any; type: string | null; text: string }> {
  const res = await fetch(s.url + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const text = await res.text()
  const type = res.headers.get('content-type')
  return { status: res.status, type, text, body: type?.startsWith('application/json') ? JSON.parse(text) : undefined }
}

/** Conversations written straight into the store, at chosen times, some with a signed-in `sub`. */
async function seeded(): Promise<MemoryStore> {
  const store = new MemoryStore()
  const rows: Array<[string, number, string | undefined, Conversation['status'], string | undefined]> = [
    ['c1', 1_000, 'user-1', 'open', undefined],
    ['c2', 2_000, 'user-2', 'active', 'a1'],
    ['c3', 3_000, 'user-1', 'active', 'b2'],
    ['c4', 3_000, undefined, 'closed', 'a1'],
    ['c5', 5_000, 'user-1', 'wrap-up', 'b2'],
  ]
  for (const [id, at, sub, status, agentId] of rows) {
    const step = createConversation({ id, widgetId: 'site', customer: { name: `Kim ${id}`, ...(sub ? { sub } : {}) } as Conversation['customer'], tokenHash: 'h' }, { id: `k-${id}`, tabId: 't' }, at)
    step.conversation = { ...step.conversation, status, ...(agentId ? { agent: { id: agentId, name: agentId } } : {}) }
    await store.create(step)
  }
  return store
}

const ids = (body: { conversations: Array<{ id: string }> }) => body.conversations.map((c) => c.id)

describe('GET /api/conversations', () => {
  it('filters by state, agent, customer sub and creation time, newest first', async () => {
    const s = await server(await seeded())
    expect(ids((await call(s, '/api/conversations')).body)).toEqual(['c5', 'c4', 'c3', 'c2', 'c1'])
    expect(ids((await call(s, '/api/conversations?state=active,wrap-up')).body)).toEqual(['c5', 'c3', 'c2'])
    expect(ids((await call(s, '/api/conversations?state=open&state=closed')).body)).toEqual(['c4', 'c1'])
    expect(ids((await call(s, '/api/conversations?agent=b2')).body)).toEqual(['c5', 'c3'])
    expect(ids((await call(s, '/api/conversations?sub=user-1')).body)).toEqual(['c5', 'c3', 'c1'])
    expect(ids((await call(s, '/api/conversations?sub=user-1&state=active')).body)).toEqual(['c3'])
    expect(ids((await call(s, '/api/conversations?from=2000&to=5000')).body)).toEqual(['c4', 'c3', 'c2'])
    expect(ids((await call(s, `/api/conversations?from=${new Date(3_000).toISOString()}`)).body)).toEqual(['c5', 'c4', 'c3'])
    const summary = (await call(s, '/api/conversations?agent=a1&state=active')).body.conversations[0]
    expect(summary).toEqual({ id: 'c2', widgetId: 'site', status: 'active', customer: { name: 'Kim c2', sub: 'user-2' }, agent: { id: 'a1', name: 'a1' }, createdAt: 2_000, statusAt: 2_000 })
  })

  it('pages with a cursor: every conversation once, in order, ties broken by id', async () => {
    const s = await server(await seeded())
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: any = (await call(s, `/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body
      expect(page.conversations.length).toBeLessThanOrEqual(2)
      seen.push(...ids(page))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    expect(seen).toEqual(['c5', 'c4', 'c3', 'c2', 'c1'])
    expect(pages).toBe(3)
    // A page of exactly what is left says it is the last.
    expect((await call(s, '/api/conversations?limit=5')).body.nextCursor).toBeNull()
  })

  it('an agent sees the queue, its own chats and nothing of another agent', async () => {
    const s = await server(await seeded())
    expect(ids((await call(s, '/api/conversations', 'agent-token')).body)).toEqual(['c4', 'c2', 'c1'])
    expect(ids((await call(s, '/api/conversations', 'bo-token')).body)).toEqual(['c5', 'c3', 'c1'])
    expect(ids((await call(s, '/api/conversations?agent=b2', 'agent-token')).body)).toEqual([])
  })

  it('refuses a bad query with 400 bad-query naming what is wrong', async () => {
    const s = await server(await seeded())
    for (const [query, words] of [
      ['state=gone', 'state'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=2.5', 'limit'], ['from=yesterday', 'from'],
      ['from=5000&to=1000', 'before'], ['cursor=bm90LW91cnM', 'cursor'], ['sort=asc', 'unknown parameter sort'], ['agent=a1&agent=b2', 'agent'], ['sub=', 'sub'],
    ] as const) {
      const res = await call(s, `/api/conversations?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body.error, query).toBe('bad-query')
      expect(res.body.message, query).toContain(words)
    }
  })

  it('401 without a token or with an unknown one, as JSON with a stable code', async () => {
    const s = await server()
    for (const token of ['', 'nope']) {
      const res = await call(s, '/api/conversations', token)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ error: 'unauthorized', message: 'an agent or admin token is required' })
    }
    expect((await call(s, '/api/conversations', 'admin-token', 'DELETE')).body.error).toBe('method-not-allowed')
    expect((await call(s, '/api/nothing-here')).status).toBe(404)
  })
})

describe('one conversation', () => {
  it('its transcript as JSON and as plain text', async () => {
    const s = await server()
    const { a, c, id } = await activeChat(s.url)
    closers.push(() => a.raw.close(), () => c.raw.close())
    c.raw.send({ type: 'message', clientId: 'm1', text: 'first line\nsecond line' })
    await a.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'first line\nsecond line')
    const json = await call(s, `/api/conversations/${id}/transcript`)
    expect(json.status).toBe(200)
    expect(json.body.conversation).toMatchObject({ id, status: 'active', agent: { id: 'a1', name: 'Ana' } })
    expect(json.body.items).toEqual(await s.server.store.transcript(id))
    const text = await call(s, `/api/conversations/${id}/transcript.txt`, 'agent-token')
    expect(text.type).toBe('text/plain; charset=utf-8')
    const lines = text.text.trimEnd().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^Conversation ${id} \\(active\\), started \\d{4}-`))
    expect(lines).toContainEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z -- active \(agent-accepted, Ana\)$/))
    expect(lines).toContainEqual(expect.stringMatching(/Z Customer: first line$/))
    // The message's second line cannot pass for an item of its own.
    expect(lines).toContain('    second line')
    // Another agent may not read it.
    expect((await call(s, `/api/conversations/${id}/transcript`, 'bo-token')).body.error).toBe('forbidden')
    expect((await call(s, '/api/conversations/none/transcript.txt')).body.error).toBe('not-found')
  })

  it('an admin closes an open conversation through the engine: the customer sees it, a second close is a conflict', async () => {
    const s = await server()
    const c = await customer(s.url)
    closers.push(() => c.raw.close())
    const id = String(c.welcome.conversationId)
    const closed = await call(s, `/api/conversations/${id}/close`, 'admin-token', 'POST')
    expect(closed.status).toBe(200)
    expect(closed.body.conversation).toMatchObject({ id, status: 'closed', endedBy: 'agent-closed' })
    const item = await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'closed')
    expect(item.item).toMatchObject({ kind: 'status', status: 'closed', reason: 'agent-closed' })
    const again = await call(s, `/api/conversations/${id}/close`, 'admin-token', 'POST')
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ error: 'conflict', message: 'the conversation is closed already' })
    expect((await call(s, `/api/conversations/${id}/close`, 'admin-token')).status).toBe(405)
  })

  it('an agent closes its own chat as from its console, and no one else\'s', async () => {
    const s = await server()
    const { a, c, id } = await activeChat(s.url)
    closers.push(() => a.raw.close(), () => c.raw.close())
    expect((await call(s, `/api/conversations/${id}/close`, 'bo-token', 'POST')).status).toBe(403)
    const queued = await customer(s.url, { tabId: 'tab-2' })
    closers.push(() => queued.raw.close())
    const open = await call(s, `/api/conversations/${String(queued.welcome.conversationId)}/close`, 'bo-token', 'POST')
    expect(open.status).toBe(409)
    expect(open.body.error).toBe('conflict')
    const mine = await call(s, `/api/conversations/${id}/close`, 'agent-token', 'POST')
    expect(mine.status).toBe(200)
    await a.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'closed')
    expect((await s.server.store.get(id))?.endedBy).toBe('agent-closed')
  })
})

describe('GET /api/agents', () => {
  it('every agent with its load and presence, for admins only', async () => {
    const s = await server()
    const { a, c } = await activeChat(s.url)
    closers.push(() => c.raw.close())
    const bo = await agent(s.url, 'bo-token')
    await bo.raw.close()
    await waitFor(async () => (await s.server.store.getAgent('b2'))?.connections.length === 0)
    const res = await call(s, '/api/agents')
    expect(res.status).toBe(200)
    expect(res.body.agents).toEqual([
      { id: 'a1', name: 'Ana', capacity: 2, used: 1, presence: 'online', connections: 1 },
      { id: 'b2', name: 'Bo', capacity: 1, used: 0, presence: 'offline', connections: 0, awaySince: expect.any(Number) },
    ])
    await a.raw.close()
    expect((await call(s, '/api/agents', 'agent-token')).body).toEqual({ error: 'forbidden', message: 'this route needs an admin token' })
  })
})
