/**
 * The webhook outbox contract, on the memory store, on Redis and on Redis Cluster (two connections,
 * as two processes have): an event is queued once per endpoint, a claim leases it so no other claim gets it until the
 * lease ends, and it leaves only when completed or dead-lettered.
 */
import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../src/server/store/memory-store.js'
import type { WebhookOutbox } from '../../src/server/store/webhook-outbox.js'
import { useRedisPairs } from '../helpers/redis-pairs.js'

const pairOn = useRedisPairs()

async function pair(kind: 'memory' | 'redis' | 'redis-cluster'): Promise<[WebhookOutbox, WebhookOutbox]> {
  if (kind === 'memory') {
    const store = new MemoryStore()
    return [store.webhooks, store.webhooks]
  }
  const [a, b] = await pairOn(kind)
  return [a.webhooks, b.webhooks]
}

const ev = (id: string) => ({ id, body: JSON.stringify({ id }) })

describe.each(['memory', 'redis', 'redis-cluster'] as const)('webhook outbox (%s)', (kind) => {
  it('queues an event once per endpoint, whatever the number of enqueues', async () => {
    const [a, b] = await pair(kind)
    await a.enqueue('crm', [ev('c1.1'), ev('c1.2')], 1_000)
    await b.enqueue('crm', [ev('c1.2'), ev('c1.3')], 1_100)
    await a.enqueue('audit', [ev('c1.1')], 1_000)
    expect(await a.depth('crm')).toEqual({ queued: 3, dead: 0 })
    expect(await b.depth('audit')).toEqual({ queued: 1, dead: 0 })
    const claimed = await a.claim('crm', 2_000, 10_000, 10)
    expect(claimed.map((e) => e.id).sort()).toEqual(['c1.1', 'c1.2', 'c1.3'])
    expect(claimed.find((e) => e.id === 'c1.2')).toEqual({ id: 'c1.2', body: '{"id":"c1.2"}', attempts: 0, queuedAt: 1_000 })
  })

  it('a claimed event is leased: no other claim gets it until the lease ends, then one does', async () => {
    const [a, b] = await pair(kind)
    await a.enqueue('crm', [ev('e1'), ev('e2'), ev('e3')], 1_000)
    const [first, second] = await Promise.all([a.claim('crm', 1_000, 5_000, 2), b.claim('crm', 1_000, 5_000, 2)])
    const ids = [...first!, ...second!].map((e) => e.id)
    expect(ids.sort()).toEqual(['e1', 'e2', 'e3'])
    expect(await b.claim('crm', 4_999, 9_000, 10)).toEqual([])
    // The process holding the leases died: at the lease's end, another takes them over.
    expect((await b.claim('crm', 5_000, 9_000, 10)).map((e) => e.id).sort()).toEqual(['e1', 'e2', 'e3'])
  })

  it('retry keeps the attempts and the due time; complete and dead-letter remove it', async () => {
    const [a, b] = await pair(kind)
    await a.enqueue('crm', [ev('e1'), ev('e2')], 1_000)
    const [e1, e2] = await a.claim('crm', 1_000, 2_000, 10)
    await a.retry('crm', e1!.id, 1, 3_000)
    await a.complete('crm', e2!.id)
    expect(await b.claim('crm', 2_999, 9_000, 10)).toEqual([])
    const again = await b.claim('crm', 3_000, 9_000, 10)
    expect(again).toEqual([{ id: 'e1', body: '{"id":"e1"}', attempts: 1, queuedAt: 1_000 }])
    await b.deadLetter('crm', { ...again[0]!, attempts: 2 }, '2 attempts, last: 500', 3_100)
    expect(await a.depth('crm')).toEqual({ queued: 0, dead: 1 })
    expect(await a.claim('crm', 99_999, 100_000, 10)).toEqual([])
    // A completed event queued again (a duplicate enqueue after delivery) is sent again, same id.
    await a.enqueue('crm', [ev('e2')], 4_000)
    expect((await b.claim('crm', 4_000, 9_000, 10)).map((e) => e.id)).toEqual(['e2'])
  })

  it('a retry or a complete of an entry already gone changes nothing', async () => {
    const [a] = await pair(kind)
    await a.retry('crm', 'nope', 3, 1_000)
    await a.complete('crm', 'nope')
    expect(await a.depth('crm')).toEqual({ queued: 0, dead: 0 })
    expect(await a.claim('crm', 10_000, 20_000, 10)).toEqual([])
  })
})
