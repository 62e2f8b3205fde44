/**
 * How many local holders want each topic: the store's subscription follows a topic when its first
 * holder comes and unfollows it when its last goes. Holders count themselves once per topic (the
 * hub checks membership), so a count is exactly the number of holders.
 */
import type { BusSubscription, Topic } from '../store/types.js'

/**
 * Reference counts of topics over one subscription.
 * @example
 * const interest = new Interest(store.subscribe(listener))
 * await interest.add('conversation:c1') // true: followed now
 * interest.remove('conversation:c1')    // the last holder: unfollowed
 */
export class Interest {
  private readonly counts = new Map<Topic, number>()
  /** A follow on its way: a second holder waits for it as well. */
  private readonly pending = new Map<Topic, Promise<void>>()

  constructor(private readonly subscription: Pick<BusSubscription, 'follow' | 'unfollow'>) {}

  /** One more holder of `topic`. Resolves once its publishes arrive: true when this one made the store follow it. */
  async add(topic: Topic): Promise<boolean> {
    const count = (this.counts.get(topic) ?? 0) + 1
    this.counts.set(topic, count)
    if (count > 1) {
      await this.pending.get(topic)
      return false
    }
    const following = this.subscription.follow(topic)
    this.pending.set(topic, following)
    try {
      await following
    } finally {
      if (this.pending.get(topic) === following) this.pending.delete(topic)
    }
    return true
  }

  /** One holder fewer of `topic`; the last one unfollows it. */
  remove(topic: Topic): void {
    const count = this.counts.get(topic)
    if (count === undefined) return
    if (count > 1) return void this.counts.set(topic, count - 1)
    this.counts.delete(topic)
    this.pending.delete(topic)
    this.subscription.unfollow(topic)
  }

  /** Holders of `topic`. */
  count(topic: Topic): number {
    return this.counts.get(topic) ?? 0
  }
}
