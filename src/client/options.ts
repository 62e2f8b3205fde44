import { compact } from './compact.js'
import { DEFAULT_PONG_TIMEOUT_MS } from '../transport/heartbeat.js'
import type { WebSocketClass } from '../transport/transport.js'
import type { ChatOptions, ReconnectMode, StorageKind, StorageLike } from './types.js'

/** Defaults of {@link ChatOptions}; the README's options table lists exactly these keys. */
export const DEFAULTS = {
  storage: 'local' as StorageKind | StorageLike,
  reconnect: 'prompt' as ReconnectMode,
  pongTimeoutMs: DEFAULT_PONG_TIMEOUT_MS,
  minReconnectDelayMs: 500,
  maxReconnectDelayMs: 10_000,
  typingThrottleMs: 2_000,
}

/** Options after defaults and checks. */
export interface ResolvedOptions {
  url: string
  widgetId: string
  storage: StorageKind | StorageLike
  customer?: { name?: string }
  context?: boolean
  reconnect: ReconnectMode
  WebSocket: WebSocketClass
  now: () => number
  pongTimeoutMs: number
  minReconnectDelayMs: number
  maxReconnectDelayMs: number
  typingThrottleMs: number
}

const isFunction = (v: unknown): boolean => typeof v === 'function'
const isDuration = (v: unknown): boolean => typeof v === 'number' && v > 0 && v < Infinity

function isHttpOrWsUrl(url: unknown): boolean {
  try {
    return typeof url === 'string' && /^(http|ws)s?:$/.test(new URL(url).protocol)
  } catch {
    return false
  }
}

function isStorage(storage: unknown): boolean {
  const like = storage as Record<string, unknown> | null
  if (typeof like !== 'object') return ['local', 'session', 'memory'].includes(like as unknown as string)
  return !!like && ['getItem', 'setItem', 'removeItem'].every((m) => isFunction(like[m]))
}

/**
 * One rule per option, checked in this order. The TypeError names the option only: the README's
 * options table says what each one takes, and every byte of message text ships to every page.
 */
const RULES: Array<[keyof ResolvedOptions, (value: unknown) => boolean]> = [
  ['url', isHttpOrWsUrl],
  ['widgetId', (v) => typeof v === 'string' && /^[\w.:-]{1,128}$/.test(v)],
  ['storage', isStorage],
  ['reconnect', (v) => ['prompt', 'auto', 'off'].includes(v as string)],
  ['pongTimeoutMs', isDuration],
  ['minReconnectDelayMs', isDuration],
  ['maxReconnectDelayMs', isDuration],
  ['typingThrottleMs', isDuration],
  // In Node there is no global WebSocket: pass `ws`.
  ['WebSocket', isFunction],
  ['now', isFunction],
]

/**
 * Merge defaults and validate; invalid options throw a TypeError at once.
 *
 * @example
 * ```ts
 * const options = resolveOptions({ url: 'https://chat.example.com', widgetId: 'support' })
 * ```
 */
export function resolveOptions(input: ChatOptions): ResolvedOptions {
  if (!input || typeof input !== 'object') throw new TypeError('holdline: createChat needs an options object')
  const merged = {
    ...DEFAULTS,
    now: Date.now,
    // An option given as undefined takes its default.
    ...compact(input),
  } as ResolvedOptions
  merged.WebSocket ??= (globalThis as { WebSocket?: WebSocketClass }).WebSocket!
  for (const [key, valid] of RULES) if (!valid(merged[key])) throw new TypeError(`holdline: invalid option \`${key}\``)
  return merged
}
