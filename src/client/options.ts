import { DEFAULT_PONG_TIMEOUT_MS } from './heartbeat.js'
import type { WebSocketClass } from './transport.js'
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
  reconnect: ReconnectMode
  WebSocket: WebSocketClass
  now: () => number
  pongTimeoutMs: number
  minReconnectDelayMs: number
  maxReconnectDelayMs: number
  typingThrottleMs: number
}

const fail = (message: string): never => {
  throw new TypeError(`holdline: ${message}`)
}

function checkStorage(storage: unknown): void {
  if (storage === 'local' || storage === 'session' || storage === 'memory') return
  const like = storage as Partial<StorageLike> | null
  if (like && typeof like === 'object' && ['getItem', 'setItem', 'removeItem'].every((m) => typeof like[m as keyof StorageLike] === 'function')) return
  fail("`storage` must be 'local', 'session', 'memory' or an object with getItem/setItem/removeItem")
}

function checkDuration(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(`\`${name}\` must be a positive number of ms`)
}

function checkUrl(url: unknown): void {
  if (typeof url !== 'string') return fail('`url` is required (the server base URL)')
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    fail(`\`url\` is not a valid URL: ${url}`)
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed!.protocol)) fail('`url` must be http(s):// or ws(s)://')
}

/**
 * Merge defaults and validate; invalid options throw a TypeError at once.
 *
 * @example
 * ```ts
 * const options = resolveOptions({ url: 'https://chat.example.com', widgetId: 'support' })
 * ```
 */
export function resolveOptions(input: ChatOptions): ResolvedOptions {
  if (!input || typeof input !== 'object') fail('createChat needs an options object')
  const merged = { ...DEFAULTS, ...stripUndefined(input) }
  checkUrl(merged.url)
  if (typeof merged.widgetId !== 'string' || !/^[\w.:-]{1,128}$/.test(merged.widgetId)) {
    fail('`widgetId` must be 1-128 characters of letters, digits, _ . : -')
  }
  checkStorage(merged.storage)
  if (!['prompt', 'auto', 'off'].includes(merged.reconnect)) fail("`reconnect` must be 'prompt', 'auto' or 'off'")
  for (const key of ['pongTimeoutMs', 'minReconnectDelayMs', 'maxReconnectDelayMs', 'typingThrottleMs'] as const) {
    checkDuration(key, merged[key])
  }
  const WebSocket = (merged.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket) as WebSocketClass | undefined
  if (typeof WebSocket !== 'function') fail('no WebSocket available: pass the `WebSocket` option (in Node: `ws`)')
  if (merged.now !== undefined && typeof merged.now !== 'function') fail('`now` must be a function')
  return { ...merged, WebSocket: WebSocket!, now: merged.now ?? Date.now }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function withPath(base: string, path: string, protocols: Record<string, string>): string {
  const url = new URL(base)
  url.protocol = protocols[url.protocol] ?? url.protocol
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  url.search = ''
  url.hash = ''
  return url.toString()
}

/** The customer socket URL for a base URL: `https://h/p` -> `wss://h/p/v1/customer`. */
export function customerSocketUrl(base: string): string {
  return withPath(base, '/v1/customer', { 'http:': 'ws:', 'https:': 'wss:' })
}

/** The away beacon URL for a base URL: `wss://h/p` -> `https://h/p/v1/away`. */
export function awayBeaconUrl(base: string): string {
  return withPath(base, '/v1/away', { 'ws:': 'http:', 'wss:': 'https:' })
}
