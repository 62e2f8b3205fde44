/**
 * The Redis store's routing indexes: the queue, one sorted set per shard (score `statusAt`) merged
 * into the one routing order (engine/routing.ts `queueOrder`) when read, and how a commit moves a
 * conversation in it and in the agents' live indexes.
 */
import { heldFor } from '../engine/routing.js'
import type { Conversation } from '../engine/types.js'

/**
 * A conversation's member in its shard's queue: its creation time, fixed width, then its id. Members
 * of one score sort by their bytes, so ties on `statusAt` go by `createdAt` as `queueOrder` has it;
 * neither part ever changes, so every write can name the member without reading it.
 */
export function queueMember(conversation: Conversation): string {
  return `${String(Math.max(0, Math.trunc(conversation.createdAt))).padStart(16, '0')}:${conversation.id}`
}

/** The ids of the shards' queues (each in order) merged into the one routing order. */
export function mergeQueues(perShard: ReadonlyArray<ReadonlyArray<{ value: string; score: number }>>): string[] {
  return perShard.flat()
    .sort((a, b) => a.score - b.score || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((entry) => entry.value.slice(17))
}

/**
 * ARGV 12 of the commit: two flags, '1' or '0' (leaves its agent's index, enters one), ':', then
 * what the queue does: '' nothing, '-' it leaves, else its score (it enters or moves).
 */
export function routingMoves(before: Conversation | undefined, next: Conversation): string {
  const from = before && heldFor(before)
  const to = heldFor(next)
  const flags = (from !== undefined && from !== to ? '1' : '0') + (to !== undefined && from !== to ? '1' : '0')
  const wasOpen = before?.status === 'open'
  const queue = next.status === 'open'
    ? (wasOpen && before.statusAt === next.statusAt ? '' : String(next.statusAt))
    : wasOpen ? '-' : ''
  return `${flags}:${queue}`
}
