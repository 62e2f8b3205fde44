/**
 * {@link WebhookOutbox} on Redis. Per endpoint, a sorted set of event ids scored by when each is due
 * next and a hash of the entries; a claim moves the due entries' scores to the end of their lease in
 * one script, so exactly one process gets each, and an entry whose process died is due again when its
 * lease ends. The keys of one endpoint share a hash tag (one cluster slot, what a script needs) and are
 * apart from the conversation keys: the outbox does not depend on how conversations are kept.
 */
import { createHash } from 'node:crypto'
import { Script, type ScriptClient } from './redis-scripts.js'
import type { OutboxEntry, WebhookOutbox } from './webhook-outbox.js'

/** KEYS: 1 due set, 2 entries. ARGV: 1 now, then id, entry JSON pairs. Adds only ids not queued. */
const ENQUEUE = new Script(`
for i = 2, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
  end
end
return 1
`)

/** KEYS: 1 due set, 2 entries. ARGV: 1 now, 2 lease end, 3 limit. Returns id, entry JSON pairs. */
const CLAIM = new Script(`
local ids = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if raw then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    out[#out + 1] = id
    out[#out + 1] = raw
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`)

/** KEYS: 1 due set, 2 entries. ARGV: 1 id, 2 attempts, 3 due at. Only while the entry is queued. */
const RETRY = new Script(`
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
entry.attempts = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(entry))
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`)

/** What is kept per entry (the id is the hash field). */
interface Stored {
  body: string
  attempts: number
  queuedAt: number
}

/** The part of a node-redis client the outbox uses. */
export interface OutboxClient extends ScriptClient {
  zCard(key: string): Promise<number>
  hLen(key: string): Promise<number>
  multi(): { zRem(key: string, member: string): unknown; hDel(key: string, field: string): unknown; hSet(key: string, field: string, value: string): unknown; exec(): Promise<unknown> }
}

/** @example new RedisWebhookOutbox(client, 'holdline:') */
export class RedisWebhookOutbox implements WebhookOutbox {
  constructor(
    private readonly client: OutboxClient,
    private readonly prefix: string,
  ) {}

  /** The endpoint's keys: its name hashed, since a URL may hold the braces of a hash tag. */
  private keys(endpoint: string): { due: string; entries: string; dead: string } {
    const tag = `${this.prefix}wh:{${createHash('sha256').update(endpoint).digest('hex').slice(0, 16)}}`
    return { due: `${tag}:due`, entries: `${tag}:entries`, dead: `${tag}:dead` }
  }

  async enqueue(endpoint: string, events: ReadonlyArray<{ id: string; body: string }>, now: number): Promise<void> {
    if (events.length === 0) return
    const k = this.keys(endpoint)
    const pairs = events.flatMap(({ id, body }) => [id, JSON.stringify({ body, attempts: 0, queuedAt: now } satisfies Stored)])
    await ENQUEUE.run(this.client, [k.due, k.entries], [String(now), ...pairs])
  }

  async claim(endpoint: string, now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]> {
    const k = this.keys(endpoint)
    const raw = (await CLAIM.run(this.client, [k.due, k.entries], [String(now), String(leaseUntil), String(limit)])) as string[]
    const claimed: OutboxEntry[] = []
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const stored = JSON.parse(raw[i + 1] as string) as Stored
      claimed.push({ id: raw[i] as string, body: stored.body, attempts: stored.attempts, queuedAt: stored.queuedAt })
    }
    return claimed
  }

  async complete(endpoint: string, id: string): Promise<void> {
    const k = this.keys(endpoint)
    const multi = this.client.multi()
    multi.zRem(k.due, id)
    multi.hDel(k.entries, id)
    await multi.exec()
  }

  async retry(endpoint: string, id: string, attempts: number, at: number): Promise<void> {
    const k = this.keys(endpoint)
    await RETRY.run(this.client, [k.due, k.entries], [id, String(attempts), String(at)])
  }

  async deadLetter(endpoint: string, entry: OutboxEntry, reason: string, now: number): Promise<void> {
    const k = this.keys(endpoint)
    const multi = this.client.multi()
    multi.zRem(k.due, entry.id)
    multi.hDel(k.entries, entry.id)
    multi.hSet(k.dead, entry.id, JSON.stringify({ ...entry, reason, deadAt: now }))
    await multi.exec()
  }

  async depth(endpoint: string): Promise<{ queued: number; dead: number }> {
    const k = this.keys(endpoint)
    const [queued, dead] = await Promise.all([this.client.zCard(k.due), this.client.hLen(k.dead)])
    return { queued, dead }
  }
}
