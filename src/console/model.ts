/**
 * What the console knows beyond the agent SDK's state: which chat is open, unread counts, presence
 * countdowns measured on this machine, chats that closed (the SDK forgets them on a reconnect), and
 * the lists in the order they are shown.
 */
import type { Agent, AgentConversation, CustomerPresence } from '../agent/index.js'

export interface ConsoleModel {
  /** The chat shown in the conversation pane. */
  selected?: string
  /** On a phone, the lists or the conversation fill the screen. */
  view: 'lists' | 'conversation'
  unread: Map<string, number>
  /**
   * Local-clock deadlines (performance.now()) of disconnected customers' windows, from the
   * remaining time the server said, counted from receipt: server times are never compared with ours.
   */
  presenceDeadlines: Map<string, number>
  /** When each chat's "customer is typing" line goes away (performance.now()). */
  typingUntil: Map<string, number>
  /** Closed chats seen in this session, newest first. */
  recent: Map<string, AgentConversation>
}

export function createModel(): ConsoleModel {
  return { view: 'lists', unread: new Map(), presenceDeadlines: new Map(), typingUntil: new Map(), recent: new Map() }
}

/** Notes a presence report; `restart` when it is news (a snapshot repeats an old one). */
export function notePresence(model: ConsoleModel, presence: CustomerPresence, restart: boolean, now: number): void {
  if (presence.state !== 'disconnected' || presence.remainingMs === undefined) model.presenceDeadlines.delete(presence.conversationId)
  else if (restart || !model.presenceDeadlines.has(presence.conversationId)) model.presenceDeadlines.set(presence.conversationId, now + presence.remainingMs)
}

/** Open chats offered to this agent, oldest first (the server sends them so). */
export function queue(agent: Agent): AgentConversation[] {
  return [...agent.offers.values()]
}

/** Chats assigned to this agent and not closed: active first, then those in wrap-up. */
export function myChats(agent: Agent, me: string | undefined): AgentConversation[] {
  const mine = [...agent.conversations.values()].filter((c) => c.agent?.id === me && (c.status === 'active' || c.status === 'wrap-up'))
  return [...mine.filter((c) => c.status === 'active'), ...mine.filter((c) => c.status === 'wrap-up')]
}

/** Every chat in progress (active, wrap-up), for a supervisor: active first. */
export function liveChats(agent: Agent): AgentConversation[] {
  const all = [...agent.conversations.values()]
  return [...all.filter((c) => c.status === 'active'), ...all.filter((c) => c.status === 'wrap-up')]
}

/** Keeps closed chats for the Recent list (newest first, bounded). */
export function rememberClosed(model: ConsoleModel, c: AgentConversation): void {
  if (c.status !== 'closed') return
  model.recent.delete(c.id)
  model.recent = new Map<string, AgentConversation>([[c.id, c] as const, ...model.recent].slice(0, 20))
}

/** The conversation with `id`, wherever the console holds it. */
export function findConversation(agent: Agent, model: ConsoleModel, id: string | undefined): AgentConversation | undefined {
  if (id === undefined) return undefined
  return agent.conversations.get(id) ?? agent.offers.get(id) ?? model.recent.get(id)
}

/** Sum of unread counts. */
export function totalUnread(model: ConsoleModel): number {
  let n = 0
  for (const count of model.unread.values()) n += count
  return n
}
