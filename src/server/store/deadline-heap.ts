/**
 * Deadlines of one process in a binary min-heap by time. Replacing a conversation's deadlines bumps
 * its version instead of searching the heap; entries of an older version are dropped when they reach
 * the top. Every operation is O(log n), so ten thousand conversations leaving at once stay cheap.
 */
import type { Deadline } from '../engine/types.js'

interface Entry {
  deadline: Deadline
  version: number
}

export class DeadlineHeap {
  private readonly entries: Entry[] = []
  private readonly versions = new Map<string, number>()

  /** Replaces every deadline of `conversationId` with `deadlines`. */
  replace(conversationId: string, deadlines: readonly Deadline[]): void {
    const version = (this.versions.get(conversationId) ?? 0) + 1
    this.versions.set(conversationId, version)
    for (const deadline of deadlines) this.push({ deadline, version })
  }

  /** Removes and returns the deadlines due at `now`, earliest first, at most `limit`. */
  takeDue(now: number, limit: number): Deadline[] {
    const due: Deadline[] = []
    while (due.length < limit) {
      const top = this.peekValid()
      if (!top || top.deadline.at > now) break
      this.pop()
      due.push(top.deadline)
    }
    return due
  }

  /** The earliest deadline still in force. */
  next(): number | undefined {
    return this.peekValid()?.deadline.at
  }

  private peekValid(): Entry | undefined {
    for (;;) {
      const top = this.entries[0]
      if (!top || this.versions.get(top.deadline.conversationId) === top.version) return top
      this.pop()
    }
  }

  private push(entry: Entry): void {
    const a = this.entries
    a.push(entry)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((a[parent] as Entry).deadline.at <= entry.deadline.at) break
      a[i] = a[parent] as Entry
      i = parent
    }
    a[i] = entry
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
      const child = right < a.length && (a[right] as Entry).deadline.at < (a[left] as Entry).deadline.at ? right : left
      if ((a[child] as Entry).deadline.at >= last.deadline.at) break
      a[i] = a[child] as Entry
      i = child
    }
    a[i] = last
  }
}
