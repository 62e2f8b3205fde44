/**
 * A server that closes records every departure before its store goes, so the grace window of a
 * restart counts from the restart and the next process does not take dead sockets for live ones.
 */
import { expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { startServer } from '../../helpers/server.js'
import { agent, customer } from '../../helpers/raw.js'

test('close() leaves no customer or agent connection recorded in a store that outlives it', async () => {
  const store = new MemoryStore()
  const s = await startServer({ store })
  const c = await customer(s.url)
  const a = await agent(s.url)
  const id = c.welcome.conversationId as string
  expect(Object.keys((await store.get(id))!.connections)).toHaveLength(1)
  await s.close()
  expect((await store.get(id))!.connections).toEqual([])
  expect((await store.getAgent('a1'))!.connections).toEqual([])
  c.raw.drop()
  a.raw.drop()
  await store.close()
})
