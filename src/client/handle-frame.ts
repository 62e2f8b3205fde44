/** Server frames to the handler of their concern, and refusals to what they refuse. */
import { ChatError } from './errors.js'
import type { ErrorFrame, ServerToCustomerFrame } from '../protocol/index.js'
import { FINAL_CODES } from '../protocol/codes.js'
import type { Runtime } from './runtime.js'
import { compact } from './compact.js'
import { onAck, onEvent, refuseMessage } from './delivery.js'
import { onEnded, stopForGood } from './ending.js'
import { onReconnectAvailable, onWelcome, refreshAlive, sendHello } from './session.js'

/** Dispatch one parsed frame. */
export function handleFrame(rt: Runtime, frame: ServerToCustomerFrame): void {
  rt._heartbeat?.heard()
  if (rt._phase === 'ready') refreshAlive(rt)
  switch (frame.type) {
    case 'welcome':
      return onWelcome(rt, frame)
    case 'reconnect-available':
      return onReconnectAvailable(rt, frame)
    case 'event':
      return onEvent(rt, frame)
    case 'ack':
      return onAck(rt, frame)
    case 'typing':
      if (frame.from === 'agent') rt._events.emit('typing', { from: 'agent' })
      return
    case 'queue':
      if (rt._conversation?.status === 'open') rt._events.emit('queue', compact({ position: frame.position, waitMs: frame.waitMs }))
      return
    case 'error':
      return onError(rt, frame)
    case 'history':
      // The frame is the event's context: `{ conversations }` (its `type` rides along).
      return rt._events.emit('history', frame)
    default:
      return
  }
}

/**
 * A refused resume is not an error here: the server answers it with the welcome of a new chat. An
 * error frame refuses a frame; `internal-error` (a server fault) is told to the app even when a
 * promise says it too, since nothing will retry it, and ends a session that could not begin.
 */
function onError(rt: Runtime, frame: ErrorFrame): void {
  const { code, ref } = frame
  const error = new ChatError(code, frame.message, ref)
  const fault = code === 'internal-error'
  if (ref && rt._messages.some((m) => m.pending && m.clientId === ref)) {
    refuseMessage(rt, ref, error)
    if (fault) rt._events.emit('error', error)
    return
  }
  if (code === 'conversation-ended') return onEnded(rt, code)
  // A fresh token once; a second refusal is final (no loop on a token the site keeps expired).
  if (code == 'identity-expired' && typeof rt._options.identity == 'function' && !rt._idRetried) return (rt._idRetried = true), sendHello(rt)
  // The stored chat is another customer's (a shared browser): forgotten, so the next start is clean.
  if (code == 'identity-mismatch') rt._storage.removeItem(rt._key)
  rt._events.emit('error', error)
  if (FINAL_CODES.includes(code) || (fault && frame.fatal)) stopForGood(rt, error)
}
