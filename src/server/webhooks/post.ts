/**
 * One delivery attempt: a signed POST, answered 2xx within the timeout or failed.
 */
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js'

/** How one attempt ended (the `outcome` label of the attempt counter). */
export type AttemptOutcome = 'success' | 'http-error' | 'timeout' | 'network-error'

/** The result of {@link postEvent}. */
export interface Attempt {
  outcome: AttemptOutcome
  /** The HTTP status, when the endpoint answered. */
  status?: number
  /** Seconds from sending to the answer (or the failure). */
  seconds: number
}

/**
 * POSTs `body` to `url`, signed with `secret`. Never throws.
 * @example await postEvent('http://127.0.0.1:9000/hook', secret, 'c1.created', body, 10_000)
 */
export async function postEvent(url: string, secret: string, eventId: string, body: string, timeoutMs: number, nowMs: number = Date.now()): Promise<Attempt> {
  const started = performance.now()
  const seconds = (): number => (performance.now() - started) / 1_000
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'holdline-webhooks',
        [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(nowMs / 1_000)),
        [EVENT_ID_HEADER]: eventId,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    // The answer's body is not read (and must not hold the connection).
    await res.body?.cancel().catch(() => undefined)
    return { outcome: res.status >= 200 && res.status < 300 ? 'success' : 'http-error', status: res.status, seconds: seconds() }
  } catch (error) {
    const name = (error as { name?: unknown }).name
    return { outcome: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network-error', seconds: seconds() }
  }
}
