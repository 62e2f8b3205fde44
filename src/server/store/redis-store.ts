/**
 * The shared store: conversations, transcripts, client-id dedup, deadlines and agents in Redis, and
 * the fan-out between server processes through Redis sharded pub/sub (SPUBLISH / SSUBSCRIBE), one
 * channel per conversation, agent and routing, each followed only by the processes that show it. Several processes on one Redis act as
 * one: a conversation is changed by optimistic concurrency (read it and its revision, decide, then one
 * Lua script writes everything only if the revision is still the one read; retried otherwise), and a
 * due deadline is removed and returned by one Lua script, so exactly one process fires it. The
 * scripts are in redis-scripts.ts.
 */
import { randomUUID } from 'node:crypto'
import type { ConversationStatus, NoteItem, TranscriptItem } from '../../protocol/frames.js'
import { DEADLINE_KINDS, type AgentRecord, type Conversation, type Deadline, type Step } from '../engine/types.js'
import { heldFor } from '../engine/routing.js'
import type { ServerLogger } from '../logger.js'
import { applyDrafts, NO_ACKS } from './apply-drafts.js'
import { connectRedisCluster } from './redis-cluster-connect.js'
import type { BusSubscriber, Closable, StoreCommands } from './redis-commands.js'
import { CLUSTER_SCHEME, connectRedis } from './redis-connect.js'
import { guarded } from './redis-errors.js'
import { mergeQueues, queueMember, routingMoves } from './redis-queue.js'
import { ADD_NOTE, CLAIM_DUE, COMMIT_AGENT, COMMIT_CONVERSATION, RELEASE_LOCK, REMOVE_CONVERSATION } from './redis-scripts.js'
import { StoreUnavailableError } from './unavailable.js'
import { RedisWebhookOutbox } from './redis-webhook-outbox.js'
import type { WebhookOutbox } from './webhook-outbox.js'
import { RedisBus } from './redis-bus.js'
import { conversationTopic, topicsOf } from './topics.js'
import { CONVERSATION_STATUSES, type Announce, type BusMessage, type BusSubscription, type ConversationFilter, type Mutator, type NoteDraft, type RecordedAck, type Schedule, type Store, type Topic, type TransactResult } from './types.js'

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key and of the pub/sub channel. @default 'holdline:' */
  prefix?: string
  /** Attempts of one optimistic transaction before giving up. @default 100 */
  maxRetries?: number
  /** How long to keep trying the first connection before rejecting with "redis unreachable at ...". @default 10000 */
  connectWaitMs?: number
  /** Where connection retries, the outage and the recovery are logged. @default silent */
  logger?: ServerLogger
  /**
   * How many shards (hash tags) conversations, their indexes and deadlines are spread over. Fixed for
   * the life of the data: every process on one Redis must use the same number. Each deadline poll
   * reads the head of every shard, so more shards cost more in the background. @default 8
   */
  shards?: number
}

/** Shard of a conversation id: FNV-1a of its UTF-16 code units, so every process agrees. */
function shardIndex(id: string, shards: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % shards
}

type Client = StoreCommands & Closable

/** How long a lock lives if its holder dies, and how often a waiter tries (about 5 ms apart). */
const LOCK_MS = 5_000
const LOCK_ATTEMPTS = 2_000

/** How long the shards' heads read by claimDue() answer nextDeadline() (one scheduler cycle). */
const HEADS_FRESH_MS = 50

/**
 * Connect a {@link RedisStore}: one connection for commands, one for subscriptions. `url` is one
 * Redis (`redis://`, `rediss://`) or a Redis Cluster (`redis-cluster://host:port[,host:port...]`,
 * some of its masters: the others are discovered). Needs the optional peer dependency `redis`
 * (rejects naming it when it is not installed).
 *
 * @example
 * ```ts
 * const store = await createRedisStore('redis://127.0.0.1:6379')
 * // or: await createRedisStore('redis-cluster://10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000')
 * const server = await createServer({ store, port: 8080 })
 * ```
 */
export async function createRedisStore(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
  const connect = url.startsWith(CLUSTER_SCHEME) ? connectRedisCluster : connectRedis
  const { client, subscriber } = await connect(url, options.connectWaitMs ?? 10_000, options.logger)
  const store = new RedisStore(client, subscriber, options)
  try {
    await store.checkShards()
  } catch (error) {
    await store.close()
    throw error
  }
  await store.listen()
  return guarded(store)
}

/** {@link Store} on Redis. Create with {@link createRedisStore}. */
export class RedisStore implements Store {
  private readonly prefix: string
  private readonly maxRetries: number
  /** The fan-out (redis-bus.ts). */
  private readonly bus: RedisBus

  constructor(
    private readonly client: Client,
    private readonly subscriber: BusSubscriber & Closable,
    options: RedisStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'holdline:'
    this.maxRetries = options.maxRetries ?? 100
    const shards = options.shards ?? 8
    if (!Number.isSafeInteger(shards) || shards < 1) throw new TypeError('holdline: shards must be a positive integer')
    this.shardPrefixes = Array.from({ length: shards }, (_, i) => `${this.prefix}{${i}}:`)
    this.webhooks = guarded(new RedisWebhookOutbox(client, this.prefix))
    this.bus = new RedisBus(client, subscriber, (topic) => this.channelOf(topic))
  }

  /** The webhook outbox (redis-webhook-outbox.ts): its keys apart from the conversations'. */
  readonly webhooks: WebhookOutbox

  /**
   * Key names. A conversation's keys and the indexes it is in (status and agent sets, deadlines) are
   * kept in one of `shards` shards, named by a hash tag (`holdline:{3}:c:<id>`): every key of one
   * shard is in one Redis Cluster slot, so a script that writes a conversation and its indexes
   * touches one slot, and the deadlines and indexes are spread over `shards` keys, none hot. Agents
   * share the tag `{agents}` (they change on logins, rarely) and leases `{leases}`, so each is read
   * with one MGET; locks are one key each. The fan-out channels are sharded pub/sub channels: a
   * conversation's in its shard, an agent's tagged by the agent.
   */
  private key = {
    conversation: (id: string) => `${this.shardOf(id)}c:${id}`,
    revision: (id: string) => `${this.shardOf(id)}r:${id}`,
    items: (id: string) => `${this.shardOf(id)}i:${id}`,
    acks: (id: string) => `${this.shardOf(id)}a:${id}`,
    notes: (id: string) => `${this.shardOf(id)}n:${id}`,
    noteIds: (id: string) => `${this.shardOf(id)}nc:${id}`,
    status: (shard: string, status: string) => `${shard}s:${status}`,
    agentConversations: (shard: string, agentId: string) => `${shard}g:${agentId}`,
    deadlines: (shard: string) => `${shard}dl`,
    // Routing: open conversations of the shard in the routing order (score `statusAt`, member
    // `queueMember`); the live conversations of one agent (engine/routing.ts `heldFor`).
    queue: (shard: string) => `${shard}q`,
    heldFor: (shard: string, agentId: string) => `${shard}ga:${agentId}`,
    deadlineData: (shard: string) => `${shard}dd`,
    agent: (id: string) => `${this.prefix}{agents}:ag:${id}`,
    agentRevision: (id: string) => `${this.prefix}{agents}:agr:${id}`,
    agents: () => `${this.prefix}{agents}:ags`,
    // Sharded pub/sub: a conversation's channel is in its shard (on a cluster, the node of its keys).
    conversationChannel: (id: string) => `${this.shardOf(id)}bus:${id}`,
    agentChannel: (id: string) => `${this.prefix}{ag:${id}}:bus`,
    routingChannel: () => `${this.prefix}bus:routing`,
    lock: (name: string) => `${this.prefix}lock:${name}`,
    lease: (processId: string) => `${this.prefix}{leases}:lease:${processId}`,
    renewals: () => `${this.prefix}{leases}:renewed`,
    // Signed customer identity, in each shard for the conversations it holds (one cluster slot per
    // script): `sub` -> its live conversation id; -> its conversations by creation.
    liveOf: (shard: string, sub: string) => `${shard}u:${sub}`,
    ofSub: (shard: string, sub: string) => `${shard}uh:${sub}`,
  }

  /**
   * The shards' earliest deadlines as claimDue() just read them: the scheduler asks nextDeadline()
   * right after, and a second read of every shard would double the cost of each poll.
   */
  private heads: { at: number; scores: Array<number | undefined> } | undefined = undefined

  /** The key prefix of every shard, `holdline:{0}:` to `holdline:{N-1}:`. */
  private readonly shardPrefixes: string[]

  /**
   * Records the number of shards beside the data, or rejects when the data was written with another:
   * a process with another count would look for each conversation in the wrong shard.
   */
  async checkShards(): Promise<void> {
    const key = `${this.prefix}shards`
    const wanted = String(this.shardPrefixes.length)
    const found = (await this.client.set(key, wanted, { condition: 'NX' })) ? wanted : await this.client.get(key)
    if (found === wanted) return
    throw new Error(`holdline: this Redis holds data written with ${found ?? 'an unknown number of'} shards under the prefix '${this.prefix}', and this store was created with ${wanted}; every process on one Redis must use the same \`shards\``)
  }

  /** The key prefix of the shard that holds conversation `id`. */
  shardOf(id: string): string {
    return this.shardPrefixes[shardIndex(id, this.shardPrefixes.length)] as string
  }

  /** Watches the subscriber connection (called once by createRedisStore). */
  async listen(): Promise<void> {
    this.bus.listen()
  }

  /** The sharded channel of a topic. */
  private channelOf(topic: Topic): string {
    if (topic === 'routing') return this.key.routingChannel()
    const at = topic.indexOf(':')
    const id = topic.slice(at + 1)
    return topic.startsWith('agent:') ? this.key.agentChannel(id) : this.key.conversationChannel(id)
  }

  async create(step: Step, schedule?: Schedule, announce?: Announce): Promise<TransactResult> {
    const result = await this.commit('', { ...step.conversation, lastSeq: 0 }, step, true, schedule, announce)
    if (!result) throw new Error(`conversation ${step.conversation.id} exists`)
    return result
  }

  async get(id: string): Promise<Conversation | undefined> {
    const raw = await this.client.get(this.key.conversation(id))
    return raw ? (JSON.parse(raw) as Conversation) : undefined
  }

  async transact(id: string, mutate: Mutator, schedule?: Schedule, announce?: Announce): Promise<TransactResult | undefined> {
    for (let attempt = 0; attempt < this.maxRetries; attempt += 1) {
      const [raw, revision] = await this.client.mGet([this.key.conversation(id), this.key.revision(id)])
      if (!raw) return undefined
      const current = JSON.parse(raw) as Conversation
      const step = mutate(current)
      if (!step) return { previous: current, conversation: current, items: [], duplicates: NO_ACKS }
      const result = await this.commit(revision ?? '0', current, step, false, schedule, announce)
      if (result) return result
    }
    throw new StoreUnavailableError(`conversation ${id}: too much contention`)
  }

  /**
   * Applies `step` to `previous` and writes the outcome if the stored revision is still `revision`
   * ('' when creating: if there is no record yet). Undefined when another write came first: the
   * caller reads again and decides again.
   */
  private async commit(revision: string, previous: Conversation, step: Step, creating: boolean, schedule: Schedule | undefined, announce: Announce | undefined): Promise<TransactResult | undefined> {
    const known = new Map<string, RecordedAck>()
    // The client ids are checked by the script, in the same step as the write: a known one makes it
    // write nothing and answer its ack, and the step is applied again without that draft.
    for (;;) {
      const answer = await this.tryCommit(revision, previous, step, creating, schedule, known, announce)
      if (!Array.isArray(answer)) return answer
      for (let i = 0; i + 1 < answer.length; i += 2) known.set(String(answer[i]), JSON.parse(String(answer[i + 1])) as RecordedAck)
    }
  }

  /** One call of the commit script: the result when written, undefined on a newer revision, or the acks of client ids already recorded. */
  private async tryCommit(revision: string, previous: Conversation, step: Step, creating: boolean, schedule: Schedule | undefined, known: ReadonlyMap<string, RecordedAck>, announce: Announce | undefined): Promise<TransactResult | undefined | unknown[]> {
    const id = previous.id
    const applied = applyDrafts(previous, step, (clientId) => known.get(clientId))
    const clientIds = [...applied.recorded.keys()]
    const next = applied.conversation
    const before = creating ? undefined : previous
    const result: TransactResult = { previous, conversation: next, items: applied.items, duplicates: applied.duplicates }
    const deadlines = schedule ? (result.deadlines = schedule(next)) : undefined
    const flag = (on: boolean): string => (on ? '1' : '0')
    const statusMoved = before?.status !== next.status
    const agentMoved = before?.agent?.id !== next.agent?.id
    const shard = this.shardOf(id)
    const keys = [
      this.key.conversation(id),
      this.key.revision(id),
      this.key.items(id),
      this.key.acks(id),
      this.key.status(shard, before?.status ?? next.status),
      this.key.status(shard, next.status),
      this.key.agentConversations(shard, before?.agent?.id ?? ''),
      this.key.agentConversations(shard, next.agent?.id ?? ''),
      this.key.deadlines(shard),
      this.key.deadlineData(shard),
      ...this.subKeys(next),
      this.key.queue(shard),
      this.key.heldFor(shard, (before && heldFor(before)) ?? ''),
      this.key.heldFor(shard, heldFor(next) ?? ''),
    ]
    // The change's publish to its conversation's channel runs in the script (the channel is in the
    // conversation's shard, so in its slot on a cluster); any other topic is published after.
    const message = announce?.(result)
    const topics = message ? topicsOf(message) : []
    const inScript = topics.includes(conversationTopic(id))
    if (inScript) keys.push(this.key.conversationChannel(id))
    const args = [
      revision,
      JSON.stringify(next),
      id,
      JSON.stringify(applied.items.map((item) => JSON.stringify(item))),
      JSON.stringify([...applied.recorded].flatMap(([clientId, ack]) => [clientId, JSON.stringify(ack)])),
      flag(statusMoved && before !== undefined) + flag(statusMoved) + flag(agentMoved && before?.agent !== undefined) + flag(agentMoved && next.agent !== undefined),
      deadlines ? JSON.stringify(deadlines.map((d) => [this.deadlineMember(d.conversationId, d.kind), String(d.at), JSON.stringify(d)])) : '',
      JSON.stringify(this.deadlineMembers(id)),
      next.customer.sub === undefined ? '' : next.status === 'open' || next.status === 'active' ? 'live' : 'ended',
      String(next.createdAt),
      queueMember(next),
      routingMoves(before, next),
      clientIds.length > 0 ? JSON.stringify(clientIds) : '',
      inScript ? JSON.stringify(message) : '',
    ]
    const answer = await COMMIT_CONVERSATION.run(this.client, keys, args)
    if (Array.isArray(answer)) return answer
    if (answer !== 1) return undefined
    if (message) {
      await this.bus.publish(message, inScript ? conversationTopic(id) : undefined)
      result.announced = true
    }
    return result
  }

  async queue(limit: number): Promise<Conversation[]> {
    if (limit <= 0) return []
    const perShard = await Promise.all(this.shardPrefixes.map((shard) => this.client.zRangeWithScores(this.key.queue(shard), 0, limit - 1)))
    const ids = mergeQueues(perShard).slice(0, limit)
    if (ids.length === 0) return []
    const raws = await this.readMany(ids.map((id) => this.key.conversation(id)))
    return raws.flatMap((raw) => {
      const c = raw ? (JSON.parse(raw) as Conversation) : undefined
      return c?.status === 'open' ? [c] : []
    })
  }

  async queueRanks(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (ids.length === 0) return out
    // The index alone (ids and scores, no records), merged as the routing order across shards.
    const perShard = await Promise.all(this.shardPrefixes.map((shard) => this.client.zRangeWithScores(this.key.queue(shard), 0, -1)))
    const wanted = new Set(ids)
    mergeQueues(perShard).forEach((id, i) => {
      if (wanted.has(id)) out.set(id, i + 1)
    })
    return out
  }

  async liveAssigned(agentIds: readonly string[]): Promise<Conversation[]> {
    const agents = new Set(agentIds)
    if (agents.size === 0) return []
    // Every agent's index of one shard is in the shard's slot: one SUNION per shard for them all.
    const lists = await Promise.all(this.shardPrefixes.map((shard) => this.client.sUnion([...agents].map((id) => this.key.heldFor(shard, id)))))
    const ids = lists.flat()
    if (ids.length === 0) return []
    const raws = await this.readMany(ids.map((id) => this.key.conversation(id)))
    return raws.flatMap((raw) => {
      const c = raw ? (JSON.parse(raw) as Conversation) : undefined
      const holder = c && heldFor(c)
      return c && holder !== undefined && agents.has(holder) ? [c] : []
    })
  }

  /**
   * The identity keys of a conversation's customer, in the conversation's shard; keys of nothing for
   * an anonymous one (the script leaves them).
   */
  private subKeys(conversation: Conversation): [string, string] {
    const sub = conversation.customer.sub ?? ''
    const shard = this.shardOf(conversation.id)
    return [this.key.liveOf(shard, sub), this.key.ofSub(shard, sub)]
  }

  // A customer's conversations may sit in any shard: each shard is asked (one read per shard). The
  // hello takes an exclusive lock per `sub`, so at most one shard names a live one.
  async liveConversationOf(sub: string): Promise<string | undefined> {
    const found = await this.readMany(this.shardPrefixes.map((shard) => this.key.liveOf(shard, sub)))
    return found.find((id): id is string => typeof id === 'string') ?? undefined
  }

  async conversationsOf(sub: string, limit: number): Promise<Conversation[]> {
    if (limit <= 0) return []
    const perShard = await Promise.all(this.shardPrefixes.map((shard) =>
      this.client.zRangeWithScores(this.key.ofSub(shard, sub), 0, limit - 1, { REV: true })))
    const ids = perShard.flat().sort((a, b) => b.score - a.score).slice(0, limit).map((entry) => entry.value)
    if (ids.length === 0) return []
    const raws = await this.readMany(ids.map((id) => this.key.conversation(id)))
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as Conversation] : []))
  }

  async transcript(id: string, afterSeq = 0): Promise<TranscriptItem[]> {
    // Item n has seq n + 1: the list is appended in seq order with no gaps.
    const raw = await this.client.lRange(this.key.items(id), Math.max(0, afterSeq), -1)
    return raw.map((r) => JSON.parse(r) as TranscriptItem)
  }

  async findAck(conversationId: string, clientId: string): Promise<RecordedAck | undefined> {
    const raw = await this.client.hGet(this.key.acks(conversationId), clientId)
    return raw ? (JSON.parse(raw) as RecordedAck) : undefined
  }

  async listConversations(filter: ConversationFilter = {}): Promise<Conversation[]> {
    const ids = await this.candidateIds(filter)
    if (ids.length === 0) return []
    const raws = await this.readMany(ids.map((id) => this.key.conversation(id)))
    return raws.flatMap((raw) => {
      if (!raw) return []
      const c = JSON.parse(raw) as Conversation
      if (filter.statuses && !filter.statuses.includes(c.status)) return []
      if (filter.agentId !== undefined && c.agent?.id !== filter.agentId) return []
      return [c]
    })
  }

  async countByStatus(): Promise<Record<ConversationStatus, number>> {
    const counts = await Promise.all(CONVERSATION_STATUSES.map(async (s) => {
      const perShard = await Promise.all(this.shardPrefixes.map((shard) => this.client.sCard(this.key.status(shard, s))))
      return perShard.reduce((sum, n) => sum + n, 0)
    }))
    return Object.fromEntries(CONVERSATION_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as Record<ConversationStatus, number>
  }

  private async candidateIds(filter: ConversationFilter): Promise<string[]> {
    const agentId = filter.agentId
    const keys = agentId !== undefined
      ? this.shardPrefixes.map((shard) => this.key.agentConversations(shard, agentId))
      : (filter.statuses ?? CONVERSATION_STATUSES).flatMap((s) => this.shardPrefixes.map((shard) => this.key.status(shard, s)))
    const lists = await Promise.all(keys.map((key) => this.client.sMembers(key)))
    return lists.flat()
  }

  async removeClosed(id: string): Promise<boolean> {
    for (let attempt = 0; attempt < this.maxRetries; attempt += 1) {
      const [raw, revision] = await this.client.mGet([this.key.conversation(id), this.key.revision(id)])
      const conv = raw ? (JSON.parse(raw) as Conversation) : undefined
      if (!raw || conv?.status !== 'closed') return false
      const shard = this.shardOf(id)
      const keys = [
        this.key.conversation(id),
        this.key.revision(id),
        this.key.items(id),
        this.key.acks(id),
        this.key.status(shard, 'closed'),
        this.key.agentConversations(shard, conv.agent?.id ?? ''),
        this.key.deadlines(shard),
        this.key.deadlineData(shard),
        this.key.notes(id),
        this.key.noteIds(id),
        this.subKeys(conv)[1],
      ]
      const args = [revision ?? '0', id, JSON.stringify(this.deadlineMembers(id)), conv.agent ? '1' : '0']
      if ((await REMOVE_CONVERSATION.run(this.client, keys, args)) === 1) return true
    }
    throw new StoreUnavailableError(`conversation ${id}: too much contention`)
  }

  async addNote(conversationId: string, draft: NoteDraft): Promise<{ note: NoteItem; duplicate: boolean } | undefined> {
    const { clientId, ...rest } = draft
    const keys = [this.key.notes(conversationId), this.key.noteIds(conversationId), this.key.conversation(conversationId)]
    const answer = (await ADD_NOTE.run(this.client, keys, [clientId, conversationId, JSON.stringify({ ...rest, clientId })])) as [number, string] | null
    if (!answer) return undefined
    return { note: JSON.parse(answer[1]) as NoteItem, duplicate: answer[0] === 1 }
  }

  async notes(conversationId: string): Promise<NoteItem[]> {
    const raw = await this.client.lRange(this.key.notes(conversationId), 0, -1)
    return raw.map((r) => JSON.parse(r) as NoteItem)
  }

  /** The deadline member of one kind of a conversation's deadlines. */
  private deadlineMember(conversationId: string, kind: string): string {
    return `${conversationId}\u0000${kind}`
  }

  /** Every deadline member a conversation can have, one per kind. */
  private deadlineMembers(conversationId: string): string[] {
    return DEADLINE_KINDS.map((kind) => this.deadlineMember(conversationId, kind))
  }

  async exclusive<T>(name: string, body: () => Promise<T>): Promise<T> {
    const key = this.key.lock(name)
    const token = randomUUID()
    // The lock expires by itself, so a process that dies holding it blocks the others for LOCK_MS at most.
    for (let attempt = 0; ; attempt += 1) {
      if (await this.client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: LOCK_MS } })) break
      if (attempt >= LOCK_ATTEMPTS) throw new StoreUnavailableError(`${name}: lock busy`)
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8))
    }
    try {
      return await body()
    } finally {
      await RELEASE_LOCK.run(this.client, [key], [token])
    }
  }

  async setDeadlines(conversationId: string, deadlines: readonly Deadline[]): Promise<void> {
    const members = this.deadlineMembers(conversationId)
    // One shard: both keys in one slot, so MULTI holds on a cluster too.
    const shard = this.shardOf(conversationId)
    const multi = this.client.multi().zRem(this.key.deadlines(shard), members).hDel(this.key.deadlineData(shard), members)
    for (const d of deadlines) {
      const member = this.deadlineMember(d.conversationId, d.kind)
      multi.zAdd(this.key.deadlines(shard), { score: d.at, value: member }).hSet(this.key.deadlineData(shard), member, JSON.stringify(d))
    }
    await multi.exec()
  }

  async claimDue(now: number, limit = 100): Promise<Deadline[]> {
    // The head of every shard in one round trip; only shards with something due run the claim
    // script, each for its share (more due than that is found by the caller's next round).
    const heads = await this.readHeads()
    const share = String(Math.max(1, Math.ceil(limit / this.shardPrefixes.length)))
    const due = this.shardPrefixes.filter((_, i) => (heads[i] ?? Infinity) <= now)
    const claimed = await Promise.all(
      due.map((shard) => CLAIM_DUE.run(this.client, [this.key.deadlines(shard), this.key.deadlineData(shard)], [String(now), share]) as Promise<string[]>),
    )
    // The heads of the shards not claimed from stand for the next nextDeadline() of this cycle.
    if (due.length > 0) this.heads = undefined
    return claimed.flat().map((r) => JSON.parse(r) as Deadline).sort((a, b) => a.at - b.at)
  }

  async nextDeadline(): Promise<number | undefined> {
    const cached = this.heads
    this.heads = undefined
    const heads = cached && Date.now() - cached.at < HEADS_FRESH_MS ? cached.scores : await this.readHeads()
    let next: number | undefined
    for (const score of heads) if (score !== undefined && (next === undefined || score < next)) next = score
    return next
  }

  /** Reads every shard's head now: nextDeadline() may answer from what the scheduler's claim just read. */
  async probe(): Promise<void> {
    await this.readHeads()
  }

  /** The earliest deadline of each shard (undefined for an empty one), remembered for a moment. */
  private async readHeads(): Promise<Array<number | undefined>> {
    const firsts = await Promise.all(this.shardPrefixes.map((shard) => this.client.zRangeWithScores(this.key.deadlines(shard), 0, 0)))
    const scores = firsts.map((first) => first[0]?.score)
    this.heads = { at: Date.now(), scores }
    return scores
  }

  async updateAgent(id: string, update: (agent: AgentRecord | undefined) => AgentRecord): Promise<AgentRecord> {
    const keys = [this.key.agent(id), this.key.agentRevision(id), this.key.agents()]
    for (let attempt = 0; attempt < this.maxRetries; attempt += 1) {
      const [raw, revision] = await this.client.mGet([keys[0] as string, keys[1] as string])
      const next = update(raw ? (JSON.parse(raw) as AgentRecord) : undefined)
      if ((await COMMIT_AGENT.run(this.client, keys, [revision ?? '0', JSON.stringify(next), id])) === 1) return next
    }
    throw new StoreUnavailableError(`agent ${id}: too much contention`)
  }

  async renewLease(processId: string, ttlMs: number, now = Date.now()): Promise<void> {
    // Both under the tag {leases}: one slot, so MULTI holds on a cluster too.
    await this.client.multi().set(this.key.lease(processId), '1', { PX: ttlMs }).hSet(this.key.renewals(), processId, String(now)).exec()
  }

  async leaseHolders(): Promise<Array<{ processId: string; renewedAt: number }>> {
    const all = await this.client.hGetAll(this.key.renewals())
    return Object.entries(all).map(([processId, at]) => ({ processId, renewedAt: Number(at) }))
  }

  async forgetLease(processId: string): Promise<void> {
    await this.client.hDel(this.key.renewals(), processId)
  }

  async lapsedLeases(processIds: readonly string[]): Promise<string[]> {
    if (processIds.length === 0) return []
    const alive = await this.client.mGet(processIds.map((id) => this.key.lease(id)))
    return processIds.filter((_, i) => !alive[i])
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    const raw = await this.client.get(this.key.agent(id))
    return raw ? (JSON.parse(raw) as AgentRecord) : undefined
  }

  async listAgents(): Promise<AgentRecord[]> {
    const ids = await this.client.sMembers(this.key.agents())
    if (ids.length === 0) return []
    const raws = await this.readMany(ids.map((id) => this.key.agent(id)))
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as AgentRecord] : []))
  }

  /**
   * GET of many keys of any shards: one MGET per shard (a cluster refuses an MGET across slots), all
   * sent at once (node-redis pipelines them), results in the order of `keys`.
   */
  private async readMany(keys: readonly string[]): Promise<Array<string | null>> {
    const groups = new Map<string, number[]>()
    keys.forEach((key, i) => {
      const tag = /\{[^}]+\}/.exec(key)?.[0] ?? ''
      const group = groups.get(tag)
      if (group) group.push(i)
      else groups.set(tag, [i])
    })
    const out: Array<string | null> = new Array<string | null>(keys.length).fill(null)
    await Promise.all([...groups.values()].map(async (indexes) => {
      const values = await this.client.mGet(indexes.map((i) => keys[i] as string))
      indexes.forEach((i, n) => (out[i] = values[n] ?? null))
    }))
    return out
  }

  async publish(message: BusMessage): Promise<void> {
    await this.bus.publish(message)
  }

  subscribe(listener: (message: BusMessage) => void): BusSubscription {
    return this.bus.subscribe(listener)
  }

  async close(): Promise<void> {
    this.bus.close()
    const clients = [this.subscriber, this.client]
    // QUIT lets the commands in flight finish, but only completes with Redis there: one that went
    // away (or goes during the QUIT) gets a second, then the connections are dropped, so the
    // server's close() never waits for Redis to come back.
    const quitting = Promise.allSettled(clients.map((c) => ((c.isReady ?? c.isOpen) ? c.quit() : undefined)))
    await Promise.race([quitting, new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())])
    for (const c of clients) {
      try {
        c.destroy()
      } catch {
        // Closed already by its QUIT.
      }
    }
  }
}
