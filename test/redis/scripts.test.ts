/**
 * The Redis store's writes: called by hash (EVALSHA), with the script sent whole only when Redis
 * does not hold it; a revision beside each record decides the compare-and-set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { createConversation, heard } from '../../src/server/engine/index.js'
import { createRedisStore, type RedisStore } from '../../src/server/store/redis-store.js'
import type { BusMessage, TransactResult } from '../../src/server/store/types.js'
import { waitFor } from '../helpers/raw.js'
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

  it('check client ids and publish the change inside the commit script: a message is one read and one script call, and a repeat is answered with its first ack', async () => {
    await store.create(createConversation({ id: 'c3', widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000))
    const message = (text: string) => (c: Parameters<Parameters<RedisStore['transact']>[1]>[0]) =>
      ({ conversation: c, drafts: [{ kind: 'message' as const, from: 'customer' as const, text, clientId: 'm1', at: 2_000 }] })
    const heard: BusMessage[] = []
    const subscription = store.subscribe((m) => heard.push(m))
    await subscription.follow('conversation:c3')
    const announce = (r: TransactResult): BusMessage => ({ type: 'changed', conversationId: 'c3', status: r.conversation.status, items: r.items })
    const { seen, stop } = await watch()
    const first = await store.transact('c3', message('hello'), undefined, announce)
    await waitFor(() => heard.length === 1)
    await stop()
    subscription.close()
    const sent = seen.filter((c) => !c.lua).map((c) => (c.args[0] ?? '').toLowerCase())
    expect(sent).toEqual(['mget', 'evalsha'])
    expect(first?.announced).toBe(true)
    expect(heard).toEqual([announce(first as TransactResult)])
    const recorded = first?.items.find((i) => i.kind === 'message')
    const ack = recorded?.kind === 'message' ? { seq: recorded.seq, messageId: recorded.id } : undefined
    expect(ack).toBeDefined()
    const again = await store.transact('c3', message('hello again'))
    expect(again?.items).toEqual([])
    expect(again?.duplicates.get('m1')).toEqual(ack)
    expect((await store.transcript('c3')).filter((i) => i.kind === 'message').map((i) => i.kind === 'message' && i.text)).toEqual(['hello'])
  })

  it('compare by a revision that each write raises, not by the whole record', async () => {
    await store.create(createConversation({ id: 'c2', widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000))
    expect(await admin.get(`${store.shardOf('c2')}r:c2`)).toBe('1')
    await store.transact('c2', (c) => ({ conversation: heard(c, 'k', 't', 2_000), drafts: [] }))
    expect(await admin.get(`${store.shardOf('c2')}r:c2`)).toBe('2')
  })
})

/** The hash tag Redis Cluster places a key by (the whole key when it has none). */
function tagOf(key: string): string {
  const open = key.indexOf('{')
  const close = key.indexOf('}', open + 1)
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key
}

/** Every command Redis runs, from MONITOR on a connection of its own: its arguments, and whether a script ran it. */
async function watch(): Promise<{ seen: Array<{ lua: boolean; args: string[] }>; stop: () => Promise<void> }> {
  const seen: Array<{ lua: boolean; args: string[] }> = []
  const monitor = admin.duplicate()
  await monitor.connect()
  await monitor.monitor((line: string) => {
    const m = /^[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line)
    if (m) seen.push({ lua: m[1] === 'lua', args: [...(m[2] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1] ?? '') })
  })
  return { seen, stop: async () => void monitor.destroy() }
}

describe('Redis store keys', () => {
  it('every script declares each key it touches, and all of them share one hash tag (one cluster slot)', async () => {
    const { seen, stop } = await watch()
    await store.create(createConversation({ id: 'k1', widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000), () => [{ conversationId: 'k1', kind: 'grace', at: 50 }])
    // Announced: the change is published to the conversation's channel from inside the script.
    const announce = (r: TransactResult): BusMessage => ({ type: 'changed', conversationId: 'k1', status: r.conversation.status, items: r.items })
    await store.transact('k1', (c) => ({ conversation: { ...c, status: 'active', agent: { id: 'a1', name: 'Ana' } }, drafts: [{ kind: 'message', from: 'customer', text: 'hi', clientId: 'm1', at: 2_000 }] }), () => [], announce)
    await store.transact('k1', (c) => ({ conversation: c, drafts: [{ kind: 'message', from: 'customer', text: 'again', clientId: 'm2', at: 2_500 }] }), undefined, announce)
    await store.transact('k1', (c) => ({ conversation: { ...c, status: 'closed' }, drafts: [] }), (c) => [{ conversationId: c.id, kind: 'purge', at: 60 }])
    await store.claimDue(70)
    await store.transact('k1', (c) => ({ conversation: c, drafts: [{ kind: 'message', from: 'agent', text: 'late', at: 3_000 }] }))
    expect(await store.removeClosed('k1')).toBe(true)
    await store.updateAgent('a1', () => ({ id: 'a1', name: 'Ana', capacity: 1, connections: [] }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    await stop()
    let scripts = 0
    let inside = 0
    for (let i = 0; i < seen.length; i++) {
      const call = seen[i]
      if (!call || call.lua || !/^evalsha$|^eval$/i.test(call.args[0] ?? '')) continue
      scripts += 1
      const keys = call.args.slice(3, 3 + Number(call.args[2]))
      expect(new Set(keys.map(tagOf)).size, `keys of one script: ${keys.join(' ')}`).toBe(1)
      // The commands this script ran follow it in MONITOR, marked lua, before the next call.
      for (let j = i + 1; j < seen.length && seen[j]?.lua; j++) {
        const [command = '', key = ''] = seen[j]?.args ?? []
        if (/^(get|set|incr|exists|del|rpush|hset|hdel|hget|hmget|sadd|srem|zadd|zrem|zrangebyscore|spublish)$/i.test(command)) {
          expect(keys, `${command} ${key}`).toContain(key)
          inside += 1
        }
      }
    }
    expect(scripts).toBeGreaterThanOrEqual(7)
    expect(seen.filter((c) => c.lua && /^spublish$/i.test(c.args[0] ?? ''))).toHaveLength(2)
    expect(inside).toBeGreaterThan(20)
  })

  it('the commit keeps the shard\'s queue and the agent\'s live index with the record, in the record\'s slot', async () => {
    const shard = store.shardOf('r1')
    const queued = async () => (await admin.zRangeWithScores(`${shard}q`, 0, -1)).filter((e) => e.value.endsWith(':r1'))
    await store.create(createConversation({ id: 'r1', widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000))
    expect(await queued()).toEqual([{ value: '0000000000001000:r1', score: 1_000 }])
    await store.transact('r1', (c) => ({ conversation: { ...c, status: 'active', statusAt: 2_000, agent: { id: 'a1', name: 'Ana' } }, drafts: [] }))
    expect(await queued()).toEqual([])
    expect(await admin.sMembers(`${shard}ga:a1`)).toEqual(['r1'])
    await store.transact('r1', (c) => ({ conversation: { ...c, status: 'closed', statusAt: 3_000 }, drafts: [] }))
    expect(await admin.sMembers(`${shard}ga:a1`)).toEqual([])
    // The agent's history set still names it: the live index is apart from it.
    expect(await admin.sMembers(`${shard}g:a1`)).toEqual(['r1'])
  })

  it('spreads conversations and their deadlines over the shards: no single deadline key holds them all', async () => {
    for (let i = 0; i < 64; i++) await store.setDeadlines(`spread${i}`, [{ conversationId: `spread${i}`, kind: 'grace', at: 10 ** 12 + i }])
    const keys = await admin.keys('scripts:*dl')
    expect(keys.length).toBeGreaterThanOrEqual(8)
    const sizes = await Promise.all(keys.map((k) => admin.zCard(k)))
    expect(Math.max(...sizes)).toBeLessThan(64)
    expect(await store.nextDeadline()).toBe(10 ** 12)
    const claimed = await store.claimDue(10 ** 12 + 100, 1_000)
    expect(claimed.map((d) => d.conversationId).sort()).toEqual(Array.from({ length: 64 }, (_, i) => `spread${i}`).sort())
  })

  it('refuses a store created with another number of shards than its data was written with', async () => {
    expect(await admin.get('scripts:shards')).toBe('8')
    await expect(createRedisStore(redis.url, { prefix: 'scripts:', shards: 4 })).rejects.toThrow(/written with 8 shards .* created with 4/)
    // The same count, and another prefix with its own, are welcome.
    const same = await createRedisStore(redis.url, { prefix: 'scripts:' })
    const other = await createRedisStore(redis.url, { prefix: 'four:', shards: 4 })
    await Promise.all([same.close(), other.close()])
    expect(await admin.get('four:shards')).toBe('4')
  })
})
