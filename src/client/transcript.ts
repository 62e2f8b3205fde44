import type { MessageItem } from '../protocol/index.js'
import { compact } from './compact.js'
import type { ChatMessage } from './types.js'
import type { OutboxEntry } from './outbox.js'

/**
 * Which sequence numbers this page has seen. Items are dropped by `seq` when seen before (a
 * replay overlapping live events, a resend after a drop), so each one is shown exactly once.
 *
 * @example
 * ```ts
 * const seen = createSeqTracker()
 * seen.accept(1) // true
 * seen.accept(1) // false
 * seen.lastSeq   // 1
 * ```
 */
export interface SeqTracker {
  /** True the first time `seq` is offered. */
  accept(seq: number): boolean
  /** The highest seq below which nothing is missing. */
  readonly lastSeq: number
  reset(): void
}

export function createSeqTracker(): SeqTracker {
  let lastSeq = 0
  let ahead = new Set<number>()
  return {
    accept(seq) {
      if (!Number.isInteger(seq) || seq <= lastSeq || ahead.has(seq)) return false
      ahead.add(seq)
      while (ahead.delete(lastSeq + 1)) lastSeq += 1
      return true
    },
    get lastSeq() {
      return lastSeq
    },
    reset() {
      lastSeq = 0
      ahead = new Set()
    },
  }
}

/** A recorded message, as the customer sees it. */
export function fromItem(item: MessageItem): ChatMessage {
  const { id, seq, from, text, at, automated, agent, clientId } = item
  return compact({ id, seq, from, text, at, automated, agent, clientId })
}

/** A customer message still in the outbox. */
export function fromOutbox(entry: OutboxEntry): ChatMessage {
  return { id: entry.clientId, seq: 0, from: 'customer', text: entry.text, at: entry.at, clientId: entry.clientId, pending: true }
}
