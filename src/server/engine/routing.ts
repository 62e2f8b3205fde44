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
 * Offers per agent: open conversations, oldest in the queue first, each offered to all eligible
 * agents (the first `accept` wins).
 * @example computeOffers(openConversations, loads).get('a1') // ['c1', 'c2']
 */
export function computeOffers(
  open: readonly Conversation[],
  loads: readonly AgentLoad[],
): Map<string, string[]> {
  const offers = new Map<string, string[]>()
  for (const conv of queueOrder(open)) {
    for (const agentId of eligibleAgents(conv, loads)) {
      const list = offers.get(agentId) ?? []
      list.push(conv.id)
      offers.set(agentId, list)
    }
  }
  return offers
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
