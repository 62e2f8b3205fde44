/**
 * Fires due deadlines. One timer for the earliest known deadline, plus a poll so deadlines written by
 * other processes fire too. Due-ness is decided by the clock, never by counting timer runs (timers
 * drift and hidden hosts throttle them).
 */
import type { Deadline } from '../engine/types.js'
import type { Store } from '../store/types.js'

/** What the scheduler needs from the server. */
export interface SchedulerDeps {
  store: Store
  now: () => number
  pollMs: number
  /** Handles one claimed deadline; errors are reported, never thrown out of the loop. */
  fire: (deadline: Deadline) => Promise<void>
  onError: (error: unknown) => void
  /**
   * After the store failed, how long to fire nothing while it answers again: heartbeats it could not
   * record are recorded again first, so no window is judged from records the outage kept stale.
   * @default 0
   */
  settleMs?: number
}

/** A deadline whose handler failed is tried again this many times, one cycle apart, then dropped. */
const MAX_ATTEMPTS = 10

/**
 * @example
 * const scheduler = new DeadlineScheduler({ store, now: Date.now, pollMs: 250, fire, onError })
 * scheduler.start(); scheduler.written(at) // after writing deadlines, the earliest due at `at`
 */
export class DeadlineScheduler {
  private poll: ReturnType<typeof setInterval> | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  /** The deadline the timer is set for. */
  private armedAt: number | undefined
  private running = false
  private again = false
  private stopped = false
  /** When the store last failed. */
  private failedAt = -Infinity
  /** Claimed deadlines whose handler failed (a store error mid-way): claimed, so only we hold them. */
  private retries: Array<{ deadline: Deadline; attempts: number }> = []

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    this.poll = setInterval(() => this.poke(), this.deps.pollMs)
    this.poll.unref?.()
    this.poke()
  }

  /**
   * Deadlines were written here, the earliest at `earliest` (undefined: none). Only one before the
   * armed timer needs a check now; the rest are found when the timer fires. Every heartbeat of every
   * customer moves a deadline, so this spares each of them a round through the store.
   */
  written(earliest: number | undefined): void {
    if (earliest === undefined) return
    if (!this.running && this.armedAt !== undefined && earliest >= this.armedAt) return
    this.poke()
  }

  /** Checks for due deadlines now and re-arms the timer for the next one. */
  poke(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    void this.cycle().finally(() => {
      this.running = false
      if (this.again) {
        this.again = false
        this.poke()
      }
    })
  }

  private async cycle(): Promise<void> {
    try {
      if (this.deps.now() - this.failedAt < (this.deps.settleMs ?? 0)) {
        // Settling: only ask whether the store answers (the poll brings the next cycle).
        await this.deps.store.nextDeadline()
        return
      }
      const claimed = await this.deps.store.claimDue(this.deps.now())
      const due = [...this.retries.splice(0), ...claimed.map((deadline) => ({ deadline, attempts: 0 }))]
      for (const { deadline, attempts } of due) {
        await this.deps.fire(deadline).catch((error: unknown) => {
          this.deps.onError(error)
          if (attempts + 1 < MAX_ATTEMPTS) this.retries.push({ deadline, attempts: attempts + 1 })
        })
      }
      const next = await this.deps.store.nextDeadline()
      this.arm(next)
    } catch (error) {
      this.failedAt = this.deps.now()
      this.deps.onError(error)
    }
  }

  private arm(next: number | undefined): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.armedAt = undefined
    if (next === undefined || this.stopped) return
    this.armedAt = next
    const delay = Math.max(0, Math.min(next - this.deps.now(), 2_147_483_647))
    this.timer = setTimeout(() => this.poke(), delay)
    this.timer.unref?.()
  }

  stop(): void {
    this.stopped = true
    if (this.poll) clearInterval(this.poll)
    if (this.timer) clearTimeout(this.timer)
  }
}
