/**
 * {@link WebhookOutbox} in memory, for the MemoryStore: lost with the process, like everything in it.
 * Each call completes in one synchronous section, which is what makes a claim exclusive.
 */
import type { OutboxEntry, WebhookOutbox } from './webhook-outbox.js'

interface Queued extends OutboxEntry {
  dueAt: number
}

interface Queue {
  /** In insertion order, so events leave in the order they happened. */
  entries: Map<string, Queued>
  dead: Map<string, OutboxEntry & { reason: string; deadAt: number }>
}

/** @example const outbox = new MemoryWebhookOutbox() */
export class MemoryWebhookOutbox implements WebhookOutbox {
  private readonly queues = new Map<string, Queue>()

  private queue(endpoint: string): Queue {
    let queue = this.queues.get(endpoint)
    if (!queue) this.queues.set(endpoint, (queue = { entries: new Map(), dead: new Map() }))
    return queue
  }

  async enqueue(endpoint: string, events: ReadonlyArray<{ id: string; body: string }>, now: number): Promise<void> {
    const { entries } = this.queue(endpoint)
    for (const { id, body } of events) if (!entries.has(id)) entries.set(id, { id, body, attempts: 0, queuedAt: now, dueAt: now })
  }

  async claim(endpoint: string, now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]> {
    const claimed: OutboxEntry[] = []
    for (const entry of this.queue(endpoint).entries.values()) {
      if (claimed.length >= limit) break
      if (entry.dueAt > now) continue
      entry.dueAt = leaseUntil
      claimed.push({ id: entry.id, body: entry.body, attempts: entry.attempts, queuedAt: entry.queuedAt })
    }
    return claimed
  }

  async complete(endpoint: string, id: string): Promise<void> {
    this.queue(endpoint).entries.delete(id)
  }

  async retry(endpoint: string, id: string, attempts: number, at: number): Promise<void> {
    const entry = this.queue(endpoint).entries.get(id)
    if (!entry) return
    entry.attempts = attempts
    entry.dueAt = at
  }

  async deadLetter(endpoint: string, entry: OutboxEntry, reason: string, now: number): Promise<void> {
    const queue = this.queue(endpoint)
    queue.entries.delete(entry.id)
    queue.dead.set(entry.id, { ...entry, reason, deadAt: now })
  }

  async depth(endpoint: string): Promise<{ queued: number; dead: number }> {
    const queue = this.queue(endpoint)
    return { queued: queue.entries.size, dead: queue.dead.size }
  }
}
