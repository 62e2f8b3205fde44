/**
 * The commands the Redis store sends, as one narrow interface that a node-redis client and a
 * node-redis cluster both satisfy: the store and the webhook outbox run unchanged on either. On a
 * cluster every command here is routed by its first key, so each call must keep its keys in one
 * hash slot (a MULTI, an MGET, a script); none is keyless (the fan-out is sharded pub/sub, each channel in its conversation's slot).
 */
import type { ScriptClient } from './redis-scripts.js'

/** The commands queued in one MULTI by the store and the webhook outbox. */
export interface StoreMulti {
  zRem(key: string, members: string | string[]): StoreMulti
  hDel(key: string, fields: string | string[]): StoreMulti
  zAdd(key: string, member: { score: number; value: string }): StoreMulti
  hSet(key: string, field: string, value: string): StoreMulti
  set(key: string, value: string, options: { PX: number }): StoreMulti
  exec(): Promise<unknown>
}

/** What the store asks of its command connection: a node-redis client or cluster. */
export interface StoreCommands extends ScriptClient {
  get(key: string): Promise<string | null>
  mGet(keys: string[]): Promise<Array<string | null>>
  set(key: string, value: string, options: { condition: 'NX'; expiration?: { type: 'PX'; value: number } }): Promise<string | null>
  hGet(key: string, field: string): Promise<string | null | undefined>
  hmGet(key: string, fields: string[]): Promise<Array<string | null>>
  hGetAll(key: string): Promise<Record<string, string>>
  hDel(key: string, field: string): Promise<number>
  hLen(key: string): Promise<number>
  lRange(key: string, start: number, stop: number): Promise<string[]>
  zRangeWithScores(key: string, start: number, stop: number, options?: { REV: true }): Promise<Array<{ value: string; score: number }>>
  zCard(key: string): Promise<number>
  sMembers(key: string): Promise<string[]>
  sCard(key: string): Promise<number>
  sUnion(keys: string[]): Promise<string[]>
  sPublish(channel: string, message: string): Promise<number>
  multi(): StoreMulti
}

/** What the store asks of its subscription connection: a node-redis client or cluster. */
export interface BusSubscriber {
  sSubscribe(channel: string, listener: (message: string) => void): Promise<void>
  sUnsubscribe(channel: string): Promise<unknown>
  /** 'ready' after each reconnect, once the channels are subscribed again. */
  on(event: 'ready', listener: () => void): unknown
}

/** Closing a connection (see RedisStore.close). */
export interface Closable {
  /** Standalone only: connected now (QUIT would be answered). */
  readonly isReady?: boolean
  readonly isOpen: boolean
  quit(): Promise<unknown>
  destroy(): void
}
