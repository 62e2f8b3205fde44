/**
 * Delivers the outbox: per endpoint, claims the due events (leased, so no other process sends them
 * meanwhile), POSTs each, and then removes it, schedules its retry with backoff, or dead-letters it.
 * At least once: an event leaves the outbox only after its endpoint answered 2xx (or it was given up);
 * if this process dies mid-delivery, the lease runs out and any process sends it again, same id.
 */
import type { OutboxEntry, WebhookOutbox } from '../store/webhook-outbox.js'
import { retryDelay } from './backoff.js'
import type { ResolvedEndpoint } from './endpoints.js'
import { postEvent, type AttemptOutcome } from './post.js'

/** Where the dispatcher reports what it did (the metrics). */
export interface DeliverySink {
  attempt(endpoint: string, outcome: AttemptOutcome, seconds: number): void
  delivered(endpoint: string): void
  deadLettered(endpoint: string): void
}

/** What a {@link WebhookDispatcher} needs. */
export interface DispatcherDeps {
  outbox: WebhookOutbox
  endpoints: readonly ResolvedEndpoint[]
  now: () => number
  sink: DeliverySink
  onError: (error: unknown) => void
  /** How often to look for events queued by other processes (or due for retry), ms. */
  pollMs: number
  /** Events sent to one endpoint at the same time. @default 10 */
  batch?: number
  random?: () => number
}

/** A claim lasts long enough for a whole attempt and the store calls around it. */
export function leaseMs(endpoint: ResolvedEndpoint): number {
  return endpoint.timeoutMs * 2 + 1_000
}

/** @example const d = new WebhookDispatcher(deps); d.start(); d.wake(); await d.stop() */
export class WebhookDispatcher {
  private stopped = true
  private readonly loops: Promise<void>[] = []
  private readonly sleepers = new Set<() => void>()

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    for (const endpoint of this.deps.endpoints) this.loops.push(this.run(endpoint))
  }

  /** Events were queued here: look now rather than at the next poll. */
  wake(): void {
    for (const wakeUp of [...this.sleepers]) wakeUp()
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by its endpoint's timeout). */
  async stop(): Promise<void> {
    this.stopped = true
    this.wake()
    await Promise.all(this.loops.splice(0))
  }

  private async run(endpoint: ResolvedEndpoint): Promise<void> {
    const { outbox, now, onError } = this.deps
    while (!this.stopped) {
      let claimed: OutboxEntry[] = []
      try {
        const at = now()
        claimed = await outbox.claim(endpoint.id, at, at + leaseMs(endpoint), this.deps.batch ?? 10)
      } catch (error) {
        onError(error)
      }
      if (claimed.length > 0) await Promise.all(claimed.map((entry) => this.deliver(endpoint, entry)))
      else await this.sleep()
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolvePromise) => {
      const done = (): void => {
        clearTimeout(timer)
        this.sleepers.delete(done)
        resolvePromise()
      }
      const timer = setTimeout(done, this.deps.pollMs)
      timer.unref()
      this.sleepers.add(done)
    })
  }

  private async deliver(endpoint: ResolvedEndpoint, entry: OutboxEntry): Promise<void> {
    const { outbox, now, sink } = this.deps
    const attempts = entry.attempts + 1
    const attempt = await postEvent(endpoint.url, endpoint.secret, entry.id, entry.body, endpoint.timeoutMs, now())
    sink.attempt(endpoint.id, attempt.outcome, attempt.seconds)
    try {
      if (attempt.outcome === 'success') {
        await outbox.complete(endpoint.id, entry.id)
        sink.delivered(endpoint.id)
        return
      }
      const at = now() + retryDelay(attempts, endpoint.backoffMs, endpoint.maxBackoffMs, this.deps.random)
      if (attempts >= endpoint.maxAttempts || at - entry.queuedAt > endpoint.maxAgeMs) {
        const why = attempts >= endpoint.maxAttempts ? `${attempts} attempts` : `older than ${endpoint.maxAgeMs} ms`
        await outbox.deadLetter(endpoint.id, { ...entry, attempts }, `${why}, last: ${attempt.status ?? attempt.outcome}`, now())
        sink.deadLettered(endpoint.id)
        return
      }
      await outbox.retry(endpoint.id, entry.id, attempts, at)
    } catch (error) {
      // The store is away: the entry stays leased and is sent again when its lease ends.
      this.deps.onError(error)
    }
  }
}
