/**
 * The base of both SDKs' errors: a stable `code` (the server's wire codes, plus each SDK's own) and,
 * when the server named it, what was refused (`ref`: a message's client id, a conversation, a frame type).
 *
 * @example
 * ```ts
 * if (error instanceof HoldlineError && error.code === 'rate-limited') retryLater()
 * ```
 */
export class HoldlineError<C extends string = string> extends Error {
  readonly code: C
  /** What was refused, when the server named it. */
  readonly ref?: string

  constructor(code: C, message?: string, ref?: string) {
    super(message ?? code)
    this.code = code
    if (ref !== undefined) this.ref = ref
  }
}
