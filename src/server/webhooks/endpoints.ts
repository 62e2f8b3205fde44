/**
 * The `webhooks` option: checked at start-up with messages that name the endpoint and the field,
 * and the defaults applied.
 */
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint, type WebhookEventType } from './types.js'

/** An endpoint with every default applied. */
export interface ResolvedEndpoint {
  id: string
  url: string
  secret: string
  events: ReadonlySet<WebhookEventType>
  timeoutMs: number
  backoffMs: number
  maxBackoffMs: number
  maxAttempts: number
  maxAgeMs: number
}

/** Defaults of an endpoint's optional fields. */
export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000, backoffMs: 1_000, maxBackoffMs: 300_000, maxAttempts: 15, maxAgeMs: 86_400_000 } as const

const MIN_SECRET_LENGTH = 16

function fail(message: string): never {
  throw new TypeError(`holdline: ${message}`)
}

/**
 * Checks `webhooks` and applies the defaults; throws TypeError naming the first bad field.
 * @example resolveWebhooks([{ url: 'https://example.com/hook', secret: 'at-least-16-chars' }])
 */
export function resolveWebhooks(webhooks: unknown): ResolvedEndpoint[] {
  if (webhooks === undefined) return []
  if (!Array.isArray(webhooks)) fail('webhooks must be an array of { url, secret, events? }')
  const ids = new Set<string>()
  return webhooks.map((raw: unknown, i) => {
    const at = `webhooks[${i}]`
    if (typeof raw !== 'object' || raw === null) fail(`${at} must be an object { url, secret, events? }`)
    const e = raw as Partial<Record<keyof WebhookEndpoint, unknown>>
    if (typeof e.url !== 'string' || !isHttpUrl(e.url)) fail(`${at}.url must be an http:// or https:// URL`)
    if (typeof e.secret !== 'string' || e.secret.length < MIN_SECRET_LENGTH) fail(`${at}.secret must be a string of at least ${MIN_SECRET_LENGTH} characters`)
    const events = e.events === undefined ? WEBHOOK_EVENT_TYPES : e.events
    if (!Array.isArray(events) || events.length === 0 || events.some((t) => !(WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(t))) {
      fail(`${at}.events must be a non-empty array of ${WEBHOOK_EVENT_TYPES.join(', ')}`)
    }
    const id = e.id === undefined ? e.url : e.id
    if (typeof id !== 'string' || id === '') fail(`${at}.id must be a non-empty string`)
    if (ids.has(id)) fail(`${at}: another endpoint has the id ${id} (give each one its own id)`)
    ids.add(id)
    const n = (key: keyof typeof WEBHOOK_DEFAULTS): number => {
      const value = e[key] === undefined ? WEBHOOK_DEFAULTS[key] : e[key]
      if (!Number.isSafeInteger(value) || (value as number) <= 0) fail(`${at}.${key} must be a positive integer`)
      return value as number
    }
    return {
      id, url: e.url, secret: e.secret, events: new Set(events as WebhookEventType[]),
      timeoutMs: n('timeoutMs'), backoffMs: n('backoffMs'), maxBackoffMs: n('maxBackoffMs'), maxAttempts: n('maxAttempts'), maxAgeMs: n('maxAgeMs'),
    }
  })
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
