/**
 * The agent's view, folded from server frames by pure functions: snapshots replaced on `ready`,
 * items appended in seq order and each once (a reconnect may replay what was already seen).
 */
import type { AgentRole, AgentSummary, ConversationSnapshot, MessageItem, NoteItem, ServerToAgentFrame, TranscriptItem } from '../protocol/index.js'
import type { AgentConversation } from './types.js'

export interface AgentState {
  conversations: Map<string, AgentConversation>
  offers: Map<string, AgentConversation>
  capacity: { used: number; total: number }
  /** Conversations this console has asked to accept and not yet heard the answer of. */
  accepting: Set<string>
  /**
   * Offers withdrawn while their accept was on its way. The server withdraws on what it read before
   * the accept landed, so the accept may still win: the chat's next items then come here, and its
   * transcript so far is this snapshot.
   */
  withdrawn: Map<string, AgentConversation>
  /**
   * Per conversation, the highest seq the app has been shown: a `message` event went out for every
   * message up to it. Kept across reconnects, whose snapshots hold what arrived meanwhile.
   */
  shown: Map<string, number>
  /** Per conversation, the ids of the notes the app has been shown (a `note` event each). */
  shownNotes: Map<string, Set<string>>
  role: AgentRole
  agents: Map<string, AgentSummary>
}

export function emptyState(): AgentState {
  return {
    conversations: new Map(), offers: new Map(), capacity: { used: 0, total: 0 }, accepting: new Set(), withdrawn: new Map(), shown: new Map(),
    shownNotes: new Map(), role: 'agent', agents: new Map(),
  }
}

/** The notes of `conversation` the app has not been shown, in order, now counted as shown. */
export function unshownNotes(state: AgentState, conversation: AgentConversation): NoteItem[] {
  let shown = state.shownNotes.get(conversation.id)
  if (!shown) state.shownNotes.set(conversation.id, (shown = new Set()))
  const fresh: NoteItem[] = []
  for (const note of conversation.notes ?? []) if (!shown.has(note.id) && shown.add(note.id)) fresh.push(note)
  return fresh
}

/**
 * The messages of `conversation` the app has not been shown, in seq order, now counted as shown:
 * each message gets one `message` event, whether it came live, in an offer, or in the snapshot of
 * a `ready` after a reconnect.
 */
export function unshown(state: AgentState, conversation: AgentConversation): MessageItem[] {
  const upTo = state.shown.get(conversation.id) ?? 0
  const last = conversation.transcript.at(-1)?.seq ?? 0
  if (last <= upTo) return []
  state.shown.set(conversation.id, last)
  return conversation.transcript.filter((i): i is MessageItem => i.kind === 'message' && i.seq > upTo)
}

export function fromSnapshot(snapshot: ConversationSnapshot): AgentConversation {
  return { ...snapshot, transcript: mergeItems([], snapshot.transcript), notes: mergeNotes([], snapshot.notes ?? []) }
}

/** Adds notes not yet held (by id), in the order they came. */
export function mergeNotes(held: readonly NoteItem[], incoming: readonly NoteItem[]): NoteItem[] {
  const seen = new Set(held.map((n) => n.id))
  return [...held, ...incoming.filter((n) => !seen.has(n.id) && seen.add(n.id))]
}

/** Adds items not yet held, keeping seq order. */
export function mergeItems(held: readonly TranscriptItem[], incoming: readonly TranscriptItem[]): TranscriptItem[] {
  const seen = new Set(held.map((i) => i.seq))
  const fresh = incoming.filter((i) => !seen.has(i.seq) && seen.add(i.seq))
  return fresh.length === 0 ? [...held] : [...held, ...fresh].sort((a, b) => a.seq - b.seq)
}

/** What applying a frame changed, for the runner to turn into events. */
export type Change =
  | { type: 'ready' }
  | { type: 'offer'; conversation: AgentConversation }
  | { type: 'offer-withdrawn'; conversationId: string }
  | { type: 'item'; conversation: AgentConversation; item: TranscriptItem; assigned: boolean }
  | { type: 'presence' }
  | { type: 'capacity' }
  | { type: 'note'; conversation: AgentConversation }
  | { type: 'agents' }
  | { type: 'conversation'; conversation: AgentConversation }

/** Applies one server frame to the state; returns what changed (nothing for a duplicate item). */
export function applyFrame(state: AgentState, frame: ServerToAgentFrame, agentId: string | undefined): Change[] {
  switch (frame.type) {
    case 'ready':
      state.conversations = new Map(frame.conversations.map((s) => [s.id, fromSnapshot(s)]))
      state.offers = new Map(frame.offers.map((s) => [s.id, fromSnapshot(s)]))
      state.withdrawn = new Map()
      state.capacity = { used: state.capacity.used, total: frame.agent.capacity }
      state.role = frame.role ?? 'agent'
      if (frame.agents) state.agents = new Map(frame.agents.map((a) => [a.id, a]))
      return [{ type: 'ready' }]
    case 'offer': {
      const conversation = fromSnapshot(frame.conversation)
      state.offers.set(conversation.id, conversation)
      // A chat this console held before and that is offered again (reopened, R10): the offer is the
      // whole of it now; the old view stops receiving items, so it must not be found first.
      state.conversations.delete(conversation.id)
      return [{ type: 'offer', conversation }]
    }
    case 'offer-withdrawn': {
      const { conversationId } = frame
      const offer = state.offers.get(conversationId)
      if (offer && state.accepting.has(conversationId)) state.withdrawn.set(conversationId, offer)
      return state.offers.delete(conversationId) ? [{ type: 'offer-withdrawn', conversationId }] : []
    }
    case 'event':
      return applyItem(state, frame.conversationId, frame.item, agentId)
    case 'presence': {
      const held = state.conversations.get(frame.presence.conversationId) ?? state.offers.get(frame.presence.conversationId)
      if (held) held.presence = frame.presence
      return [{ type: 'presence' }]
    }
    case 'capacity':
      state.capacity = { used: frame.used, total: frame.total }
      return [{ type: 'capacity' }]
    case 'note': {
      const held = state.conversations.get(frame.conversationId) ?? state.offers.get(frame.conversationId) ?? state.withdrawn.get(frame.conversationId)
      if (!held || held.notes?.some((n) => n.id === frame.note.id)) return []
      held.notes = mergeNotes(held.notes ?? [], [frame.note])
      return [{ type: 'note', conversation: held }]
    }
    case 'agents':
      state.agents = new Map(frame.agents.map((a) => [a.id, a]))
      return [{ type: 'agents' }]
    case 'conversation': {
      // Whole, so it replaces what was held; notes and items already held are kept (none is lost).
      const conversation = fromSnapshot(frame.conversation)
      // Offered back to this console meanwhile (a transfer to the queue): the offer is where it lives.
      const map = state.offers.has(conversation.id) ? state.offers : state.conversations
      const held = map.get(conversation.id)
      if (held) {
        conversation.transcript = mergeItems(held.transcript, conversation.transcript)
        conversation.notes = mergeNotes(held.notes ?? [], conversation.notes ?? [])
      }
      map.set(conversation.id, conversation)
      return [{ type: 'conversation', conversation }]
    }
    default:
      return []
  }
}

function applyItem(state: AgentState, id: string, item: TranscriptItem, agentId: string | undefined): Change[] {
  const held = state.conversations.get(id) ?? state.offers.get(id) ?? state.withdrawn.get(id)
  if (!held) return []
  if (held.transcript.some((i) => i.seq === item.seq)) return []
  held.transcript = mergeItems(held.transcript, [item])
  const changes: Change[] = []
  if (item.kind === 'status') {
    // A withdrawn offer's next status is the answer to our accept: ours (kept below) or not.
    state.withdrawn.delete(id)
    held.status = item.status
    if (item.agent) held.agent = item.agent
    else delete held.agent
    const mine = item.agent?.id === agentId && agentId !== undefined
    if (state.offers.has(id) && (item.status !== 'open' || !mine)) {
      // An offer that was taken (by us or another agent) or closed stops being an offer.
      state.offers.delete(id)
      if (!mine) changes.push({ type: 'offer-withdrawn', conversationId: id })
    }
    if (mine) state.conversations.set(id, held)
  }
  changes.push({ type: 'item', conversation: held, item, assigned: state.conversations.has(id) })
  return changes
}
