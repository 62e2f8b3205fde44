/** A customer message waiting for the server's acknowledgement. Persisted with the local window. */
export interface OutboxEntry {
  /** Client-made id; the server drops a repeat, so re-sending after a drop is safe. */
  clientId: string
  text: string
  /** Client time at which it was written (shown while pending; never compared with server times). */
  at: number
}

/** The outbox with `entry` appended (unless its clientId is already there). */
export function enqueue(outbox: readonly OutboxEntry[], entry: OutboxEntry): OutboxEntry[] {
  return outbox.some((e) => e.clientId === entry.clientId) ? [...outbox] : [...outbox, entry]
}

/** The outbox without the entry the server acknowledged. */
export function retire(outbox: readonly OutboxEntry[], clientId: string): OutboxEntry[] {
  return outbox.filter((e) => e.clientId !== clientId)
}

/**
 * The next entry to send: the oldest one. Only one message is in flight at a time, so a refusal
 * that asks for a retry (`rate-limited`, `store-unavailable`) can never let a later message
 * overtake an earlier one.
 */
export function nextToSend(outbox: readonly OutboxEntry[]): OutboxEntry | undefined {
  return outbox[0]
}
