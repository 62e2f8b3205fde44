/**
 * The store: everything that must be shared between server processes (conversations, transcripts,
 * client-id dedup, presence, deadlines, agent records) and the fan-out of changes between them.
 * Every call is async so that a networked store (Redis) fits behind the same interface.
 */
import type { ConversationStatus, CustomerPresence, NoteItem, TranscriptItem, TypingNoticeFrame } from '../../protocol/frames.js'
import type { CustomerDetails } from '../../protocol/context.js'
import type { AgentRecord, Conversation, CustomerConnection, Deadline, Step } from '../engine/types.js'
import type { WebhookOutbox } from './webhook-outbox.js'

export { CONVERSATION_STATUSES } from '../../protocol/frames.js'

/** The original acknowledgement of a client message. */
export interface RecordedAck {
  seq: number
  messageId: string
}

/** Outcome of {@link Store.transact}. */
export interface TransactResult {
  /** The record before the update. */
  previous: Conversation
  /** The record after the update. */
  conversation: Conversation
  /** The items recorded, with their sequence numbers and ids. */
  items: TranscriptItem[]
  /** Client ids whose message was already recorded, with the original ack (nothing recorded twice). */
  duplicates: ReadonlyMap<string, RecordedAck>
  /** The conversation's deadlines as written with this update (when a schedule was given and it changed). */
  deadlines?: readonly Deadline[]
  /** The store published the {@link Announce} message of this update itself, with the write. */
  announced?: true
}

/**
 * The fan-out message of an update, given its outcome. A store may publish it in the same step as
 * the write (the Redis script does, saving a round trip) and then sets `announced`; otherwise the
 * caller publishes it.
 */
export type Announce = (result: TransactResult) => BusMessage

/**
 * The deadlines of a conversation as updated. Written in the same atomic step as the update, so two
 * updates racing can never leave the deadlines of the older record in place.
 */
export type Schedule = (conversation: Conversation) => readonly Deadline[]

/**
 * An atomic update of one conversation: given the current record, return the step to apply, or
 * `null` to change nothing. It may run more than once (optimistic stores retry), so it must be pure.
 */
export type Mutator = (conversation: Conversation) => Step | null

/**
 * What a subscriber follows: one conversation (its customers, the consoles that show it), one agent
 * (a conversation moved to it), or `routing` (the queue and agents changed; also every new
 * conversation, for supervisors). A process follows only what its connections show, so a publish
 * reaches the processes that serve it and no other.
 */
export type Topic = `conversation:${string}` | `agent:${string}` | 'routing'

/**
 * A recorded change of one conversation, as its receivers show it: the new items and what else
 * changed (never the whole record). Each optional field is there only when it changed.
 */
export interface ChangeMessage {
  type: 'changed'
  conversationId: string
  status: ConversationStatus
  items: TranscriptItem[]
  /** The assigned agent after the change. */
  agentId?: string
  /** The change moved the conversation from one agent (or none) to another (or none). */
  agentMoved?: true
  /** The assigned agent before, when the change moved it from one. */
  previousAgentId?: string
  /** The conversation was created with this change. */
  created?: true
  /** The customer's connections, when they changed (a socket holder checks it is still named). */
  connections?: CustomerConnection[]
  /** The customer's presence as the consoles show it, when it changed. */
  presence?: CustomerPresence
  /** The customer's context, when it changed (for consoles only). */
  customer?: CustomerDetails
}

/** What one process tells the others (and itself) through the store. */
export type BusMessage =
  | ChangeMessage
  | { type: 'typing'; conversationId: string; from: TypingNoticeFrame['from']; agentId?: string }
  | { type: 'routing' }
  /**
   * An internal note was recorded: for agent consoles only (the conversation's agent when it was
   * written, its offers, supervisors). Never delivered to a customer connection.
   */
  | { type: 'note'; conversationId: string; agentId?: string; note: NoteItem }
  /**
   * From the store to its own process only: its subscription was down and is back, and what was
   * published meanwhile is lost. Every connection reads what it shows from the store.
   */
  | { type: 'resync' }

/**
 * One listener's subscription: it receives the messages of the topics it follows (and `resync`).
 * @example
 * const sub = store.subscribe((m) => hub.deliver(m))
 * await sub.follow('conversation:c1')
 */
export interface BusSubscription {
  /** Starts receiving `topic`; resolves once publishes to it reach this listener. */
  follow(topic: Topic): Promise<void>
  /** Stops receiving `topic`. */
  unfollow(topic: Topic): void
  /** Stops receiving anything. */
  close(): void
}

/** A note to record: the store gives it its id. */
export type NoteDraft = Omit<NoteItem, 'id' | 'clientId'> & { clientId: string }

/** Filter for {@link Store.listConversations}. */
export interface ConversationFilter {
  statuses?: readonly ConversationStatus[]
  agentId?: string
}

/**
 * Storage and fan-out behind the engine.
 * @example
 * const store: Store = new MemoryStore()
 * const created = await store.create(step)
 */
export interface Store {
  /** Records a new conversation and its first items (and deadlines). Rejects if the id exists. */
  create(step: Step, schedule?: Schedule, announce?: Announce): Promise<TransactResult>
  get(id: string): Promise<Conversation | undefined>
  /**
   * Atomically updates one conversation: sequence numbers are assigned here, message drafts whose
   * `clientId` is already recorded are dropped (reported in `duplicates`), and with `schedule` the
   * conversation's deadlines are replaced along. Undefined when unknown.
   */
  transact(id: string, mutate: Mutator, schedule?: Schedule, announce?: Announce): Promise<TransactResult | undefined>
  /** Items with `seq > afterSeq`, in order. */
  transcript(id: string, afterSeq?: number): Promise<TranscriptItem[]>
  /** The ack of an already recorded client message, if any. */
  findAck(conversationId: string, clientId: string): Promise<RecordedAck | undefined>
  listConversations(filter?: ConversationFilter): Promise<Conversation[]>
  /**
   * The queue: the `limit` oldest open conversations in the routing order (engine/routing.ts
   * `queueOrder`: by `statusAt`, then `createdAt`), read from an index kept in the same atomic write
   * as the record, so a routing step reads the head of the queue and nothing else.
   * @example const head = await store.queue(20)
   */
  queue(limit: number): Promise<Conversation[]>
  /**
   * Places in the queue (1 for the oldest) of those of `ids` that are open, by id; the others are
   * left out. Reads the queue's index, not its records.
   * @example (await store.queueRanks(['c7'])).get('c7') // 3
   */
  queueRanks(ids: readonly string[]): Promise<Map<string, number>>
  /**
   * What routing needs of agents, from an index kept with the record: the Active and Wrap-up
   * conversations of each of `agentIds` (capacity in use is derived from them) and the Open ones
   * that wait for one of them alone (`preferredAgentId` set to it, affinity not lapsed), in any
   * order. Closed history is not read. One call for many agents reads each shard once.
   * @example const used = capacityUsed('a1', await store.liveAssigned(['a1']), now, policy)
   */
  liveAssigned(agentIds: readonly string[]): Promise<Conversation[]>
  /** How many conversations are in each state, without reading them (metrics scrape it often). */
  countByStatus(): Promise<Record<ConversationStatus, number>>
  /**
   * Removes a conversation with its transcript, acks and deadlines, atomically, if it is closed.
   * Resolves true when it was removed.
   */
  removeClosed(id: string): Promise<boolean>
  /**
   * Records an internal note in the conversation's own list of notes (they take no seq), its id made
   * here, unless a note with the same `clientId` is recorded: then that one, `duplicate: true`.
   * Undefined when the conversation is unknown. Notes are removed with the conversation.
   */
  addNote(conversationId: string, note: NoteDraft): Promise<{ note: NoteItem; duplicate: boolean } | undefined>
  /** The conversation's internal notes, oldest first. */
  notes(conversationId: string): Promise<NoteItem[]>
  /** Replaces the deadlines of one conversation. */
  setDeadlines(conversationId: string, deadlines: readonly Deadline[]): Promise<void>
  /** Removes and returns deadlines due at `now`: each is claimed by exactly one caller. */
  claimDue(now: number, limit?: number): Promise<Deadline[]>
  /** The earliest deadline, if any. */
  nextDeadline(): Promise<number | undefined>
  /**
   * Resolves when every part of the store answers now (each shard of a sharded one), for readiness
   * probes; without it, a probe asks {@link nextDeadline}.
   */
  probe?(): Promise<void>
  /** Atomically updates an agent record (`undefined` in when it does not exist yet). */
  updateAgent(id: string, update: (agent: AgentRecord | undefined) => AgentRecord): Promise<AgentRecord>
  getAgent(id: string): Promise<AgentRecord | undefined>
  listAgents(): Promise<AgentRecord[]>
  /**
   * Server process `processId` is alive for `ttlMs` more. A process that dies without closing its
   * sockets stops renewing; the others then find its agent connections dead (R11 across processes).
   */
  renewLease(processId: string, ttlMs: number, now?: number): Promise<void>
  /** Of `processIds`, those whose lease has run out. */
  lapsedLeases(processIds: readonly string[]): Promise<string[]>
  /**
   * Every process that renewed a lease and was not forgotten since, with its last renewal (`now` as
   * given to {@link renewLease}): a lapsed one's customers count as last heard then.
   */
  leaseHolders(): Promise<Array<{ processId: string; renewedAt: number }>>
  /** Forgets a process whose lease lapsed, once the connections it held were released. */
  forgetLease(processId: string): Promise<void>
  /**
   * Runs `body` while no other caller, in any process, runs one under the same `name`. For checks
   * that span several records (an agent's capacity across its conversations).
   */
  exclusive<T>(name: string, body: () => Promise<T>): Promise<T>
  // Signed customer identity: conversations by `customer.sub`, indexed in the same atomic write as
  // the record, so the index never names a chat whose record says otherwise.
  /** The live (Open or Active) conversation of the signed-in customer `sub`, if any. */
  liveConversationOf(sub: string): Promise<string | undefined>
  /** The conversations of `sub` the store still holds (closed ones until removed), newest first, `limit` at most. */
  conversationsOf(sub: string, limit: number): Promise<Conversation[]>
  /** Sends a message to the subscribers of its topics ({@link topicsOf}) in every process, this one included. */
  publish(message: BusMessage): Promise<void>
  /** A listener that receives what it follows (nothing until it follows a topic). */
  subscribe(listener: (message: BusMessage) => void): BusSubscription
  close(): Promise<void>
  /** The webhook outbox (see webhook-outbox.ts); a store without one cannot serve `webhooks`. */
  readonly webhooks?: WebhookOutbox
}
