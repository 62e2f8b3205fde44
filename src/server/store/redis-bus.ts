/**
 * The Redis store's fan-out on sharded pub/sub (SPUBLISH / SSUBSCRIBE, Redis 7): one channel per
 * topic, subscribed on the subscriber connection while a listener of this process follows it.
 * Only calls a cluster client has too (`sSubscribe`, `sUnsubscribe`, `sPublish`).
 */
import type { BusSubscriber, StoreCommands } from './redis-commands.js'
import { topicsOf } from './topics.js'
import type { BusMessage, BusSubscription, Topic } from './types.js'

type Listener = (message: BusMessage) => void

/** Sharded pub/sub for one store handle. @example await bus.subscribe(listener).follow('routing') */
export class RedisBus {
  /** Each listener with the topics it follows. */
  private readonly listeners = new Map<Listener, Set<Topic>>()
  /** The channels the subscriber connection holds, with how many listeners follow each. */
  private readonly channels = new Map<string, { count: number; ready: Promise<void> }>()

  constructor(
    private readonly client: StoreCommands,
    private readonly subscriber: BusSubscriber,
    private readonly channelOf: (topic: Topic) => string,
  ) {}

  /** Watches the subscriber connection: after a reconnect every listener is told to resync. */
  listen(): void {
    // The first 'ready' came with connect(); each later one follows a reconnect, with every channel
    // subscribed again by node-redis before it.
    this.subscriber.on('ready', () => {
      for (const listener of [...this.listeners.keys()]) listener({ type: 'resync' })
    })
  }

  /** Publishes `message` to the channels of its topics (but `except`, published already). */
  async publish(message: BusMessage, except?: Topic): Promise<void> {
    const topics = topicsOf(message).filter((topic) => topic !== except)
    if (topics.length === 0) return
    const raw = JSON.stringify(message)
    await Promise.all(topics.map((topic) => this.client.sPublish(this.channelOf(topic), raw)))
  }

  subscribe(listener: Listener): BusSubscription {
    const followed = new Set<Topic>()
    this.listeners.set(listener, followed)
    return {
      follow: async (topic) => {
        if (followed.has(topic)) return
        followed.add(topic)
        try {
          await this.hold(topic)
        } catch (error) {
          followed.delete(topic)
          throw error
        }
      },
      unfollow: (topic) => {
        if (followed.delete(topic)) this.drop(topic)
      },
      close: () => {
        if (!this.listeners.delete(listener)) return
        for (const topic of followed) this.drop(topic)
      },
    }
  }

  /** Forgets every listener (the store is closing). */
  close(): void {
    this.listeners.clear()
  }

  /** One more listener of `topic`: the first SSUBSCRIBEs its channel. */
  private async hold(topic: Topic): Promise<void> {
    const channel = this.channelOf(topic)
    const held = this.channels.get(channel)
    if (held) {
      held.count += 1
      return held.ready
    }
    const ready = this.subscriber.sSubscribe(channel, (raw) => this.receive(topic, raw))
    this.channels.set(channel, { count: 1, ready })
    // A follow that failed is tried afresh by the next one.
    ready.catch(() => {
      if (this.channels.get(channel)?.ready === ready) this.channels.delete(channel)
    })
    return ready
  }

  /** One listener fewer of `topic`: the last SUNSUBSCRIBEs its channel. */
  private drop(topic: Topic): void {
    const channel = this.channelOf(topic)
    const held = this.channels.get(channel)
    if (!held) return
    held.count -= 1
    if (held.count > 0) return
    this.channels.delete(channel)
    // Down, the subscriber has no channel to leave: node-redis forgets it at once either way.
    this.subscriber.sUnsubscribe(channel).catch(() => undefined)
  }

  private receive(topic: Topic, raw: string): void {
    let message: BusMessage
    try {
      message = JSON.parse(raw) as BusMessage
    } catch {
      return
    }
    for (const [listener, followed] of [...this.listeners]) if (followed.has(topic)) listener(message)
  }
}
