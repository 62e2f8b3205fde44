/**
 * The webhook outbox: per endpoint, the events still to deliver, kept in the store so that a restart
 * or another process finds them. A claimed event is leased (due again at the end of the lease), so
 * while one process delivers it no other does, and if that process dies another takes it over.
 */

/** One event waiting for one endpoint. */
export interface OutboxEntry {
  /** The event id (stable: one entry per event and endpoint). */
  id: string
  /** The JSON body to POST. */
  body: string
  /** Attempts made so far. */
  attempts: number
  /** When it was queued (ms). */
  queuedAt: number
}

/** The outbox of webhook events, one queue per endpoint key. */
export interface WebhookOutbox {
  /**
   * Queues events for `endpoint`, due at `now`. An event whose id is already queued there is left as
   * it is (its attempts and lease are kept).
   */
  enqueue(endpoint: string, events: ReadonlyArray<{ id: string; body: string }>, now: number): Promise<void>
  /** Up to `limit` entries due at `now`, each leased until `leaseUntil` (no other claim returns it before). */
  claim(endpoint: string, now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]>
  /** The entry was delivered: removed. */
  complete(endpoint: string, id: string): Promise<void>
  /** The attempt failed: due again at `at`, with `attempts` made. */
  retry(endpoint: string, id: string, attempts: number, at: number): Promise<void>
  /** Given up on: moved to the endpoint's dead letters (kept for an operator, with why). */
  deadLetter(endpoint: string, entry: OutboxEntry, reason: string, now: number): Promise<void>
  /** Entries waiting (or leased) and dead letters, for `endpoint`. */
  depth(endpoint: string): Promise<{ queued: number; dead: number }>
}
