/**
 * The Redis store's writes: called by hash (EVALSHA), with the script sent whole only when Redis
 * does not hold it; a revision beside each record decides the compare-and-set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { createConversation, heard } from '../../src/server/engine/index.js'
import { createRedisStore, type RedisStore } from '../../src/server/store/redis-store.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis
let store: RedisStore
let admin: ReturnType<typeof createClient>

beforeAll(async () => {
  redis = await startRedis()
  store = await createRedisStore(redis.url, { prefix: 'scripts:' })
  admin = createClient({ url: redis.url })
  await admin.connect()
})
afterAll(async () => {
  await store?.close()
  await admin?.quit()
  await redis?.stop()
})

/** Calls of EVAL and EVALSHA so far, from INFO commandstats. */
async function scriptCalls(): Promise<{ eval: number; evalsha: number }> {
  const info = await admin.info('commandstats')
  const calls = (name: string): number => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0)
  return { eval: calls('eval'), evalsha: calls('evalsha') }
}

describe('Redis store scripts', () => {
  it('are called by their hash; after SCRIPT FLUSH (a restarted Redis) sent once more, then by hash again', async () => {
    const before = await scriptCalls()
    await store.create(createConversation({ id: 'c1', widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000))
    for (let t = 2_000; t < 7_000; t += 1_000) await store.transact('c1', (c) => ({ conversation: heard(c, 'k', 't', t), drafts: [] }))
    const warm = await scriptCalls()
    // One EVAL at most (the first time Redis meets the script), every other write by hash.
    expect(warm.eval - before.eval).toBeLessThanOrEqual(1)
    expect(warm.evalsha - before.evalsha).toBe(6)

    await admin.scriptFlush()
    await store.transact('c1', (c) => ({ conversation: heard(c, 'k', 't', 8_000), drafts: [] }))
    await store.transact('c1', (c) => ({ conversation: heard(c, 'k', 't', 9_000), drafts: [] }))
    const after = await scriptCalls()
    expect(after.eval - warm.eval).toBe(1)
    expect(after.evalsha - warm.evalsha).toBe(2)
    expect((await store.get('c1'))?.lastHeardAt).toBe(9_000)
  })

  it('compare by a revision that each write raises, not by the whole record', async () => {
    await store.create(createConversation({ id: 'c2', widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000))
    expect(await admin.get('scripts:r:c2')).toBe('1')
    await store.transact('c2', (c) => ({ conversation: heard(c, 'k', 't', 2_000), drafts: [] }))
    expect(await admin.get('scripts:r:c2')).toBe('2')
  })
})
