/**
 * The signature of a webhook delivery, as Stripe makes it: HMAC-SHA256 with the endpoint's secret
 * over `${timestamp}.${body}`, sent as `holdline-signature: t=<unix seconds>,v1=<hex>`. The timestamp
 * is inside what is signed, so a captured delivery cannot be replayed later with a fresh one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'holdline-signature'
/** The header carrying the event id (also in the body). */
export const EVENT_ID_HEADER = 'holdline-event-id'

/**
 * The `holdline-signature` value for `body` sent at `unixSeconds`.
 * @example signatureHeader('s3cret-s3cret-s3cret', '{"id":"c1.created"}', 1767225600)
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, `${unixSeconds}.${body}`)}`
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex')
}

/**
 * Checks a delivery as a receiver should: the signature matches the raw body (compared in constant
 * time) and its timestamp is within `toleranceSeconds` of `nowSeconds`.
 * @example verifyWebhookSignature(secret, rawBody, req.headers['holdline-signature'])
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1_000),
): boolean {
  if (!header) return false
  const parts = new Map(header.split(',').map((part) => {
    const at = part.indexOf('=')
    return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const
  }))
  const t = Number(parts.get('t'))
  const v1 = parts.get('v1') ?? ''
  if (!Number.isSafeInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1)) return false
  return timingSafeEqual(Buffer.from(hmac(secret, `${t}.${body}`), 'hex'), Buffer.from(v1, 'hex'))
}
