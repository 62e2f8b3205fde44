/**
 * The fan-out message of one recorded change: what its receivers show (the new items, and the
 * presence, customer context, connections or agent when they changed), not the records.
 */
import { customerChanged } from '../engine/customer-context.js'
import { presenceOf } from '../engine/presence.js'
import type { EngineConfig } from '../engine/types.js'
import type { ChangeMessage, TransactResult } from '../store/types.js'

/**
 * @example await store.publish(changeOf(result, false, config, now))
 */
export function changeOf(result: TransactResult, created: boolean, config: EngineConfig, now: number): ChangeMessage {
  const { conversation: conv, items } = result
  const before = created ? undefined : result.previous
  const message: ChangeMessage = { type: 'changed', conversationId: conv.id, status: conv.status, items }
  if (conv.agent) message.agentId = conv.agent.id
  if (before?.agent?.id !== conv.agent?.id) {
    message.agentMoved = true
    if (before?.agent) message.previousAgentId = before.agent.id
  }
  if (created) message.created = true
  // Compared by value: a record read back from Redis never shares its arrays with the one written.
  if (before === undefined || JSON.stringify(before.connections) !== JSON.stringify(conv.connections)) message.connections = conv.connections
  if (before !== undefined && before.presence !== conv.presence) message.presence = presenceOf(conv, config, now)
  if (before !== undefined && customerChanged(before.customer, conv.customer)) message.customer = conv.customer
  return message
}
