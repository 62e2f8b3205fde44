/**
 * The agent workspace's actions on the agent socket: `transfer` and internal `note`s, for
 * agents and supervisors, and the list of agents the consoles show. The rules are the engine's
 * (engine/transfer.ts); this carries them out and answers the console.
 */
import type { ErrorCode } from '../../protocol/codes.js'
import type { AgentInfo, AgentNoteFrame, AgentSummary, AgentTransferFrame, NoteItem, ServerToAgentFrame } from '../../protocol/frames.js'
import type { AgentLoad } from '../engine/routing.js'
import { isTransferRepeat, isTransferred, transferRefusal, transferStep, type Transferrer } from '../engine/transfer.js'
import type { Conversation } from '../engine/types.js'
import type { ServerContext } from './context.js'
import { snapshotOf } from './snapshot.js'

/** How a supervisor signs its notes. */
export const SUPERVISOR: AgentInfo = { id: 'supervisor', name: 'Supervisor' }

/** What the actions need of the console that asked. */
export interface WorkspaceConsole {
  readonly supervisor: boolean
  refuse(code: ErrorCode, message: string, options?: { ref?: string }): void
  send(frame: ServerToAgentFrame): void
  /** Refuses an empty or over-long text with `text-too-long`; false when refused. */
  checkText(text: string, ref: string): boolean
  /** The console holds this note now (it was sent to it as an answer). */
  noted(conversationId: string, note: NoteItem): void
}

/** Every agent the server has a token for, by id (transfer targets). */
export function knownAgentIds(ctx: ServerContext): string[] {
  return [...new Set(Object.values(ctx.options.agentTokens).map((c) => (typeof c === 'string' ? c : c.id)))]
}

/**
 * Every agent with load and presence: those that signed in (with their load), and those with a
 * token that never did (offline, nothing in use), sorted by id.
 */
export function agentSummaries(ctx: ServerContext, loads: readonly AgentLoad[]): AgentSummary[] {
  const out = new Map<string, AgentSummary>()
  for (const config of Object.values(ctx.options.agentTokens)) {
    const id = typeof config === 'string' ? config : config.id
    const name = typeof config === 'string' ? config : (config.name ?? config.id)
    const capacity = typeof config === 'string' ? ctx.options.defaultCapacity : (config.capacity ?? ctx.options.defaultCapacity)
    out.set(id, { id, name, online: false, used: 0, capacity })
  }
  for (const { agent, used } of loads) out.set(agent.id, { id: agent.id, name: agent.name, online: agent.connections.length > 0, used, capacity: agent.capacity })
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * Records a note (once per client id) and tells every console that follows the conversation. A
 * repeat is published again: consoles drop a note they hold, and a publish lost the first time
 * (the store failed after the write) reaches them this time.
 */
export async function recordNote(ctx: ServerContext, conv: Conversation, author: AgentInfo, text: string, clientId: string): Promise<NoteItem | undefined> {
  const recorded = await ctx.store.addNote(conv.id, { at: ctx.now(), text, agent: author, afterSeq: conv.lastSeq, clientId })
  if (!recorded) return undefined
  await ctx.store.publish({ type: 'note', conversationId: conv.id, ...(conv.agent ? { agentId: conv.agent.id } : {}), note: recorded.note })
  return recorded.note
}

/** Who may write a note: the chat's agent while it is Active or in Wrap-up; a supervisor on any chat not closed. */
function mayNote(conv: Conversation, author: AgentInfo, supervisor: boolean): boolean {
  if (supervisor) return conv.status !== 'closed'
  return conv.agent?.id === author.id && (conv.status === 'active' || conv.status === 'wrap-up')
}

/** `note`: answered with the note as recorded (the first one, for a repeated client id). */
export async function handleNote(ctx: ServerContext, console: WorkspaceConsole, author: AgentInfo, conv: Conversation, frame: AgentNoteFrame): Promise<void> {
  const answer = (note: NoteItem): void => {
    console.noted(conv.id, note)
    console.send({ type: 'note', conversationId: conv.id, note })
  }
  if (!mayNote(conv, author, console.supervisor)) {
    // Recorded before the chat left this agent (the answer lost with the socket): answered, not
    // refused. Looked up only here: while the note is allowed, addNote's client-id check answers a repeat.
    const earlier = (await ctx.store.notes(conv.id)).find((n) => n.clientId === frame.clientId && n.agent.id === author.id)
    if (earlier) return answer(earlier)
    const code = conv.agent?.id === author.id || console.supervisor ? 'conflict' : 'forbidden'
    return console.refuse(code, code === 'conflict' ? `the conversation is ${conv.status}` : 'this conversation is not assigned to you', { ref: frame.clientId })
  }
  const note = await recordNote(ctx, conv, author, frame.text, frame.clientId)
  if (!note) return console.refuse('not-found', 'no such conversation', { ref: frame.clientId })
  answer(note)
}

/**
 * `transfer`: checked on the record as read (to say why it is refused), its note recorded first (so
 * the next agent finds it in the offer), then applied by the engine on the record as the store
 * has it. Answered with the conversation as the transfer left it (a `conversation` frame).
 */
export async function handleTransfer(ctx: ServerContext, console: WorkspaceConsole, author: AgentInfo, conv: Conversation, frame: AgentTransferFrame): Promise<void> {
  const by: Transferrer = { id: author.id, supervisor: console.supervisor }
  if (isTransferRepeat(conv, by, frame.to)) return answerTransfer(ctx, console, conv)
  const known = knownAgentIds(ctx)
  const refusal = transferRefusal(conv, by, frame.to, known)
  if (refusal) return console.refuse(refusal.code, refusal.message, { ref: conv.id })
  const text = frame.note?.trim()
  if (text && !console.checkText(frame.note as string, conv.id)) return
  // One note per transfer of this record: a transfer sent again on the same record records it once.
  if (text) await recordNote(ctx, conv, author, text, `transfer.${author.id}.${conv.lastSeq}`)
  const result = await ctx.service.run(conv.id, (c, now) => transferStep(c, by, frame.to, known, now, ctx.config))
  if (!result || !isTransferred(result, frame.to)) {
    return console.refuse('conflict', `the conversation is ${result?.conversation.status ?? conv.status}`, { ref: conv.id })
  }
  await answerTransfer(ctx, console, result.conversation)
}

/** The answer to a transfer: the conversation as it left it. */
async function answerTransfer(ctx: ServerContext, console: WorkspaceConsole, conv: Conversation): Promise<void> {
  const snapshot = await snapshotOf(conv, ctx.store, ctx.config, ctx.now())
  for (const note of snapshot.notes ?? []) console.noted(conv.id, note)
  console.send({ type: 'conversation', conversation: snapshot })
}
