/**
 * Fires due deadlines. One timer for the earliest known deadline, plus a poll so deadlines written by
 * other processes fire too. Due-ness is decided by the clock, never by counting timer runs (timers
 * drift and hidden hosts throttle them).
 */
import type { Deadline } from './engine/types.js'
import type { Store } from './store/types.js'

/** What the scheduler needs from the server. */
export interface SchedulerDeps {
  store: Store
  now: () => number
  pollMs: number
  /** Handles one claimed deadline; errors are reported, never thrown out of the loop. */
  fire: (deadline: Deadline) => Promise<void>
  onError: (error: unknown) => void
}

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
      const due = await this.deps.store.claimDue(this.deps.now())
      for (const deadline of due) {
        await this.deps.fire(deadline).catch(this.deps.onError)
      }
      const next = await this.deps.store.nextDeadline()
      this.arm(next)
    } catch (error) {
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
