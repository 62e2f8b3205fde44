import { afterEach, describe, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { StoreUnavailableError } from '../../../src/server/store/unavailable.js'
import type { Mutator, Schedule, TransactResult } from '../../../src/server/store/types.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, Raw, type Frame } from '../../helpers/raw.js'

/** A memory store whose writes fail while `failing` is set. */
class FlakyStore extends MemoryStore {
  failing = false
  override async transact(id: string, mutate: Mutator, schedule?: Schedule): Promise<TransactResult | undefined> {
    if (this.failing) throw new StoreUnavailableError('store down')
    return super.transact(id, mutate, schedule)
  }
}

const servers: StartedServer[] = []
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  for (const s of servers.splice(0)) await s.close()
})
const item = (f: Frame) => f.item as Frame

describe('the store fails', () => {
  test('store-unavailable, nothing half-applied, the process goes on and the retry is recorded once', async () => {
    const store = new FlakyStore()
    const s = await startServer({ store })
    servers.push(s)
    const errors: string[] = []
    s.server.on('error', (e) => errors.push(e.context))
    const c = await customer(s.url)
    sockets.push(c.raw)
    store.failing = true
    c.raw.send({ type: 'message', clientId: 'm1', text: 'during outage' })
    expect(await c.raw.error('store-unavailable')).toMatchObject({ ref: 'm1' })
    expect(errors).toContain('customer:message')
    store.failing = false
    c.raw.send({ type: 'message', clientId: 'm1', text: 'during outage' })
    await c.raw.next((f) => f.type === 'ack' && f.clientId === 'm1')
    const transcript = await store.transcript(c.welcome.conversationId as string)
    expect(transcript.filter((i) => i.kind === 'message')).toHaveLength(1)
    expect(transcript.map((i) => i.seq)).toEqual([1, 2])
  })
})

describe('two server processes sharing one store', () => {
  test('a customer resumes on the other process; the deadline fires exactly once', async () => {
    const store = new MemoryStore()
    const one = await startServer({ store, graceMs: 600 })
    const two = await startServer({ store, graceMs: 600 })
    servers.push(one, two)
    const transitions: string[] = []
    for (const s of [one, two]) s.server.on('transition', (e) => transitions.push(`${e.to}:${e.reason}`))
    const a = await agent(two.url)
    sockets.push(a.raw)
    const c = await customer(one.url)
    sockets.push(c.raw)
    const id = c.welcome.conversationId as string
    await a.raw.next((f) => f.type === 'offer' && (f.conversation as Frame).id === id)
    a.raw.send({ type: 'accept', conversationId: id })
    await c.raw.next((f) => f.type === 'event' && item(f).status === 'active')
    c.raw.drop()
    const back = await customer(two.url, { resume: { conversationId: id, token: c.welcome.token, lastSeq: 0 } })
    sockets.push(back.raw)
    expect(back.welcome).toMatchObject({ conversationId: id, resumed: true })
    back.raw.drop()
    await a.raw.next((f) => f.type === 'event' && item(f).status === 'wrap-up', { timeoutMs: 4_000 })
    await new Promise((r) => setTimeout(r, 600))
    expect(transitions.filter((t) => t === 'wrap-up:customer-disconnected')).toHaveLength(1)
  })
})

describe('deadlines are claimed atomically', () => {
  test('claimDue hands each due deadline to exactly one caller', async () => {
    const store = new MemoryStore()
    await store.setDeadlines('c1', [{ conversationId: 'c1', kind: 'grace', at: 100 }, { conversationId: 'c1', kind: 'queue', at: 500 }])
    const [first, second] = await Promise.all([store.claimDue(200), store.claimDue(200)])
    expect([...(first ?? []), ...(second ?? [])]).toEqual([{ conversationId: 'c1', kind: 'grace', at: 100 }])
    expect(await store.nextDeadline()).toBe(500)
  })
})
