/**
 * What the hub and routing need of this process's sockets. The sockets implement these; the hub and
 * routing know only these, so nothing that delivers to a socket imports the socket's own code.
 */
import type { CustomerConnection } from '../engine/types.js'
import type { AgentSummary, NoteItem, ServerToAgentFrame, ServerToCustomerFrame, TranscriptItem } from '../../protocol/frames.js'
import type { AgentIdentity } from './agent-auth.js'

/** A customer socket bound to a conversation. */
export interface CustomerPeer {
  /** Sends recorded items in order, each at most once. */
  deliver(items: readonly TranscriptItem[]): void
  /** The store's fan-out was down: read again what it shows. */
  resync(): void
  send(frame: ServerToCustomerFrame): void
  /** The store may no longer name this process as holding the socket: write it again with the next frame. */
  revouch(): void
  /** The conversation's connections as just recorded: if they no longer name this socket as held here, {@link revouch}. */
  recorded(connections: readonly CustomerConnection[]): void
}

/** An agent console's socket. */
export interface AgentPeer {
  readonly id: string
  /** Set once its `ready` is out. */
  readonly agent: AgentIdentity | undefined
  readonly closed: boolean
  /** Open conversations offered on it. */
  readonly offered: Set<string>
  deliver(conversationId: string, items: readonly TranscriptItem[]): void
  resync(): void
  send(frame: ServerToAgentFrame): void
  /** Starts following a conversation from `seq` (its snapshot was sent up to there, with `notes`). */
  follow(conversationId: string, seq: number, notes?: readonly NoteItem[]): void
  /** Sends `capacity` when it changed. */
  capacity(used: number, total: number): void
  /** A supervisor's console (admin token): follows every conversation, holds no capacity. */
  readonly supervisor: boolean
  /** Sends the internal notes not sent yet, each once, in the order given. */
  deliverNotes(conversationId: string, notes: readonly NoteItem[]): void
  /** Sends `agents` when the list changed. */
  agentsChanged(agents: readonly AgentSummary[]): void
}
