/**
 * A change whose publish never reached this process (the store's subscription was reconnecting, or
 * two processes' publishes crossed): the customer must not hold a hole in its transcript until its
 * next reconnect. The next item delivered shows the gap, and the missed ones are read and sent first.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import type { BusMessage } from '../../../src/server/store/types.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { activeChat, type Frame, type Raw } from '../../helpers/raw.js'

/** Loses the next publish of a change, once asked to. */
class LossyBus extends MemoryStore {
  loseNext = false
  override async publish(message: BusMessage): Promise<void> {
    if (this.loseNext && message.type === 'changed') {
      this.loseNext = false
      return
    }
    return super.publish(message)
  }
}

let server: StartedServer | undefined
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await server?.close()
})

test('an item whose publish was lost reaches the customer, in order, before the next one', async () => {
  const store = new LossyBus()
  server = await startServer({ store })
  const { a, c, id } = await activeChat(server.url)
  sockets.push(a.raw, c.raw)

  store.loseNext = true
  a.raw.send({ type: 'message', conversationId: id, clientId: 'lost', text: 'its publish is lost' })
  await a.raw.next((f) => f.type === 'ack' && f.clientId === 'lost')
  a.raw.send({ type: 'message', conversationId: id, clientId: 'next', text: 'delivered' })
  await c.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'delivered')

  const seqs = c.raw.items().map((i) => i.seq)
  expect(seqs).toEqual([...seqs].sort((x, y) => Number(x) - Number(y)))
  expect(new Set(seqs).size).toBe(seqs.length)
  expect(c.raw.items().map((i) => i.text).filter(Boolean).slice(-2)).toEqual(['its publish is lost', 'delivered'])
  expect(seqs.at(-1)).toBe(seqs.length)
})

test("after the store's fan-out was down (resync), a lost item reaches both sides though nothing follows it", async () => {
  const store = new LossyBus()
  server = await startServer({ store })
  const { a, c, id } = await activeChat(server.url)
  sockets.push(a.raw, c.raw)

  store.loseNext = true
  c.raw.send({ type: 'message', clientId: 'lost', text: 'its publish is lost' })
  await c.raw.next((f) => f.type === 'ack' && f.clientId === 'lost')
  await store.publish({ type: 'resync' })
  await a.raw.next((f) => f.type === 'event' && f.conversationId === id && (f.item as Frame).clientId === 'lost')
  await c.raw.next((f) => f.type === 'event' && (f.item as Frame).clientId === 'lost')
  await a.raw.next((f) => f.type === 'presence' && (f.presence as Frame).conversationId === id)
})
