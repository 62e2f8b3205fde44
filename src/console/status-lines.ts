/**
 * Status changes as sentences an agent reads at a glance, instead of "Status: open
 * (customer-started)". Keyed by reason as a string: reasons added to the protocol later still read
 * as something sensible through the fallback.
 */
import type { StatusItem } from '../agent/index.js'

type Line = (agent: string | undefined) => string

const LINES: Record<string, Line> = {
  'customer-started': () => 'The customer started the chat',
  'agent-accepted': (agent) => `${agent ?? 'An agent'} joined the chat`,
  'customer-disconnected': () => 'The customer left; the chat ended',
  'customer-ended': () => 'The customer ended the chat',
  'agent-ended': () => 'The chat ended: wrap-up',
  'wrap-up-timeout': () => 'Wrap-up time ran out; the chat was closed',
  'agent-closed': () => 'The chat was closed',
  'queue-timeout': () => 'No agent took the chat in time; it was closed',
  'agent-disconnected': () => 'The agent lost their connection; the chat went back to the queue',
  'customer-reconnected': () => 'The customer came back to this chat',
  'agent-transferred': () => 'The chat was transferred and waits for the next agent',
}

/** One readable line for a status item. */
export function statusLine(item: StatusItem): string {
  const line = LINES[item.reason]
  if (line) return line(item.status === 'open' ? undefined : item.agent?.name)
  return `The chat is now ${item.status}`
}

/** The status as a short label for a pill. */
export const STATUS_LABELS: Record<string, string> = { open: 'Waiting', active: 'Active', 'wrap-up': 'Wrap-up', closed: 'Closed' }
