/**
 * The server's answer to a `hello`, decided from what it names and what the store holds: resume,
 * reopen (R10), offer the reopening, or a new chat with its reason; for a signed-in customer also
 * joining its live chat from another device, or refusing another customer's chat. The one rule both ways: a chat
 * still inside its window continues, even when the client thought its window had passed. Pure; the
 * customer socket reads the record, runs the decision, and carries it out.
 */
import type { NewChatReason } from '../../protocol/frames.js'
import { canReconnect, isLive, reconnectUntil } from './transitions.js'
import type { Conversation, EngineConfig } from './types.js'

/** What a `hello` says, and what the store has of the conversation it names. */
export interface HelloFacts {
  /** How the hello names a conversation: to resume it, or as `previous` (the client's window passed). */
  named?: { as: 'resume' | 'previous'; conversationId: string }
  /** The named conversation's record (for `previous`, with the time rules applied now), if stored. */
  conversation?: Conversation
  /** The hello's token is the named conversation's own. */
  tokenMatches: boolean
  /** R10, the customer's choice: `true` reopen, `false` decline, absent: the server may offer it. */
  reconnect?: boolean
  /** The signed-in customer (a verified identity token), if the hello carried one. */
  identity?: { sub: string }
  /** That customer's live conversation, found by `sub` in the store's index, if any. */
  live?: Conversation
}

/** What to do with a `hello`. */
export type HelloDecision =
  | { kind: 'new-chat'; reason?: NewChatReason; previousConversationId?: string }
  | { kind: 'resume' }
  | { kind: 'reconnect' }
  | { kind: 'offer-reconnect'; endedAt: number; expiresInMs: number }
  /** A signed-in customer's device joins its live conversation (`facts.live`), transcript from the start. */
  | { kind: 'join' }
  /** The hello names another signed-in customer's conversation: refused, nothing of it told. */
  | { kind: 'refuse'; code: 'identity-mismatch' }

/**
 * Decides a `hello`.
 * @example decideHello({ tokenMatches: false }, now, config) // { kind: 'new-chat' }
 */
export function decideHello(facts: HelloFacts, now: number, config: EngineConfig): HelloDecision {
  return facts.identity ? decideSignedIn(facts, facts.identity.sub, now, config) : decideAnonymous(facts, now, config)
}

/**
 * A signed-in customer: the verified identity is a credential beside the resume token, so a device
 * with no token (or a stale one) continues the customer's chat; a chat of another `sub` is never
 * resumed, whatever token is shown. A live chat wins over an ended one the device remembers.
 */
function decideSignedIn(facts: HelloFacts, sub: string, now: number, config: EngineConfig): HelloDecision {
  const { conversation, live } = facts
  const owner = conversation?.customer.sub
  if (owner !== undefined && owner !== sub) return { kind: 'refuse', code: 'identity-mismatch' }
  const own = owner === sub
  if (conversation && isLive(conversation.status) && (own || facts.tokenMatches)) return { kind: 'resume' }
  if (live && live.customer.sub === sub && isLive(live.status)) return { kind: 'join' }
  return decideAnonymous({ ...facts, tokenMatches: facts.tokenMatches || own }, now, config)
}

function decideAnonymous(facts: HelloFacts, now: number, config: EngineConfig): HelloDecision {
  const { named, conversation } = facts
  if (!named) return { kind: 'new-chat' }
  if (!conversation) return { kind: 'new-chat', reason: 'resume-unknown', previousConversationId: named.conversationId }
  // Not this client's chat (edited storage, another chat's token): a chat of its own, and nothing of
  // the named one read, linked or changed.
  if (!facts.tokenMatches) return { kind: 'new-chat', reason: 'token-invalid' }
  if (isLive(conversation.status)) return { kind: 'resume' }
  return decideEnded(conversation, facts, now, config)
}

/** The named chat has ended (Wrap-up or Closed): reopen it, offer to, or start a new chat. */
export function decideEnded(conversation: Conversation, facts: HelloFacts, now: number, config: EngineConfig): HelloDecision {
  const previous = { previousConversationId: conversation.id }
  const expired = facts.named?.as === 'resume' ? { reason: 'resume-expired' as const } : {}
  if (!canReconnect(conversation, now, config)) {
    return { kind: 'new-chat', ...previous, ...(facts.reconnect === true ? { reason: 'reconnect-unavailable' as const } : expired) }
  }
  if (facts.reconnect === false) return { kind: 'new-chat', ...previous, ...expired }
  if (facts.reconnect === true) return { kind: 'reconnect' }
  return {
    kind: 'offer-reconnect',
    endedAt: conversation.endedAt ?? now,
    expiresInMs: Math.max(0, (reconnectUntil(conversation, config) ?? now) - now),
  }
}
