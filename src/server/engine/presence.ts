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

/**
 * The moment the last live connection will count as dead if nothing more is heard (0 when none;
 * Infinity while a process holds one: it says when it goes).
 */
export function liveUntil(conv: Conversation, config: EngineConfig): number {
  let until = 0
  for (const c of conv.connections) {
    if (c.goneAt !== undefined) continue
    if (c.heldBy !== undefined) return Infinity
    until = Math.max(until, c.lastHeardAt + deadAfterMs(config))
  }
  return until
}

/**
 * True when a socket whose last frame came at `heardAt` is silent past the dead limit at `now`: the
 * process holding it stops vouching for it ({@link silenced}).
 */
export function isSilent(heardAt: number, now: number, config: Pick<EngineConfig, 'heartbeatMs'>): boolean {
  return now - heardAt > deadAfterMs(config)
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

/**
 * The customer was heard on `connectionId` (any frame, including ping): it is live again. With
 * `heldBy`, that process holds the socket and vouches for it from now on ({@link CustomerConnection.heldBy}).
 */
export function heard(conv: Conversation, connectionId: string, tabId: string, now: number, heldBy?: string): Conversation {
  const record: CustomerConnection = heldBy === undefined ? { id: connectionId, tabId, lastHeardAt: now } : { id: connectionId, tabId, lastHeardAt: now, heldBy }
  const at = conv.connections.findIndex((c) => c.id === connectionId)
  const connections = at < 0 ? [...conv.connections, record] : conv.connections.map((c, i) => (i === at ? record : c))
  return { ...conv, lastHeardAt: Math.max(conv.lastHeardAt, now), connections }
}

/**
 * The connection closed: gone now, but the window is still measured from when it was last heard;
 * `heardAt`, its last frame as the process holding it saw it (heartbeats are not written).
 */
export function connectionClosed(conv: Conversation, connectionId: string, heardAt = 0): Conversation {
  if (!conv.connections.some((c) => c.id === connectionId)) return conv
  return { ...conv, lastHeardAt: Math.max(conv.lastHeardAt, heardAt), connections: conv.connections.filter((c) => c.id !== connectionId) }
}

/**
 * The process holding the socket heard nothing on it past the dead limit: it no longer vouches for
 * it, and the connection counts as dead from its last frame, `heardAt`. A frame later revives it.
 */
export function silenced(conv: Conversation, connectionId: string, heardAt: number): Conversation {
  const at = conv.connections.findIndex((c) => c.id === connectionId)
  const c = conv.connections[at]
  if (!c || c.heldBy === undefined) return conv
  const record: CustomerConnection = { id: c.id, tabId: c.tabId, lastHeardAt: Math.max(c.lastHeardAt, heardAt) }
  return { ...conv, lastHeardAt: Math.max(conv.lastHeardAt, heardAt), connections: conv.connections.map((x, i) => (i === at ? record : x)) }
}

/**
 * Process `processId` died (its lease lapsed): the sockets it held are gone, and the customer counts
 * as last heard at the lease's last renewal, `renewedAt`. The truth lies between `renewedAt` minus a
 * heartbeat (a live customer pings once per heartbeat) and the death, at most one lease interval
 * after `renewedAt`: the window starts no more than a lease interval early, or a heartbeat late.
 */
export function processLost(conv: Conversation, processId: string, renewedAt: number): Conversation {
  if (!conv.connections.some((c) => c.heldBy === processId)) return conv
  const connections = conv.connections.filter((c) => c.heldBy !== processId)
  return { ...conv, connections, lastHeardAt: Math.max(conv.lastHeardAt, renewedAt) }
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
  const alive = (c: CustomerConnection): boolean => c.goneAt === undefined && (c.heldBy !== undefined || c.lastHeardAt + deadAfterMs(config) > now)
  return conv.connections.every(alive) ? conv : { ...conv, connections: conv.connections.filter(alive) }
}

/** Number of connections (tabs) not yet gone, for the per-conversation connection limit. */
export function openConnectionCount(conv: Conversation): number {
  return conv.connections.filter((c) => c.goneAt === undefined).length
}
