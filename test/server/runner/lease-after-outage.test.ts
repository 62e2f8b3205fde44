/**
 * After the store was unreachable for longer than a lease, every other process's lease has lapsed,
 * though those processes are alive and renew theirs within a round. A process must not take their
 * agents for gone (R11 for every chat they hold) on its first sweep after the outage.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { waitFor } from '../../helpers/raw.js'

/** Lease calls fail while `down`; renewals that got through are counted per process. */
class UnreachableStore extends MemoryStore {
  down = false
  failures = 0
  readonly renewed = new Map<string, number>()

  override async renewLease(processId: string, ttlMs: number): Promise<void> {
    if (this.down) {
      this.failures += 1
      throw new Error('store unreachable')
    }
    this.renewed.set(processId, (this.renewed.get(processId) ?? 0) + 1)
    return super.renewLease(processId, ttlMs)
  }
}

let server: StartedServer | undefined
afterEach(async () => {
  await server?.close()
})

test("the first sweeps after an outage leave other processes' agents in place; their leases lapsed only because the store was away", async () => {
  const store = new UnreachableStore()
  server = await startServer({ store, heartbeatMs: 100 })
  server.server.on('error', () => undefined)
  store.down = true
  // Once a sweep has failed, the next ones fail at their first step: none can look at agents now.
  await waitFor(() => store.failures >= 1)
  // An agent on another process, whose lease ran out during the outage and is not renewed yet.
  await store.updateAgent('a9', () => ({ id: 'a9', name: 'Elsewhere', capacity: 2, connections: ['otherprocess.c1'] }))
  const failed = store.failures
  await waitFor(() => store.failures > failed)
  store.down = false
  const mine = (): number => Math.max(0, ...[...store.renewed.entries()].filter(([id]) => id !== 'otherprocess').map(([, n]) => n))
  const before = mine()
  // Three renewals after the outage: at least two whole sweeps have run since.
  await waitFor(() => mine() >= before + 3)
  expect((await store.getAgent('a9'))?.connections).toEqual(['otherprocess.c1'])
})
