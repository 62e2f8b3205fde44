/**
 * Capacity (R9) and routing: which open conversations are offered to which agents.
 * Capacity in use is derived from the conversations assigned to an agent, never counted, so it
 * cannot drift or go negative.
 */
import type { AgentRecord, Conversation, WrapUpCapacity } from './types.js'

/**
 * Units of capacity `conv` takes from its assigned agent at `now`.
 * @example unitsUsed({ status: 'wrap-up', statusAt: 0 } as Conversation, 10, 'release') // 0
 */
export function unitsUsed(conv: Conversation, now: number, policy: WrapUpCapacity): number {
  if (conv.status === 'active') return 1
  if (conv.status !== 'wrap-up') return 0
  if (policy === 'block') return 1
  if (policy === 'release') return 0
  return now < conv.statusAt + policy ? 1 : 0
}

/** Capacity `agentId` uses at `now`, from the conversations assigned to it. */
export function capacityUsed(
  agentId: string,
  conversations: readonly Conversation[],
  now: number,
  policy: WrapUpCapacity,
): number {
  let used = 0
  for (const conv of conversations) {
    if (conv.agent?.id === agentId) used += unitsUsed(conv, now, policy)
  }
  return used
}

/** An agent with its capacity in use, as routing needs it. */
export interface AgentLoad {
  agent: AgentRecord
  used: number
}

/** True when the agent is online and has a free unit. */
export function hasRoom(load: AgentLoad): boolean {
  return load.agent.connections.length > 0 && load.used < load.agent.capacity
}

/**
 * Agents `conv` is offered to: the preferred agent alone while it is online with room (affinity,
 * R10/R11, until it lapses after `affinityMs`: see tick.ts), otherwise every online agent with room
 * but the one who sent it back to the queue (transfer.ts), unless nobody else has room.
 */
export function eligibleAgents(conv: Conversation, loads: readonly AgentLoad[]): string[] {
  if (conv.status !== 'open') return []
  const withRoom = loads.filter(hasRoom).map((l) => l.agent.id)
  if (conv.preferredAgentId && !conv.affinityLapsed && withRoom.includes(conv.preferredAgentId)) return [conv.preferredAgentId]
  const others = conv.transferredFrom === undefined ? withRoom : withRoom.filter((id) => id !== conv.transferredFrom)
  return others.length > 0 ? others : withRoom
}

/**
 * How many conversations one agent is offered at least, oldest first, besides those that wait for it
 * alone; more when its free capacity is larger (see {@link offerWindow}). A console picks among the
 * oldest; the rest of a long queue is not something one agent can act on, and a window keeps a
 * routing step from reading the whole queue. An agent may still accept any conversation it is
 * eligible for (agent-actions.ts), offered or not.
 */
export const OFFER_WINDOW = 20

/**
 * How many conversations `load`'s agent is offered besides those waiting for it alone: `window`, or
 * its free capacity when larger (it could take that many at once).
 * @example offerWindow({ agent: { capacity: 50 } as AgentRecord, used: 5 }, 20) // 45
 */
export function offerWindow(load: AgentLoad, window = OFFER_WINDOW): number {
  return Math.max(window, load.agent.capacity - load.used)
}

/**
 * True when `conv` waits for `agentId` alone: preferred (affinity or a transfer to it) and not
 * lapsed. Such a conversation is offered to that agent whatever its place in the queue.
 */
export function waitsFor(conv: Conversation, agentId: string): boolean {
  return conv.status === 'open' && conv.preferredAgentId === agentId && !conv.affinityLapsed
}

/**
 * The agent whose index holds `conv` (store `liveAssigned`): its agent while Active or Wrap-up,
 * the agent it waits for alone while Open, otherwise none.
 */
export function heldFor(conv: Conversation): string | undefined {
  if (conv.status === 'active' || conv.status === 'wrap-up') return conv.agent?.id
  if (conv.status === 'open' && conv.preferredAgentId !== undefined && !conv.affinityLapsed) return conv.preferredAgentId
  return undefined
}

/**
 * Offers per agent: open conversations, oldest in the queue first, each offered to all eligible
 * agents (the first `accept` wins); to each agent every conversation waiting for it alone and at
 * most {@link offerWindow} others.
 * @example computeOffers(openConversations, loads).get('a1') // ['c1', 'c2']
 */
export function computeOffers(
  open: readonly Conversation[],
  loads: readonly AgentLoad[],
  window = OFFER_WINDOW,
): Map<string, string[]> {
  const offers = new Map<string, string[]>()
  const others = new Map<string, number>()
  const windows = new Map(loads.map((l) => [l.agent.id, offerWindow(l, window)]))
  for (const conv of queueOrder(open)) {
    for (const agentId of eligibleAgents(conv, loads)) {
      if (!waitsFor(conv, agentId)) {
        const n = others.get(agentId) ?? 0
        if (n >= (windows.get(agentId) ?? window)) continue
        others.set(agentId, n + 1)
      }
      const list = offers.get(agentId) ?? []
      list.push(conv.id)
      offers.set(agentId, list)
    }
  }
  return offers
}

/**
 * True when `head`, the oldest conversations of the queue, decides the offers of every agent of
 * `agentIds` as the whole queue would: each has room for none, or its {@link offerWindow} of
 * conversations of the head that do not wait for it alone (those come from the agent's index, wherever they are).
 * Otherwise the caller reads a longer head (unless it holds the whole queue).
 */
export function headSuffices(
  head: readonly Conversation[],
  loads: readonly AgentLoad[],
  agentIds: readonly string[],
  window = OFFER_WINDOW,
): boolean {
  const counts = new Map<string, number>()
  for (const conv of head) {
    for (const agentId of eligibleAgents(conv, loads)) {
      if (!waitsFor(conv, agentId)) counts.set(agentId, (counts.get(agentId) ?? 0) + 1)
    }
  }
  return agentIds.every((id) => {
    const load = loads.find((l) => l.agent.id === id)
    return !load || !hasRoom(load) || (counts.get(id) ?? 0) >= offerWindow(load, window)
  })
}

/**
 * True when a change can move offers or capacity: its status, agent, affinity or wrap-up hold
 * changed. Routing runs again after such a change, and only then.
 */
export function routingChanged(previous: Conversation, conversation: Conversation): boolean {
  return (
    conversation.status !== previous.status ||
    conversation.agent?.id !== previous.agent?.id ||
    conversation.preferredAgentId !== previous.preferredAgentId ||
    conversation.affinityLapsed !== previous.affinityLapsed ||
    conversation.affinitySince !== previous.affinitySince ||
    conversation.transferredFrom !== previous.transferredFrom ||
    conversation.capacityReleased !== previous.capacityReleased
  )
}

/**
 * The routing order: open conversations, oldest in the queue first. Offers and the customers'
 * queue positions both follow it.
 */
export function queueOrder(conversations: readonly Conversation[]): Conversation[] {
  return conversations.filter((c) => c.status === 'open').sort((a, b) => a.statusAt - b.statusAt || a.createdAt - b.createdAt)
}
