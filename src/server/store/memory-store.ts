/**
 * The default store: one process, everything in memory. Each call completes in one synchronous
 * section, which is what makes `transact` and `claimDue` atomic here.
 */
import type { ConversationStatus, NoteItem, TranscriptItem } from '../../protocol/frames.js'
import type { AgentRecord, Conversation, Deadline, Step } from '../engine/types.js'
import { heldFor } from '../engine/routing.js'
import { applyDrafts, NO_ACKS } from './apply-drafts.js'
import { DeadlineHeap } from './deadline-heap.js'
import { QueueIndex } from './queue-index.js'
import { MemoryWebhookOutbox } from './memory-webhook-outbox.js'
import type { WebhookOutbox } from './webhook-outbox.js'
import { topicsOf } from './topics.js'
import type {
  BusMessage,
  BusSubscription,
  ConversationFilter,
  Mutator,
  NoteDraft,
  RecordedAck,
  Schedule,
  Store,
  Topic,
  TransactResult,
} from './types.js'
import { CONVERSATION_STATUSES } from './types.js'

interface Entry {
  conversation: Conversation
  items: TranscriptItem[]
  /** Made on the first recorded client message: an empty Map costs ~200 bytes per idle conversation. */
  acks: Map<string, RecordedAck> | undefined
  /** Internal notes, made on the first one (most conversations have none). */
  notes?: NoteItem[]
}

/**
 * In-memory {@link Store}.
 * @example const server = await createServer({ store: new MemoryStore() })
 */
export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>()
  /**
   * Conversation ids by state. Routing lists the live ones on every change, and closed ones are kept
   * for a day (`retainClosedMs`): a scan of every entry would grow with the day's traffic.
   */
  private readonly byStatus: Record<ConversationStatus, Set<string>> = { open: new Set(), active: new Set(), 'wrap-up': new Set(), closed: new Set() }
  private readonly deadlines = new DeadlineHeap()
  /** Open conversations in the routing order: a routing step reads its head. */
  private readonly queueIndex = new QueueIndex()
  /** Conversation ids by the agent whose index holds them (engine/routing.ts `heldFor`). */
  private readonly byHolder = new Map<string, Set<string>>()
  private readonly agents = new Map<string, AgentRecord>()
  /** Each listener with the topics it follows (servers sharing this store in one process each have one). */
  private readonly listeners = new Map<(message: BusMessage) => void, Set<Topic>>()
  private readonly locks = new Map<string, Promise<unknown>>()
  /** Lease ends by process id (servers sharing this store in one Node process, as tests run them). */
  private readonly leases = new Map<string, number>()
  /** The webhook outbox, in this process like the rest. */
  readonly webhooks: WebhookOutbox = new MemoryWebhookOutbox()
  /** Last renewal of each lease, by process id, until forgotten. */
  private readonly renewals = new Map<string, number>()
  /** Signed-in customers: `sub` -> its live conversation, and -> its conversations in creation order. */
  private readonly liveBySub = new Map<string, string>()
  private readonly bySub = new Map<string, Set<string>>()

  async create(step: Step, schedule?: Schedule): Promise<TransactResult> {
    const id = step.conversation.id
    if (this.entries.has(id)) throw new Error(`conversation ${id} exists`)
    const entry: Entry = { conversation: { ...step.conversation, lastSeq: 0 }, items: [], acks: undefined }
    const result = this.apply(entry, step, schedule)
    this.entries.set(id, entry)
    this.byStatus[result.conversation.status].add(id)
    const sub = result.conversation.customer.sub
    if (sub !== undefined) this.bySub.set(sub, (this.bySub.get(sub) ?? new Set()).add(id))
    this.indexLive(result.conversation)
    this.indexRouting(undefined, result.conversation)
    return result
  }

  async get(id: string): Promise<Conversation | undefined> {
    return this.entries.get(id)?.conversation
  }

  async transact(id: string, mutate: Mutator, schedule?: Schedule): Promise<TransactResult | undefined> {
    const entry = this.entries.get(id)
    if (!entry) return undefined
    const step = mutate(entry.conversation)
    if (!step) return { previous: entry.conversation, conversation: entry.conversation, items: [], duplicates: NO_ACKS }
    const result = this.apply(entry, step, schedule)
    if (result.previous.status !== result.conversation.status) {
      this.byStatus[result.previous.status].delete(id)
      this.byStatus[result.conversation.status].add(id)
      this.indexLive(result.conversation)
    }
    this.indexRouting(result.previous, result.conversation)
    return result
  }

  private apply(entry: Entry, step: Step, schedule: Schedule | undefined): TransactResult {
    const previous = entry.conversation
    const applied = applyDrafts(previous, step, (clientId) => entry.acks?.get(clientId))
    for (const [clientId, ack] of applied.recorded) (entry.acks ??= new Map()).set(clientId, ack)
    // A copy the size of the first items: growing an empty array by push reserves 17 slots.
    if (entry.items.length === 0) entry.items = applied.items.slice()
    else entry.items.push(...applied.items)
    entry.conversation = applied.conversation
    const result: TransactResult = { previous, conversation: applied.conversation, items: applied.items, duplicates: applied.duplicates }
    if (schedule) this.deadlines.replace(previous.id, (result.deadlines = schedule(applied.conversation)))
    return result
  }

  /** Keeps `liveBySub` in step with the record's status (called in the same synchronous section). */
  private indexLive(conversation: Conversation): void {
    const sub = conversation.customer.sub
    if (sub === undefined) return
    if (conversation.status === 'open' || conversation.status === 'active') this.liveBySub.set(sub, conversation.id)
    else if (this.liveBySub.get(sub) === conversation.id) this.liveBySub.delete(sub)
  }

  /** Keeps the queue and the agents' indexes in step with the record (same synchronous section). */
  private indexRouting(previous: Conversation | undefined, conversation: Conversation): void {
    const placed = previous?.status === 'open' && conversation.status === 'open' && previous.statusAt === conversation.statusAt
    if (!placed && previous?.status === 'open') this.queueIndex.remove(previous)
    if (!placed && conversation.status === 'open') this.queueIndex.add(conversation)
    const before = previous && heldFor(previous)
    const after = heldFor(conversation)
    if (before === after) return
    if (before !== undefined) {
      const set = this.byHolder.get(before)
      set?.delete(conversation.id)
      if (set?.size === 0) this.byHolder.delete(before)
    }
    if (after !== undefined) this.byHolder.set(after, (this.byHolder.get(after) ?? new Set()).add(conversation.id))
  }

  async queue(limit: number): Promise<Conversation[]> {
    return this.queueIndex.head(limit).map((id) => (this.entries.get(id) as Entry).conversation)
  }

  async queueRanks(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    for (const id of ids) {
      const conversation = this.entries.get(id)?.conversation
      const rank = conversation?.status === 'open' ? this.queueIndex.rank(conversation) : undefined
      if (rank !== undefined) out.set(id, rank + 1)
    }
    return out
  }

  async liveAssigned(agentIds: readonly string[]): Promise<Conversation[]> {
    return [...new Set(agentIds)].flatMap((agentId) => [...(this.byHolder.get(agentId) ?? [])].map((id) => (this.entries.get(id) as Entry).conversation))
  }

  async liveConversationOf(sub: string): Promise<string | undefined> {
    return this.liveBySub.get(sub)
  }

  async conversationsOf(sub: string, limit: number): Promise<Conversation[]> {
    const ids = [...(this.bySub.get(sub) ?? [])].reverse().slice(0, Math.max(0, limit))
    return ids.map((id) => (this.entries.get(id) as Entry).conversation)
  }

  async transcript(id: string, afterSeq = 0): Promise<TranscriptItem[]> {
    const items = this.entries.get(id)?.items ?? []
    return items.slice(Math.max(0, afterSeq))
  }

  async findAck(conversationId: string, clientId: string): Promise<RecordedAck | undefined> {
    return this.entries.get(conversationId)?.acks?.get(clientId)
  }

  async listConversations(filter: ConversationFilter = {}): Promise<Conversation[]> {
    const out: Conversation[] = []
    for (const status of filter.statuses ?? CONVERSATION_STATUSES) {
      for (const id of this.byStatus[status]) {
        const conversation = (this.entries.get(id) as Entry).conversation
        if (filter.agentId === undefined || conversation.agent?.id === filter.agentId) out.push(conversation)
      }
    }
    return out
  }

  async countByStatus(): Promise<Record<ConversationStatus, number>> {
    const { open, active, 'wrap-up': wrapUp, closed } = this.byStatus
    return { open: open.size, active: active.size, 'wrap-up': wrapUp.size, closed: closed.size }
  }

  async removeClosed(id: string): Promise<boolean> {
    const conversation = this.entries.get(id)?.conversation
    if (conversation?.status !== 'closed') return false
    const sub = conversation.customer.sub
    if (sub !== undefined) this.bySub.get(sub)?.delete(id)
    if (sub !== undefined && this.bySub.get(sub)?.size === 0) this.bySub.delete(sub)
    this.entries.delete(id)
    this.byStatus.closed.delete(id)
    this.deadlines.replace(id, [])
    return true
  }

  async addNote(conversationId: string, draft: NoteDraft): Promise<{ note: NoteItem; duplicate: boolean } | undefined> {
    const entry = this.entries.get(conversationId)
    if (!entry) return undefined
    const known = entry.notes?.find((n) => n.clientId === draft.clientId)
    if (known) return { note: known, duplicate: true }
    const notes = (entry.notes ??= [])
    const note: NoteItem = { id: `${conversationId}.n${notes.length + 1}`, ...draft }
    notes.push(note)
    return { note, duplicate: false }
  }

  async notes(conversationId: string): Promise<NoteItem[]> {
    return [...(this.entries.get(conversationId)?.notes ?? [])]
  }

  async setDeadlines(conversationId: string, deadlines: readonly Deadline[]): Promise<void> {
    this.deadlines.replace(conversationId, deadlines)
  }

  async claimDue(now: number, limit = 100): Promise<Deadline[]> {
    return this.deadlines.takeDue(now, limit)
  }

  async nextDeadline(): Promise<number | undefined> {
    return this.deadlines.next()
  }

  async updateAgent(id: string, update: (agent: AgentRecord | undefined) => AgentRecord): Promise<AgentRecord> {
    const next = update(this.agents.get(id))
    this.agents.set(id, next)
    return next
  }

  async leaseHolders(): Promise<Array<{ processId: string; renewedAt: number }>> {
    return [...this.renewals].map(([processId, renewedAt]) => ({ processId, renewedAt }))
  }

  async forgetLease(processId: string): Promise<void> {
    this.renewals.delete(processId)
  }

  async renewLease(processId: string, ttlMs: number, now = Date.now()): Promise<void> {
    this.renewals.set(processId, now)
    this.leases.set(processId, Date.now() + ttlMs)
  }

  async lapsedLeases(processIds: readonly string[]): Promise<string[]> {
    const now = Date.now()
    return processIds.filter((id) => (this.leases.get(id) ?? 0) <= now)
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    return this.agents.get(id)
  }

  async listAgents(): Promise<AgentRecord[]> {
    return [...this.agents.values()]
  }

  async exclusive<T>(name: string, body: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(name) ?? Promise.resolve()).then(body)
    const tail = run.catch(() => undefined)
    this.locks.set(name, tail)
    try {
      return await run
    } finally {
      if (this.locks.get(name) === tail) this.locks.delete(name)
    }
  }

  async publish(message: BusMessage): Promise<void> {
    const topics = topicsOf(message)
    // `resync` is for every listener (they are all in this process).
    const everyone = message.type === 'resync'
    for (const [listener, followed] of [...this.listeners]) {
      // Once per listener, however many of its topics the message goes to.
      if (!everyone && !topics.some((t) => followed.has(t))) continue
      try {
        listener(message)
      } catch {
        // Delivery is the subscriber's business: a failing one must not make a recorded change look failed.
      }
    }
  }

  subscribe(listener: (message: BusMessage) => void): BusSubscription {
    const followed = new Set<Topic>()
    this.listeners.set(listener, followed)
    return {
      follow: async (topic) => void followed.add(topic),
      unfollow: (topic) => void followed.delete(topic),
      close: () => void this.listeners.delete(listener),
    }
  }

  async close(): Promise<void> {
    this.listeners.clear()
  }
}
