/**
 * Time-driven rules, evaluated after every input and whenever a deadline is due: presence (R2),
 * grace expiry (R3, R4), queue and wrap-up auto-close and the end of a wrap-up capacity hold (R9),
 * agent grace and the lapse of agent affinity (R10, R11). Each is a change of the record, so whatever
 * notices the time (its deadline, or any update after it) has the same effect.
 */
import { graceDeadline, isCustomerLive, isGraceExpired, liveUntil, pruneDead } from './presence.js'
import { unitsUsed } from './routing.js'
import { isLive, transition } from './transitions.js'
import type { Conversation, Deadline, EngineConfig, Step } from './types.js'

/**
 * Brings `conv` up to date at `now`. Returns the same record and no drafts when nothing is due.
 * @example tick(conv, conv.lastHeardAt + config.graceMs + 1, config).conversation.status // 'closed'
 */
export function tick(conv: Conversation, now: number, config: EngineConfig): Step {
  if (!isLive(conv.status)) {
    const wrapUpDue = conv.status === 'wrap-up' && now >= conv.statusAt + config.wrapUpAutoCloseMs
    if (wrapUpDue) return transition(conv, 'closed', 'wrap-up-timeout', now, config)
    // Like affinity, the end of a numbered hold is a change of the record, so routing runs on it.
    const held = conv.status === 'wrap-up' && typeof config.wrapUpCapacity === 'number' && !conv.capacityReleased
    if (held && unitsUsed(conv, now, config.wrapUpCapacity) === 0) {
      return { conversation: { ...conv, capacityReleased: true }, drafts: [] }
    }
    return { conversation: conv, drafts: [] }
  }
  let next = pruneDead(conv, now, config)
  if (next.status === 'open' && next.preferredAgentId !== undefined && !next.affinityLapsed && now >= affinityStart(next) + config.affinityMs) {
    // Affinity lapses as a change of the record, so routing runs on it however the time is noticed.
    next = { ...next, affinityLapsed: true }
  }
  const live = isCustomerLive(next, now, config)
  const presence = live ? 'connected' : 'disconnected'
  if (presence !== next.presence) next = { ...next, presence }
  let step: Step | undefined
  if (isGraceExpired(next, now, config)) {
    step = transition(next, next.status === 'open' ? 'closed' : 'wrap-up', 'customer-disconnected', now, config)
  } else if (next.status === 'open' && now >= next.statusAt + config.openAutoCloseMs) {
    step = transition(next, 'closed', 'queue-timeout', now, config)
  } else if (next.status === 'active' && next.agentAwayAt !== undefined && now >= next.agentAwayAt + config.agentGraceMs) {
    const requeued: Conversation = { ...next }
    if (next.agent) requeued.preferredAgentId = next.agent.id
    delete requeued.agent
    step = transition(requeued, 'open', 'agent-disconnected', now, config)
  }
  return step ?? { conversation: next, drafts: [] }
}

/**
 * Every future moment at which {@link tick} could change `conv`. Stored by the store as
 * (conversationId, kind, at) so that exactly one process fires each.
 */
export function deadlinesFor(conv: Conversation, now: number, config: EngineConfig): Deadline[] {
  const out: Deadline[] = []
  const add = (kind: Deadline['kind'], at: number): void => {
    if (at > now) out.push({ conversationId: conv.id, kind, at })
  }
  if (isLive(conv.status)) {
    if (isCustomerLive(conv, now, config)) add('liveness', liveUntil(conv, config))
    else add('grace', graceDeadline(conv, config) + 1)
    if (conv.status === 'open') add('queue', conv.statusAt + config.openAutoCloseMs)
    if (conv.status === 'open' && conv.preferredAgentId && !conv.affinityLapsed) add('affinity', affinityStart(conv) + config.affinityMs)
    if (conv.status === 'active' && conv.agentAwayAt !== undefined) add('agent-grace', conv.agentAwayAt + config.agentGraceMs)
  } else if (conv.status === 'wrap-up') {
    add('wrap-up', conv.statusAt + config.wrapUpAutoCloseMs)
    if (typeof config.wrapUpCapacity === 'number' && !conv.capacityReleased) add('capacity', conv.statusAt + config.wrapUpCapacity)
  } else {
    // Closed: kept while it can still be reopened (R10) or read, then removed from the store.
    add('purge', conv.statusAt + Math.max(config.retainClosedMs, config.reconnectWindowMs ?? 0))
  }
  return out
}

/** When the affinity of this stay in the queue began: entering it, or a supervisor's direction since. */
export function affinityStart(conv: Conversation): number {
  return conv.affinitySince ?? conv.statusAt
}
