import { HoldlineError } from '../transport/errors.js'
import type { ChatErrorCode, ChatErrorShape } from './types.js'

/**
 * The error the SDK rejects with and reports through the `error` event. `code` is stable: the
 * server's wire codes (`resume-expired`, `rate-limited`, ...) plus the client's own
 * (`storage-unavailable`, `destroyed`, `not-started`).
 *
 * @example
 * ```ts
 * try { await chat.send(text) } catch (error) {
 *   if (error instanceof ChatError && error.code === 'conversation-ended') showNewChatButton()
 * }
 * ```
 */
export class ChatError extends HoldlineError<ChatErrorCode> implements ChatErrorShape {
  constructor(code: ChatErrorCode, message?: string, ref?: string) {
    super(code, message, ref)
    this.name = 'ChatError'
  }
}
