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
export class ChatError extends Error implements ChatErrorShape {
  readonly code: ChatErrorCode
  /** What was refused, when the server named it (a message's `clientId`, a frame type). */
  readonly ref?: string

  constructor(code: ChatErrorCode, message?: string, ref?: string) {
    super(message ?? code)
    this.name = 'ChatError'
    this.code = code
    if (ref !== undefined) this.ref = ref
  }
}
