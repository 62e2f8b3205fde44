/**
 * The one failure a store may report as such: it could not be reached (or could not answer in
 * time), so nothing was applied and the same call may succeed later. Frames that meet it are refused
 * with `store-unavailable`, which the SDKs retry. Anything else a store throws is a fault of the
 * server's and is refused with `internal-error`, which nothing retries.
 *
 * @example
 * ```ts
 * try { await store.get(id) } catch (error) { if (isStoreUnavailable(error)) retryLater() }
 * ```
 */
export class StoreUnavailableError extends Error {
  readonly code = 'store-unavailable'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

/** True for a {@link StoreUnavailableError}. */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError
}
