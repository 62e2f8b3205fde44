/** How times, durations and names read in the console. */
import type { AgentConversation } from '../agent/index.js'

/** "12 s", "3 min", "1 h 05 min": short enough for a list row, exact enough to compare. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const min = Math.floor(s / 60)
  if (min < 60) return `${min} min`
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`
}

/** Minutes and seconds, for countdowns: "2:05". */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** The time of day an item was recorded, in the agent's locale. */
export function formatTime(at: number): string {
  return clockTime.format(new Date(at))
}

/** The customer's name, or a stand-in that tells chats apart. */
export function customerName(c: AgentConversation): string {
  return c.customer?.name?.trim() || `Visitor ${c.id.replace(/[^a-z0-9]/gi, '').slice(-4).toUpperCase()}`
}

/** The newest customer or agent message, for a list row's preview. */
export function lastMessageText(c: AgentConversation): string {
  for (let i = c.transcript.length - 1; i >= 0; i--) {
    const item = c.transcript[i]
    if (item?.kind === 'message' && item.from !== 'system') return item.from === 'agent' ? `You: ${item.text}` : item.text
  }
  return 'No message yet'
}

/** Server time since which an open chat has waited: its latest return to the queue. */
export function waitingSince(c: AgentConversation): number {
  for (let i = c.transcript.length - 1; i >= 0; i--) {
    const item = c.transcript[i]
    if (item?.kind === 'status' && item.status === 'open') return item.at
  }
  return c.createdAt
}

/** "1 chat", "3 chats". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
