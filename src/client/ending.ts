/** The end of a conversation (Wrap-up or Closed), and of a client the server will not take. */
import { ChatError } from './errors.js'
import { type Runtime, dropSession, rejectStartsAndEnds, resolveAll, resolveStarts, setConnection, setPhase, writeRecord } from './runtime.js'
import { withoutConversation } from './record.js'

/** Lingering after the end lets the automated message that follows the status change arrive. */
const LINGER_MS = 2_000

/** The conversation is in Wrap-up or Closed: forget it locally; a later start is a new chat. */
export function onEnded(rt: Runtime, reason: string): void {
  if (rt._phase === 'ended' || rt._phase === 'destroyed') return
  setPhase(rt, 'ended')
  rt._endRequested = false
  writeRecord(rt, (r) => (r.conversationId === rt._conversation?.id ? { ...withoutConversation(r), outbox: [] } : r))
  const error = new ChatError('conversation-ended')
  for (const waiter of rt._sendWaiters.values()) waiter.reject(error)
  rt._sendWaiters.clear()
  rt._messages = rt._messages.filter((m) => !m.pending)
  dropSession(rt)
  setConnection(rt, 'closed', reason)
  resolveAll(rt._endWaiters, undefined)
  resolveStarts(rt)
  const transport = rt._transport
  rt._clock.setTimeout(() => {
    if (rt._phase === 'ended' && rt._transport === transport) transport?.stop(1000, 'conversation ended')
  }, LINGER_MS)
}

/** Tells the app, then stops for good. */
export function refuse(rt: Runtime, error: ChatError): void {
  rt._events.emit('error', error)
  stopForGood(rt, error)
}

/** The server will not take this client (origin, version): stop, and say so to every waiter. */
export function stopForGood(rt: Runtime, error: ChatError): void {
  setPhase(rt, 'ended')
  dropSession(rt)
  rt._transport?.stop(1000, error.code)
  setConnection(rt, 'closed', error.code)
  rejectStartsAndEnds(rt, error)
}
