/**
 * The memory store's queue: open conversations' ids in the routing order (engine/routing.ts
 * `queueOrder`: `statusAt`, then `createdAt`; the id settles a full tie, as the Redis store's
 * sorted set does). A sorted array with binary search: the head is a slice, a rank a search.
 */

/** What places a conversation in the queue. */
export interface QueueKey {
  id: string
  statusAt: number
  createdAt: number
}

function before(a: QueueKey, b: QueueKey): boolean {
  if (a.statusAt !== b.statusAt) return a.statusAt < b.statusAt
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt
  return a.id < b.id
}

/**
 * Open conversations, oldest first.
 * @example const q = new QueueIndex(); q.add(conv); q.head(20) // [conv.id]
 */
export class QueueIndex {
  private readonly keys: QueueKey[] = []

  /** Where `key` is or would go. */
  private search(key: QueueKey): number {
    let lo = 0
    let hi = this.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (before(this.keys[mid] as QueueKey, key)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Adds a conversation with its place as `key` gives it. */
  add(key: QueueKey): void {
    const at = this.search(key)
    if (this.keys[at]?.id === key.id) return
    this.keys.splice(at, 0, { id: key.id, statusAt: key.statusAt, createdAt: key.createdAt })
  }

  /** Removes a conversation placed as `key` (the record as it was added). */
  remove(key: QueueKey): void {
    const at = this.search(key)
    if (this.keys[at]?.id === key.id) this.keys.splice(at, 1)
  }

  /** The ids of the `limit` oldest. */
  head(limit: number): string[] {
    return this.keys.slice(0, Math.max(0, limit)).map((k) => k.id)
  }

  /** Index from 0 of a conversation placed as `key`, undefined when it is not in the queue. */
  rank(key: QueueKey): number | undefined {
    const at = this.search(key)
    return this.keys[at]?.id === key.id ? at : undefined
  }
}
