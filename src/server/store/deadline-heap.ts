/**
 * Deadlines of one process in a binary min-heap by time. Each conversation's pending deadlines are
 * kept beside the heap; a heap entry no longer among them was superseded and is dropped when it
 * reaches the top. Every operation is O(log n), so ten thousand conversations leaving at once stay
 * cheap.
 *
 * A replace that repeats a pending deadline (same kind, same time) keeps its heap entry instead of
 * adding one: an idle customer's every ping restates its queue deadline, twenty minutes out, and
 * those restatements would otherwise pile up in the heap until then.
 */
import type { Deadline } from '../engine/types.js'

export class DeadlineHeap {
  private readonly entries: Deadline[] = []
  /** Pending deadlines by conversation; the heap holds these very objects. */
  private readonly pending = new Map<string, readonly Deadline[]>()

  /** Entries in the heap, superseded ones not yet dropped included. */
  get size(): number {
    return this.entries.length
  }

  /** Replaces every deadline of `conversationId` with `deadlines`. */
  replace(conversationId: string, deadlines: readonly Deadline[]): void {
    const before = this.pending.get(conversationId) ?? []
    if (deadlines.length === 0) {
      this.pending.delete(conversationId)
      return
    }
    const kept = deadlines.map((d) => before.find((b) => b.kind === d.kind && b.at === d.at) ?? this.push(d))
    this.pending.set(conversationId, kept)
  }

  /** Removes and returns the deadlines due at `now`, earliest first, at most `limit`. */
  takeDue(now: number, limit: number): Deadline[] {
    const due: Deadline[] = []
    while (due.length < limit) {
      const top = this.peekValid()
      if (!top || top.at > now) break
      this.pop()
      this.forget(top)
      due.push(top)
    }
    return due
  }

  /** The earliest deadline still in force. */
  next(): number | undefined {
    return this.peekValid()?.at
  }

  private isPending(deadline: Deadline): boolean {
    return this.pending.get(deadline.conversationId)?.includes(deadline) ?? false
  }

  /** A claimed deadline is no longer pending. */
  private forget(deadline: Deadline): void {
    const rest = (this.pending.get(deadline.conversationId) ?? []).filter((d) => d !== deadline)
    if (rest.length === 0) this.pending.delete(deadline.conversationId)
    else this.pending.set(deadline.conversationId, rest)
  }

  private peekValid(): Deadline | undefined {
    for (;;) {
      const top = this.entries[0]
      if (!top || this.isPending(top)) return top
      this.pop()
    }
  }

  private push(entry: Deadline): Deadline {
    const a = this.entries
    a.push(entry)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((a[parent] as Deadline).at <= entry.at) break
      a[i] = a[parent] as Deadline
      i = parent
    }
    a[i] = entry
    return entry
  }

  private pop(): void {
    const a = this.entries
    const last = a.pop()
    if (!last || a.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= a.length) break
      const right = left + 1
      const child = right < a.length && (a[right] as Deadline).at < (a[left] as Deadline).at ? right : left
      if ((a[child] as Deadline).at >= last.at) break
      a[i] = a[child] as Deadline
      i = child
    }
    a[i] = last
  }
}
