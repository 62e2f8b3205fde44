/**
 * Helpers for the pure engine tests: a config with the product defaults, a conversation factory, and
 * a tiny runner that folds steps and numbers drafts the way a store does.
 */
import { AUTOMATED_MESSAGES } from '../../../src/protocol/messages.js'
import { createConversation } from '../../../src/server/engine/transitions.js'
import { tick } from '../../../src/server/engine/tick.js'
import type { Conversation, Draft, EngineConfig, Step } from '../../../src/server/engine/types.js'

export const HEARTBEAT = 15_000
export const GRACE = 180_000
/** Silence after which one connection counts as dead. */
export const DEAD = HEARTBEAT * 2 + 5_000

export function config(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    graceMs: GRACE,
    agentGraceMs: 60_000,
    affinityMs: 30_000,
    heartbeatMs: HEARTBEAT,
    wrapUpAutoCloseMs: 900_000,
    wrapUpCapacity: 'block',
    openAutoCloseMs: 1_200_000,
    reconnectWindowMs: undefined,
    retainClosedMs: 86_400_000,
    messages: AUTOMATED_MESSAGES,
    ...overrides,
  }
}

export const ANA = { id: 'a1', name: 'Ana' }

/** A conversation opened at `at` by connection `k1` of tab `t1`. */
export function opened(at = 0, id = 'c1'): Conversation {
  return createConversation({ id, widgetId: 'w', customer: {}, tokenHash: 'h' }, { id: 'k1', tabId: 't1' }, at).conversation
}

/** Folds steps like a store: records drafts with seq numbers. */
export class Log {
  drafts: Array<Draft & { seq: number }> = []
  constructor(public conv: Conversation) {}
  apply(step: Step): this {
    this.conv = step.conversation
    for (const d of step.drafts) this.drafts.push({ ...d, seq: this.drafts.length + 1 })
    return this
  }
  tick(now: number, cfg: EngineConfig): this {
    return this.apply(tick(this.conv, now, cfg))
  }
  /** Status items and automated message ids, in order. */
  summary(): string[] {
    return this.drafts.map((d) => (d.kind === 'status' ? `${d.status}:${d.reason}` : d.automated ? `msg:${d.automated}` : `msg:${d.from}`))
  }
}
