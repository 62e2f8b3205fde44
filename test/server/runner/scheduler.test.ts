import { afterEach, expect, test } from 'vitest'
import type { Deadline } from '../../../src/server/engine/types.js'
import { DeadlineScheduler } from '../../../src/server/runner/scheduler.js'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { waitFor } from '../../helpers/raw.js'

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

test('a failing handler is reported and the loop goes on; its deadline is tried again, and dropped after ten failures', async () => {
  const store = new MemoryStore()
  const errors: unknown[] = []
  const fired: string[] = []
  let flakyFailed = false
  scheduler = new DeadlineScheduler({
    store, now: () => 1_000, pollMs: 5, onError: (e) => errors.push(e),
    fire: async (d) => {
      if (d.conversationId === 'bad') throw new Error('boom')
      // A store error mid-way: the deadline was claimed, so only this process can fire it again.
      if (d.conversationId === 'flaky' && !flakyFailed) throw new Error(String((flakyFailed = true)))
      fired.push(d.conversationId)
    },
  })
  await store.setDeadlines('bad', [{ conversationId: 'bad', kind: 'grace', at: 1 }])
  await store.setDeadlines('good', [{ conversationId: 'good', kind: 'grace', at: 2 }])
  await store.setDeadlines('flaky', [{ conversationId: 'flaky', kind: 'grace', at: 3 }])
  scheduler.start()
  await waitFor(() => fired.includes('good') && fired.includes('flaky'))
  await waitFor(() => errors.length === 11)
  // A few more cycles (each fires a deadline written for it): nothing more is tried.
  for (const tick of ['t1', 't2', 't3']) {
    await store.setDeadlines(tick, [{ conversationId: tick, kind: 'grace', at: 4 }])
    await waitFor(() => fired.includes(tick))
  }
  expect(errors).toHaveLength(11)
  expect(fired.filter((id) => id === 'flaky')).toHaveLength(1)
})

/** A store that fails while `down`, counting the scheduler's questions. */
class AwayStore extends MemoryStore {
  down = false
  asked = 0
  override async claimDue(...args: Parameters<MemoryStore['claimDue']>): ReturnType<MemoryStore['claimDue']> {
    this.asked += 1
    if (this.down) throw new Error('store unreachable')
    return super.claimDue(...args)
  }
  override async nextDeadline(): ReturnType<MemoryStore['nextDeadline']> {
    this.asked += 1
    if (this.down) throw new Error('store unreachable')
    return super.nextDeadline()
  }
}

test('after the store failed, nothing fires until it has answered for settleMs', async () => {
  const store = new AwayStore()
  let now = 0
  const fired: string[] = []
  scheduler = new DeadlineScheduler({ store, now: () => now, pollMs: 5, settleMs: 1_000, onError: () => undefined, fire: async (d) => void fired.push(d.conversationId) })
  await store.setDeadlines('c1', [{ conversationId: 'c1', kind: 'grace', at: 100 }])
  store.down = true
  scheduler.start()
  now = 200
  await waitFor(() => store.asked >= 3)
  store.down = false
  // Back at 200 (the last failure): due, but settling until 1,200.
  let asked = store.asked
  await waitFor(() => store.asked >= asked + 3)
  now = 1_150
  asked = store.asked
  await waitFor(() => store.asked >= asked + 3)
  expect(fired).toEqual([])
  now = 1_250
  await waitFor(() => fired.length === 1)
  expect(fired).toEqual(['c1'])
})
