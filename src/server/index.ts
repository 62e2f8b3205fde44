/**
 * holdline server: `import { createServer } from 'holdline/server'`.
 *
 * @example
 * import { createServer } from 'holdline/server'
 * const server = await createServer({ port: 8080, agentTokens: { secret: 'ana' } })
 * console.log(server.url)
 */
export { createServer, type HoldlineServer, type Unsubscribe } from './create-server.js'
export { DEFAULTS as SERVER_DEFAULTS, type ServerOptions, type AgentTokenConfig, type ServerClock, type NewChatsPerAddress } from './options.js'
export type { ServerEvents, TransitionEvent, ItemEvent, ServerErrorEvent } from './engine/events.js'
export type { Conversation, WrapUpCapacity, Deadline, DeadlineKind, AgentRecord, Draft, Step } from './engine/types.js'
export type { Store, BusMessage, Mutator, TransactResult, RecordedAck, ConversationFilter } from './store/types.js'
export { MemoryStore } from './store/memory-store.js'
export { verifyWebhookSignature, SIGNATURE_HEADER, EVENT_ID_HEADER } from './webhooks/signature.js'
export { WEBHOOK_EVENT_TYPES, type WebhookEndpoint, type WebhookEvent, type WebhookEventType, type ConversationSummary } from './webhooks/types.js'
export type { WebhookOutbox, OutboxEntry } from './store/webhook-outbox.js'
export { RedisStore, createRedisStore, type RedisStoreOptions } from './store/redis-store.js'
export { createLogger, type ServerLogger, type LogLevel, type LogFields, type LoggerOptions } from './logger.js'
