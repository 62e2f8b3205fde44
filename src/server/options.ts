/**
 * `createServer` options (SPEC section 4): one interface, one DEFAULTS object, checked at once.
 */
import type { AutomatedMessageId } from '../protocol/frames.js'
import type { CannedResponse } from '../protocol/context.js'
import { checkCannedResponses } from './canned.js'
import { DEFAULT_GRACE_MS, DEFAULT_HEARTBEAT_MS, DEFAULT_LIMITS, type Limits } from '../protocol/limits.js'
import type { WrapUpCapacity } from './engine/types.js'
import type { ServerLogger } from './logger.js'
import { parseClusterUrl } from './store/redis-cluster-connect.js'
import { CLUSTER_SCHEME } from './store/redis-connect.js'
import type { Store } from './store/types.js'
import { resolveWebhooks } from './webhooks/endpoints.js'
import type { WebhookEndpoint } from './webhooks/types.js'
import { checkIdentity, type IdentityOptions } from './identity-options.js'

/** How an agent token is configured: an agent id, or the agent's id, name and capacity. */
export type AgentTokenConfig = string | { id: string; name?: string; capacity?: number }

/** The clock the server reads; tests inject one. */
export interface ServerClock {
  now(): number
}

/**
 * Options of {@link createServer}.
 * @example
 * const server = await createServer({ port: 8080, graceMs: 180_000, agentTokens: { secret: 'ana' } })
 */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number
  /** Interface to listen on (tests pass '127.0.0.1'). @default '0.0.0.0' */
  host?: string
  /** Grace window (R1), ms. @default 180000 */
  graceMs?: number
  /** How long an agent may be gone before its active chats go back to the queue (R11), ms. @default 60000 */
  agentGraceMs?: number
  /** How long a chat back in the queue (R10, R11) is offered to its previous agent alone. @default 30000 */
  affinityMs?: number
  /**
   * How long a closed conversation stays readable (`GET /api/conversations/:id`) before it is removed
   * from the store; never shorter than `reconnectWindowMs`. @default 86400000 (24 hours)
   */
  retainClosedMs?: number
  /** Wrap-up closes by itself after this long (R9), ms. @default 900000 */
  wrapUpAutoCloseMs?: number
  /** Wrap-up capacity policy (R9): 'block', 'release', or ms to block. @default 'block' */
  wrapUpCapacity?: WrapUpCapacity
  /** An Open chat closes after this long in the queue (R9), ms. @default 1200000 */
  openAutoCloseMs?: number
  /** Reconnection window (R10), ms; undefined turns reconnection off. @default undefined */
  reconnectWindowMs?: number | undefined
  /**
   * Where state lives: a Store, 'memory', a `redis://` URL or a Redis Cluster's
   * `redis-cluster://host:port[,host:port...]` (both need the `redis` package). @default 'memory'
   */
  store?: Store | 'memory' | string
  /**
   * How long start-up waits for a `redis://` store to answer, retrying (each retry logged), before
   * `createServer` rejects with "redis unreachable at ...". @default 10000
   */
  storeWaitMs?: number
  /**
   * Where the server logs start-up, store outages and recoveries, and its `error` events (the same
   * error repeated is logged once per 10 s). `console` fits; undefined logs nothing. @default undefined
   */
  logger?: ServerLogger | undefined
  /** Agent tokens: token -> agent id, or { id, name, capacity }. @default {} */
  agentTokens?: Record<string, AgentTokenConfig>
  /** Tokens that may read any conversation over HTTP, and sign in on the agent socket as a supervisor. @default [] */
  adminTokens?: readonly string[]
  /** Origins allowed to open sockets and send beacons; undefined allows all. @default undefined */
  allowedOrigins?: readonly string[] | undefined
  /** Overrides of the automated message texts (localisation). @default {} */
  messages?: Partial<Record<AutomatedMessageId, string>>
  /** Heartbeat interval clients are asked to use, ms. @default 15000 */
  heartbeatMs?: number
  /** Protocol limits. @default DEFAULT_LIMITS */
  limits?: Partial<Limits>
  /** Clock, for tests. @default Date */
  clock?: ServerClock
  /** Folder served at `/`, or false for none. @default '<package>/examples' */
  staticRoot?: string | false
  /** Folder served at `/dist/`, or false for none. @default '<package>/dist' */
  distRoot?: string | false
  /** Deadline polling interval, ms, so deadlines written by other processes fire. @default 250 */
  pollMs?: number
  /**
   * Length of the kernel's queue of connections not yet accepted (the `listen()` backlog). Node's
   * default, 511, overflows when thousands of clients reconnect at once, and each overflowed SYN is
   * retried by the client's kernel seconds later (1, 3, 7 s...). The kernel caps it at
   * `net.core.somaxconn` (/proc/sys/net/core/somaxconn). @default 4096
   */
  listenBacklog?: number
  /** Capacity of agents whose token does not say. @default 3 */
  defaultCapacity?: number
  /**
   * New conversations one address may start, counted per process (a token bucket; `burst` defaults
   * to `perMinute`). Past it, the `hello` is refused with `rate-limited` and the socket closed; the
   * SDK retries with its backoff. Resumes and reconnections never count. Undefined: no limit.
   * @default undefined
   */
  newChatsPerAddress?: NewChatsPerAddress | undefined
  /**
   * Take the customer's address from the last `X-Forwarded-For` entry instead of the socket: set it
   * only behind a proxy you run, which appends that entry. @default false
   */
  trustProxy?: boolean
  // --- webhooks ---
  /**
   * Endpoints sent the conversation and message events, signed, at least once (see docs/operations.md).
   * Needs a store with an outbox (MemoryStore and RedisStore have one). @default []
   */
  webhooks?: readonly WebhookEndpoint[]
  /** How often each endpoint's queue is looked at for events queued elsewhere or due for retry, ms. @default 1000 */
  webhookPollMs?: number
  // --- end webhooks ---
  /**
   * Prepared replies every agent receives in `ready` (CLI: `--canned FILE`, a JSON array of them).
   * Ids are unique; `{{name}}` in a text stands for the customer's name. @default []
   */
  cannedResponses?: readonly CannedResponse[]
  /**
   * Signed customer identity: how to verify the JWT the site's backend signs (`hello.identity`).
   * Undefined: identity tokens are ignored and every customer is anonymous. @default undefined
   */
  identity?: IdentityOptions | undefined
}

/** See {@link ServerOptions.newChatsPerAddress}. */
export interface NewChatsPerAddress {
  perMinute: number
  burst?: number
}

/** Defaults of {@link ServerOptions}. */
export const DEFAULTS = {
  port: 0,
  host: '0.0.0.0',
  graceMs: DEFAULT_GRACE_MS,
  agentGraceMs: 60_000,
  affinityMs: 30_000,
  retainClosedMs: 86_400_000,
  wrapUpAutoCloseMs: 900_000,
  wrapUpCapacity: 'block' as WrapUpCapacity,
  openAutoCloseMs: 1_200_000,
  reconnectWindowMs: undefined as number | undefined,
  store: 'memory' as Store | 'memory' | string,
  storeWaitMs: 10_000,
  logger: undefined as ServerLogger | undefined,
  agentTokens: {} as Record<string, AgentTokenConfig>,
  adminTokens: [] as readonly string[],
  allowedOrigins: undefined as readonly string[] | undefined,
  messages: {} as Partial<Record<AutomatedMessageId, string>>,
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  limits: DEFAULT_LIMITS as Partial<Limits>,
  clock: Date as ServerClock,
  staticRoot: undefined as string | false | undefined,
  distRoot: undefined as string | false | undefined,
  pollMs: 250,
  listenBacklog: 4096,
  defaultCapacity: 3,
  newChatsPerAddress: undefined as NewChatsPerAddress | undefined,
  trustProxy: false,
  webhooks: [] as readonly WebhookEndpoint[],
  webhookPollMs: 1_000,
  cannedResponses: [] as readonly CannedResponse[],
  identity: undefined as IdentityOptions | undefined,
}

/** Options with defaults applied and checked. */
export type ResolvedOptions = Omit<typeof DEFAULTS, 'limits'> & { limits: Limits }

const DURATIONS = ['graceMs', 'agentGraceMs', 'affinityMs', 'retainClosedMs', 'wrapUpAutoCloseMs', 'openAutoCloseMs', 'heartbeatMs', 'pollMs', 'storeWaitMs', 'webhookPollMs'] as const

function fail(message: string): never {
  throw new TypeError(`holdline: ${message}`)
}

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0

/**
 * Applies DEFAULTS and checks every option; throws TypeError on the first invalid one.
 * @example resolveOptions({ graceMs: 2_000 }).graceMs // 2000
 */
export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object')
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  const merged = { ...DEFAULTS, ...defined } as typeof DEFAULTS
  for (const key of DURATIONS) if (!isPositiveInt(merged[key])) fail(`${key} must be a positive integer (ms)`)
  const port = merged.port
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('port must be an integer from 0 to 65535')
  if (typeof merged.host !== 'string' || merged.host === '') fail('host must be a non-empty string')
  if (merged.reconnectWindowMs !== undefined && !isPositiveInt(merged.reconnectWindowMs)) fail('reconnectWindowMs must be a positive integer (ms)')
  const cap = merged.wrapUpCapacity
  if (cap !== 'block' && cap !== 'release' && !(Number.isSafeInteger(cap) && (cap as number) >= 0)) {
    fail("wrapUpCapacity must be 'block', 'release' or a number of ms")
  }
  if (!isPositiveInt(merged.listenBacklog)) fail('listenBacklog must be a positive integer')
  if (!isPositiveInt(merged.defaultCapacity)) fail('defaultCapacity must be a positive integer')
  checkNewChatLimit(merged.newChatsPerAddress)
  if (typeof merged.trustProxy !== 'boolean') fail('trustProxy must be a boolean')
  checkTokens(merged.agentTokens, merged.adminTokens)
  checkOrigins(merged.allowedOrigins)
  checkMessages(merged.messages)
  if (typeof merged.clock?.now !== 'function') fail('clock must have a now() function')
  const logger = merged.logger
  if (logger !== undefined && (['debug', 'info', 'warn', 'error'] as const).some((level) => typeof logger?.[level] !== 'function')) {
    fail('logger must have debug, info, warn and error functions')
  }
  const store = merged.store
  if (typeof store === 'string' && store !== 'memory' && !store.startsWith('redis://') && !store.startsWith('rediss://') && !store.startsWith(CLUSTER_SCHEME)) {
    fail("store must be a Store, 'memory', a redis:// or a redis-cluster:// URL")
  }
  if (typeof store === 'string' && store.startsWith(CLUSTER_SCHEME)) parseClusterUrl(store)
  if (typeof store === 'object' && (store === null || typeof store.transact !== 'function')) fail('store must implement Store')
  if (resolveWebhooks(merged.webhooks).length > 0 && typeof store === 'object' && !store.webhooks) fail('webhooks need a store with a webhook outbox (store.webhooks)')
  const limits = resolveLimits(merged.limits)
  const cannedResponses = checkCannedResponses(merged.cannedResponses, 'cannedResponses', limits.maxTextLength)
  const identity = merged.identity === undefined ? undefined : checkIdentity(merged.identity)
  return { ...merged, identity, limits, cannedResponses }
}

function checkTokens(agentTokens: unknown, adminTokens: unknown): void {
  if (typeof agentTokens !== 'object' || agentTokens === null) fail('agentTokens must be an object')
  for (const [token, config] of Object.entries(agentTokens)) {
    if (token === '') fail('agentTokens keys must be non-empty')
    if (typeof config === 'string' && config !== '') continue
    const ok = typeof config === 'object' && config !== null && typeof config.id === 'string' && config.id !== ''
    if (!ok) fail(`agentTokens[${token}] must be an agent id or { id, name?, capacity? }`)
    if (config.name !== undefined && typeof config.name !== 'string') fail(`agentTokens[${token}].name must be a string`)
    if (config.capacity !== undefined && !isPositiveInt(config.capacity)) fail(`agentTokens[${token}].capacity must be a positive integer`)
  }
  if (!Array.isArray(adminTokens) || adminTokens.some((t) => typeof t !== 'string' || t === '')) {
    fail('adminTokens must be an array of non-empty strings')
  }
}

function checkNewChatLimit(limit: unknown): void {
  if (limit === undefined) return
  const { perMinute, burst } = (typeof limit === 'object' && limit !== null ? limit : {}) as Partial<NewChatsPerAddress>
  if (!isPositiveInt(perMinute) || (burst !== undefined && !isPositiveInt(burst))) {
    fail('newChatsPerAddress must be { perMinute, burst? } with positive integers')
  }
}

function checkOrigins(origins: unknown): void {
  if (origins === undefined) return
  if (!Array.isArray(origins) || origins.some((o) => typeof o !== 'string')) fail('allowedOrigins must be an array of strings')
}

function checkMessages(messages: unknown): void {
  if (typeof messages !== 'object' || messages === null) fail('messages must be an object')
  for (const [id, text] of Object.entries(messages)) if (typeof text !== 'string') fail(`messages.${id} must be a string`)
}

function resolveLimits(limits: Partial<Limits>): Limits {
  if (typeof limits !== 'object' || limits === null) fail('limits must be an object')
  const merged = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) }
  for (const [key, value] of Object.entries(merged)) if (!isPositiveInt(value)) fail(`limits.${key} must be a positive integer`)
  return merged as Limits
}
