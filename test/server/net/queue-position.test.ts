/**
 * Customers waiting are told their place in the queue, in the routing order, across the processes
 * that share a store: each process learns the places of its own customers from the store's queue
 * index, and a chat taken or leaving moves everyone behind it up.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, type Raw } from '../../helpers/raw.js'

const servers: StartedServer[] = []
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  for (const s of servers.splice(0)) await s.close()
})

const position = (raw: Raw, place: number) => raw.next((f) => f.type === 'queue' && f.position === place, { from: raw.frames.length })

test('places follow the queue across two processes, and move up when the first chat is taken', async () => {
  const store = new MemoryStore()
  const [one, two] = [await startServer({ store }), await startServer({ store })]
  servers.push(one, two)
  const first = await customer(one.url)
  sockets.push(first.raw)
  await first.raw.next((f) => f.type === 'queue' && f.position === 1)
  const second = await customer(two.url)
  const third = await customer(one.url)
  sockets.push(second.raw, third.raw)
  await second.raw.next((f) => f.type === 'queue' && f.position === 2)
  await third.raw.next((f) => f.type === 'queue' && f.position === 3)

  const ana = await agent(two.url)
  sockets.push(ana.raw)
  const movedUp = [position(second.raw, 1), position(third.raw, 2)]
  ana.raw.send({ type: 'accept', conversationId: first.welcome.conversationId })
  await Promise.all(movedUp)
  // The first chat is no longer in the queue: its customer is told no place after it was taken.
  expect(first.raw.frames.filter((f) => f.type === 'queue').map((f) => f.position)).toEqual([1])
})
