/**
 * A console whose offer was withdrawn (its capacity was full) misses what the customer writes
 * meanwhile. If its accept then lands before routing offers the chat again, the console must still
 * get every item, with no hole in its transcript.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, type Frame, type Raw } from '../../helpers/raw.js'

/** Transcripts read as slowly as from a networked store, once asked to: routing's offer snapshots lag. */
class DistantTranscripts extends MemoryStore {
  slow = false
  override async transcript(...args: Parameters<MemoryStore['transcript']>): ReturnType<MemoryStore['transcript']> {
    if (this.slow) await new Promise((resolve) => setTimeout(resolve, 300))
    return super.transcript(...args)
  }
}

let server: StartedServer | undefined
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await server?.close()
})

/** Every item of `id` the console was given, from offer snapshots and events. */
function held(raw: Raw, id: string): Set<number> {
  const seqs = new Set<number>()
  for (const f of raw.frames) {
    const snapshot = f.type === 'offer' ? (f.conversation as { id: string; transcript: Array<{ seq: number }> }) : undefined
    if (snapshot?.id === id) for (const i of snapshot.transcript) seqs.add(i.seq)
    if (f.type === 'event' && f.conversationId === id) seqs.add((f.item as { seq: number }).seq)
  }
  return seqs
}

test('an accept that lands after its offer was withdrawn still gives the console every item', async () => {
  const store = new DistantTranscripts()
  server = await startServer({ store, agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 1 } } })
  const console = await agent(server.url)
  const first = await customer(server.url, { tabId: 'first' })
  const second = await customer(server.url, { tabId: 'second' })
  sockets.push(console.raw, first.raw, second.raw)
  const [a, b] = [String(first.welcome.conversationId), String(second.welcome.conversationId)]
  const offered = (id: string) => (f: Frame) => f.type === 'offer' && (f.conversation as { id: string }).id === id
  await console.raw.next(offered(a))
  await console.raw.next(offered(b))

  // Full: the second chat's offer is withdrawn, and its customer writes while nobody follows it.
  console.raw.send({ type: 'accept', conversationId: a })
  await console.raw.next((f) => f.type === 'offer-withdrawn' && f.conversationId === b)
  for (const text of ['one', 'two']) {
    second.raw.send({ type: 'message', clientId: text, text })
    await second.raw.next((f) => f.type === 'ack' && f.clientId === text)
  }

  // Room again, and the accept right behind the close, landing while routing reads the chat to offer it again.
  store.slow = true
  console.raw.send({ type: 'close', conversationId: a })
  console.raw.send({ type: 'accept', conversationId: b })
  await console.raw.next((f) => f.type === 'event' && f.conversationId === b && (f.item as { status?: string }).status === 'active')
  const last = Math.max(...second.raw.items().map((i) => Number(i.seq)))
  await console.raw.next((f) => f.type === 'event' && f.conversationId === b && Number((f.item as { seq: number }).seq) >= last)
  const seqs = held(console.raw, b)
  expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: Math.max(...seqs) }, (_, i) => i + 1))
  // Routing's snapshot, read after the accept, shows the chat taken: it is not offered again (the
  // routing read began before the catch-up's, so it is over by now).
  expect(console.raw.frames.filter(offered(b))).toHaveLength(1)
})
