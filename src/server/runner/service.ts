/**
 * The one runner of the engine: applies a pure step through the store, then performs its effects
 * (deadlines, fan-out, operator events). Every state change on the server goes through here.
 */
import type { Emitter } from 'nanoevents'
import type { TranscriptItem } from '../../protocol/frames.js'
import type { ServerEvents } from '../engine/events.js'
import { routingChanged } from '../engine/routing.js'
import { changeOf } from './change-message.js'
import { deadlinesFor, tick } from '../engine/tick.js'
import type { Conversation, Deadline, EngineConfig, Step } from '../engine/types.js'
import type { Announce, Schedule, Store, TransactResult } from '../store/types.js'

/** An engine operation on one conversation: `null` changes nothing (time rules still apply). */
export type Operation = (conversation: Conversation, now: number) => Step | null

/** A step that only updates the record. @example stepOf(heard(conv, 'k1', 't1', now)) */
export function stepOf(conversation: Conversation): Step {
  return { conversation, drafts: [] }
}

/** Runs `step` then the time rules on its result, as one step. */
export function withTick(step: Step, now: number, config: EngineConfig): Step {
  const ticked = tick(step.conversation, now, config)
  return { conversation: ticked.conversation, drafts: [...step.drafts, ...ticked.drafts] }
}

/**
 * Applies engine operations atomically and publishes their results.
 * @example await service.run(id, (conv, now) => customerEnd(conv, now, config))
 */
export class ConversationService {
  /** Called after deadlines were written, with the earliest (if any), so the scheduler can re-arm. */
  deadlinesChanged: (earliest: number | undefined) => void = () => {}
  /**
   * Called with every recorded update before it is fanned out (webhooks queue their events here);
   * a rejection is reported as an `error` event, the update stands. While it is set the store does not
   * publish with the write: the change goes out once its events are queued, so a process that dies
   * after the write loses only events nobody was shown (the fan-out costs one command more).
   */
  recorded: ((result: TransactResult, created: boolean) => Promise<void>) | undefined = undefined

  constructor(
    readonly store: Store,
    readonly config: EngineConfig,
    private readonly now: () => number,
    private readonly events: Emitter<ServerEvents>,
  ) {}

  /** Creates a conversation from `step` (plus the time rules). */
  async create(step: Step): Promise<TransactResult> {
    const now = this.now()
    const result = await this.store.create(withTick(step, now, this.config), this.schedule(now), this.announce(true))
    await this.after(result, true)
    return result
  }

  /** Runs `operation` on conversation `id` atomically. Undefined when the conversation is unknown. */
  async run(id: string, operation: Operation): Promise<TransactResult | undefined> {
    const now = this.now()
    const result = await this.store.transact(id, (conv) => {
      const step = operation(conv, now) ?? { conversation: conv, drafts: [] }
      const next = withTick(step, now, this.config)
      return next.conversation === conv && next.drafts.length === 0 ? null : next
    }, this.schedule(now), this.announce(false))
    if (result) await this.after(result, false)
    return result
  }

  /** The fan-out message of an update, which the store may publish with the write. */
  private announce(created: boolean): Announce | undefined {
    if (this.recorded) return undefined
    return (result) => changeOf(result, created, this.config, this.now())
  }

  /** The deadlines of a record as updated at `now`, written by the store with the update. */
  private schedule(now: number): Schedule {
    return (conversation) => deadlinesFor(conversation, now, this.config)
  }

  private async after(result: TransactResult, created: boolean): Promise<void> {
    const { conversation, previous } = result
    if (result.deadlines) this.deadlinesChanged(earliestOf(result.deadlines))
    if (!created && conversation === previous) return
    await this.recorded?.(result, created).catch((error: unknown) => this.events.emit('error', { error, context: 'webhooks:enqueue' }))
    if (!result.announced) await this.store.publish(changeOf(result, created, this.config, this.now()))
    this.emitItems(conversation, result.items, created ? undefined : previous)
    if (created || routingChanged(previous, conversation)) {
      await this.store.publish({ type: 'routing' })
    }
  }

  private emitItems(conversation: Conversation, items: TranscriptItem[], previous: Conversation | undefined): void {
    let from = previous?.status
    for (const item of items) {
      this.safeEmit('item', { conversationId: conversation.id, item })
      if (item.kind !== 'status') continue
      this.safeEmit('transition', {
        conversationId: conversation.id,
        from,
        to: item.status,
        reason: item.reason,
        at: item.at,
        ...(item.agent ? { agentId: item.agent.id } : {}),
      })
      from = item.status
    }
  }

  private safeEmit<K extends 'item' | 'transition'>(event: K, payload: Parameters<ServerEvents[K]>[0]): void {
    try {
      ;(this.events.emit as (e: K, p: Parameters<ServerEvents[K]>[0]) => void)(event, payload)
    } catch (error) {
      // A throwing operator listener must not undo or block what the store already recorded.
      this.events.emit('error', { error, context: `listener:${event}` })
    }
  }
}

function earliestOf(deadlines: readonly Deadline[]): number | undefined {
  let earliest: number | undefined
  for (const d of deadlines) if (earliest === undefined || d.at < earliest) earliest = d.at
  return earliest
}
