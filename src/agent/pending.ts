import type { Waiter } from '../transport/waiter.js'

/**
 * Promises waiting for the server: settled by a matching frame, or rejected by an `error` frame whose
 * `ref` names them (a conversation id, a message's client id).
 */
export class PendingRequests {
  private readonly waiters = new Map<string, Array<Waiter<unknown> & { match: (value: unknown) => boolean }>>()

  /** Waits for `settle(ref, value)` with a value `match` accepts. */
  wait<T>(ref: string, match: (value: unknown) => value is T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const list = this.waiters.get(ref) ?? []
      list.push({ resolve: resolve as (value: unknown) => void, reject, match })
      this.waiters.set(ref, list)
    })
  }

  /** Resolves the waiters of `ref` that accept `value`. */
  settle(ref: string, value: unknown): void {
    const list = this.waiters.get(ref)
    if (!list) return
    const rest = list.filter((w) => {
      if (!w.match(value)) return true
      w.resolve(value)
      return false
    })
    if (rest.length > 0) this.waiters.set(ref, rest)
    else this.waiters.delete(ref)
  }

  /** Rejects every waiter of `ref`; true when there was one. */
  fail(ref: string, error: Error): boolean {
    const list = this.waiters.get(ref)
    if (!list) return false
    this.waiters.delete(ref)
    for (const w of list) w.reject(error)
    return true
  }

  /** Rejects everything (the agent disconnected for good). */
  failAll(error: Error): void {
    for (const ref of [...this.waiters.keys()]) this.fail(ref, error)
  }
}
