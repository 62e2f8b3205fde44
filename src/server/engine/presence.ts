/**
 * Customer presence (R2, R7): who is live, since when the customer is gone, when the window ends.
 */
import type { CustomerPresence } from '../../protocol/frames.js'
import type { Conversation, CustomerConnection, EngineConfig } from './types.js'

/**
 * Silence after which a connection counts as dead. Browsers keep a socket OPEN with no network, so a
 * connection that stopped pinging must be presumed gone; two missed heartbeats plus slack.
 */
export function deadAfterMs(config: Pick<EngineConfig, 'heartbeatMs'>): number {
  return config.heartbeatMs * 2 + 5_000
}

/** True when at least one connection of the customer is live at `now`. */
export function isCustomerLive(conv: Conversation, now: number, config: EngineConfig): boolean {
  return liveUntil(conv, config) > now
}

/** The moment the last live connection will count as dead if nothing more is heard (0 when none). */
export function liveUntil(conv: Conversation, config: EngineConfig): number {
  let until = 0
  for (const c of conv.connections) {
    if (c.goneAt !== undefined) continue
    until = Math.max(until, c.lastHeardAt + deadAfterMs(config))
  }
  return until
}

/** When the grace window of a disconnected customer runs out (R2: from the last moment heard). */
export function graceDeadline(conv: Conversation, config: EngineConfig): number {
  return conv.lastHeardAt + config.graceMs
}

/** True when the customer has been gone for more than the grace window at `now` (R3). */
export function isGraceExpired(conv: Conversation, now: number, config: EngineConfig): boolean {
  return !isCustomerLive(conv, now, config) && now > graceDeadline(conv, config)
}

/** Presence as the agent console shows it, stated at `now`. */
export function presenceOf(conv: Conversation, config: EngineConfig, now: number): CustomerPresence {
  if (conv.presence === 'connected') return { conversationId: conv.id, state: 'connected' }
  const deadline = graceDeadline(conv, config)
  return { conversationId: conv.id, state: 'disconnected', since: conv.lastHeardAt, deadline, remainingMs: Math.max(0, deadline - now) }
}

/** The customer was heard on `connectionId` (any frame, including ping): it is live again. */
export function heard(conv: Conversation, connectionId: string, tabId: string, now: number): Conversation {
  const record = { id: connectionId, tabId, lastHeardAt: now }
  const at = conv.connections.findIndex((c) => c.id === connectionId)
  const connections = at < 0 ? [...conv.connections, record] : conv.connections.map((c, i) => (i === at ? record : c))
  return { ...conv, lastHeardAt: Math.max(conv.lastHeardAt, now), connections }
}

/** The connection closed: gone now, but the window is still measured from when it was last heard. */
export function connectionClosed(conv: Conversation, connectionId: string): Conversation {
  if (!conv.connections.some((c) => c.id === connectionId)) return conv
  return { ...conv, connections: conv.connections.filter((c) => c.id !== connectionId) }
}

/** The tab said `away` (frame or beacon): its connections are gone at this moment, which counts as heard. */
export function tabAway(conv: Conversation, tabId: string, now: number): Conversation {
  const connections = conv.connections.map((c) => (c.tabId === tabId ? { id: c.id, tabId, lastHeardAt: now, goneAt: now } : c))
  return { ...conv, connections, lastHeardAt: Math.max(conv.lastHeardAt, now) }
}

/**
 * Drops connections that are dead or gone at `now`, so records do not grow with half-open sockets.
 * A gone connection that speaks again is simply added back by {@link heard}.
 */
export function pruneDead(conv: Conversation, now: number, config: EngineConfig): Conversation {
  const alive = (c: CustomerConnection): boolean => c.goneAt === undefined && c.lastHeardAt + deadAfterMs(config) > now
  return conv.connections.every(alive) ? conv : { ...conv, connections: conv.connections.filter(alive) }
}

/** Number of connections (tabs) not yet gone, for the per-conversation connection limit. */
export function openConnectionCount(conv: Conversation): number {
  return conv.connections.filter((c) => c.goneAt === undefined).length
}
