import { afterEach, expect, test } from 'vitest'
import type { Deadline } from '../../src/server/engine/types.js'
import { DeadlineScheduler } from '../../src/server/scheduler.js'
import { MemoryStore } from '../../src/server/store/memory-store.js'
import { waitFor } from './raw.js'

let scheduler: DeadlineScheduler | undefined
afterEach(() => scheduler?.stop())

test('deadlines fire by the clock, not by timer runs, including ones written after start (other processes)', async () => {
  const store = new MemoryStore()
  let now = 0
  const fired: Deadline[] = []
  scheduler = new DeadlineScheduler({ store, now: () => now, pollMs: 5, fire: async (d) => void fired.push(d), onError: (e) => { throw e } })
  scheduler.start()
  // Written behind the scheduler's back, as another process would.
  await store.setDeadlines('c1', [{ conversationId: 'c1', kind: 'grace', at: 100 }])
  await new Promise((r) => setTimeout(r, 50))
  expect(fired).toEqual([])
  now = 99
  await new Promise((r) => setTimeout(r, 30))
  expect(fired).toEqual([])
  now = 100
  await waitFor(() => fired.length === 1)
  await new Promise((r) => setTimeout(r, 30))
  expect(fired).toEqual([{ conversationId: 'c1', kind: 'grace', at: 100 }])
})

test('a failing handler is reported and the loop goes on', async () => {
  const store = new MemoryStore()
  const errors: unknown[] = []
  const fired: string[] = []
  scheduler = new DeadlineScheduler({
    store, now: () => 1_000, pollMs: 5, onError: (e) => errors.push(e),
    fire: async (d) => { if (d.conversationId === 'bad') throw new Error('boom'); fired.push(d.conversationId) },
  })
  await store.setDeadlines('bad', [{ conversationId: 'bad', kind: 'grace', at: 1 }])
  await store.setDeadlines('good', [{ conversationId: 'good', kind: 'grace', at: 2 }])
  scheduler.start()
  await waitFor(() => fired.length === 1)
  expect(errors).toHaveLength(1)
})
