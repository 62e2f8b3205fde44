/**
 * A `hello`'s signed customer identity: verifying it, the facts it adds to the decision (the
 * customer's live chat, from the store's `sub` index), and the history a signed-in customer gets.
 */
import { HISTORY_MAX_CONVERSATIONS, HISTORY_MAX_ITEMS, type HelloFrame, type HistoryEntry, type ServerToCustomerFrame } from '../../protocol/frames.js'
import type { ErrorCode } from '../../protocol/codes.js'
import type { HelloFacts } from '../engine/hello.js'
import { isLive } from '../engine/transitions.js'
import type { Conversation, CustomerDetails } from '../engine/types.js'
import type { Store } from '../store/types.js'
import type { ServerContext } from './context.js'

/** A customer whose identity token verified: its claims. */
export type SignedIn = CustomerDetails & { sub: string }

/** What verifying needs of the socket. */
interface IdentitySocket {
  readonly ctx: ServerContext
  send(frame: ServerToCustomerFrame): void
  refuse(code: ErrorCode, message: string, options?: { ref?: string; fatal?: boolean }): void
}

/**
 * The hello's verified customer; undefined when anonymous (no token, or identity not configured:
 * then a token is ignored); false when refused (and said so, the socket left open for a new hello).
 */
export async function verifiedCustomer(conn: IdentitySocket, hello: HelloFrame): Promise<SignedIn | undefined | false> {
  const verify = conn.ctx.identity
  if (!verify || hello.identity === undefined) return undefined
  const result = await verify(hello.identity)
  if (result.ok) return result.customer
  conn.refuse(result.code, result.message, { ref: 'hello' })
  return false
}

/** The signed-in customer's facts: who, and its live chat (read again: the index only points). */
export async function addIdentityFacts(store: Store, facts: HelloFacts, sub: string, named: Conversation | undefined): Promise<void> {
  facts.identity = { sub }
  const liveId = await store.liveConversationOf(sub)
  if (liveId === undefined) return
  const live = liveId === named?.id ? named : await store.get(liveId)
  if (live) facts.live = live
}

/** The customer's earlier, ended conversations the store still holds, read-only, bounded. */
export async function sendHistory(conn: IdentitySocket, sub: string, currentId: string): Promise<void> {
  const { store } = conn.ctx
  const earlier = (await store.conversationsOf(sub, HISTORY_MAX_CONVERSATIONS + 1))
    .filter((c) => c.id !== currentId && !isLive(c.status))
    .slice(0, HISTORY_MAX_CONVERSATIONS)
  if (earlier.length === 0) return
  const conversations: HistoryEntry[] = await Promise.all(
    earlier.map(async (c) => {
      const items = await store.transcript(c.id, Math.max(0, c.lastSeq - HISTORY_MAX_ITEMS))
      return { id: c.id, createdAt: c.createdAt, status: c.status, transcript: items }
    }),
  )
  conn.send({ type: 'history', conversations })
}
