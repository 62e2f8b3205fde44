/**
 * Deadlines of one process in a binary min-heap by time. Each conversation's pending deadlines are
 * kept beside the heap; a heap entry no longer among them was superseded and is dropped when it
 * reaches the top. Every operation is O(log n), so ten thousand conversations leaving at once stay
 * cheap.
 *
 * A replace that repeats a pending deadline (same kind, same time) keeps its heap entry instead of
 * adding one: an idle customer's every ping restates its queue deadline, twenty minutes out, and
 * those restatements would otherwise pile up in the heap until then.
 *
 * Every live conversation has deadlines, so they are held as plain numbers rather than objects: the
 * heap as three parallel arrays (time, conversation, kind), each conversation's pending deadlines as
 * one array of numbers, [kind, at, kind, at...]. Arrays of numbers hold them unboxed, 8 bytes each.
 */
import { DEADLINE_KINDS as KINDS, type Deadline, type DeadlineKind } from '../engine/types.js'

export class DeadlineHeap {
  private readonly ats: number[] = []
  private readonly ids: string[] = []
  private readonly kinds: number[] = []
  /** Pending deadlines by conversation: [kind, at, kind, at...], kind as an index into KINDS. */
  private readonly pending = new Map<string, number[]>()

  /** Entries in the heap, superseded ones not yet dropped included. */
  get size(): number {
    return this.ats.length
  }

  /** Replaces every deadline of `conversationId` with `deadlines`. */
  replace(conversationId: string, deadlines: readonly Deadline[]): void {
    const before = this.pending.get(conversationId)
    if (deadlines.length === 0) {
      this.pending.delete(conversationId)
      return
    }
    // Sized at once: an array grown by push reserves room for 17 numbers.
    const next = new Array<number>(deadlines.length * 2)
    deadlines.forEach(({ kind, at }, i) => {
      const k = KINDS.indexOf(kind)
      next[2 * i] = k
      next[2 * i + 1] = at
      if (!(before && indexOf(before, k, at) >= 0)) this.push(at, conversationId, k)
    })
    this.pending.set(conversationId, next)
  }

  /** Removes and returns the deadlines due at `now`, earliest first, at most `limit`. */
  takeDue(now: number, limit: number): Deadline[] {
    const due: Deadline[] = []
    while (due.length < limit && this.dropSuperseded()) {
      const at = this.ats[0] as number
      if (at > now) break
      const conversationId = this.ids[0] as string
      const k = this.kinds[0] as number
      this.pop()
      this.forget(conversationId, k, at)
      due.push({ conversationId, kind: KINDS[k] as DeadlineKind, at })
    }
    return due
  }

  /** The earliest deadline still in force. */
  next(): number | undefined {
    return this.dropSuperseded() ? this.ats[0] : undefined
  }

  /** A claimed deadline is no longer pending. */
  private forget(conversationId: string, k: number, at: number): void {
    const list = this.pending.get(conversationId)
    const i = list ? indexOf(list, k, at) : -1
    if (!list || i < 0) return
    if (list.length === 2) this.pending.delete(conversationId)
    else this.pending.set(conversationId, list.slice(0, i).concat(list.slice(i + 2)))
  }

  /** Pops superseded entries off the top; true when a pending one is left there. */
  private dropSuperseded(): boolean {
    while (this.ats.length > 0) {
      const list = this.pending.get(this.ids[0] as string)
      if (list && indexOf(list, this.kinds[0] as number, this.ats[0] as number) >= 0) return true
      this.pop()
    }
    return false
  }

  private push(at: number, conversationId: string, k: number): void {
    const { ats, ids, kinds } = this
    let i = ats.length
    ats.push(at)
    ids.push(conversationId)
    kinds.push(k)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((ats[parent] as number) <= at) break
      this.move(parent, i)
      i = parent
    }
    ats[i] = at
    ids[i] = conversationId
    kinds[i] = k
  }

  private pop(): void {
    const { ats, ids, kinds } = this
    const at = ats.pop() as number
    const conversationId = ids.pop() as string
    const k = kinds.pop() as number
    const n = ats.length
    if (n === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && (ats[right] as number) < (ats[left] as number) ? right : left
      if ((ats[child] as number) >= at) break
      this.move(child, i)
      i = child
    }
    ats[i] = at
    ids[i] = conversationId
    kinds[i] = k
  }

  private move(from: number, to: number): void {
    this.ats[to] = this.ats[from] as number
    this.ids[to] = this.ids[from] as string
    this.kinds[to] = this.kinds[from] as number
  }
}

/** Position of deadline (kind `k`, time `at`) in a pending list, or -1. */
function indexOf(list: readonly number[], k: number, at: number): number {
  for (let i = 0; i < list.length; i += 2) if (list[i] === k && list[i + 1] === at) return i
  return -1
}
