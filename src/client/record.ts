import type { NewChatReason } from '../protocol/index.js'
import type { OutboxEntry } from './outbox.js'
import type { SafeStorage } from './storage.js'
import { compact } from './compact.js'

/**
 * The local window, stored under `holdline:<widgetId>` and shared by every tab of the widget on
 * one origin. Times are client times; durations come from the server.
 */
export interface LocalWindow {
  conversationId?: string
  /** The resume token issued in `welcome`. */
  token?: string
  /** Highest contiguous `seq` seen (informational: a fresh page asks for the whole transcript). */
  lastSeq: number
  /** Client time at which the page last went away (pagehide, freeze, hidden). */
  awaySince?: number
  /** Client time at which the connection was last known alive (refreshed once per heartbeat). */
  lastAliveAt?: number
  /** The grace window the server announced in its last `welcome`. */
  graceMs?: number
  /** The reconnect window the server announced (R10), if any. */
  reconnectWindowMs?: number
  /** Why the current conversation began instead of a resume, so other tabs can say the same. */
  newChatReason?: NewChatReason
  /** The conversation the current one replaced, when it began as a new chat. */
  previousConversationId?: string
  /** The secret of a new chat asked for and not yet welcomed (`hello.start`); the welcome clears it. */
  start?: string
  outbox: OutboxEntry[]
}

/** The storage key of a widget's local window. */
export function recordKey(widgetId: string): string {
  return `holdline:${widgetId}`
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined)

function parseOutbox(value: unknown): OutboxEntry[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((e: Record<string, unknown>) => {
    const clientId = str(e?.clientId)
    const at = num(e?.at)
    return clientId && typeof e.text === 'string' && at !== undefined ? [{ clientId, text: e.text, at }] : []
  })
}

/** The optional fields of a record and how each is read. */
const FIELDS: Array<[keyof LocalWindow, (v: unknown) => unknown]> = [
  ['conversationId', str],
  ['token', str],
  ['awaySince', num],
  ['lastAliveAt', num],
  ['graceMs', num],
  ['reconnectWindowMs', num],
  ['previousConversationId', str],
  ['newChatReason', str],
  ['start', str],
]

/**
 * Parse a stored record. Anything unreadable (another version, a hand-edited value) counts as
 * empty rather than failing the page.
 */
export function parseRecord(raw: string | null): LocalWindow {
  let data: Record<string, unknown> = {}
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {}
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>
  } catch {
    data = {}
  }
  const record: LocalWindow = { lastSeq: num(data.lastSeq) ?? 0, outbox: parseOutbox(data.outbox) }
  const fields = record as unknown as Record<string, unknown>
  for (const [key, read] of FIELDS) {
    const value = read(data[key])
    if (value !== undefined) fields[key] = value
  }
  // Credentials count only as a pair.
  if (!record.conversationId || !record.token) {
    delete record.conversationId
    delete record.token
  }
  return record
}

/** Read, change and write the record in one go (re-read first: other tabs write it too). */
export function updateRecord(
  storage: SafeStorage,
  key: string,
  change: (record: LocalWindow) => LocalWindow,
): LocalWindow {
  const next = change(parseRecord(storage.getItem(key)))
  storage.setItem(key, JSON.stringify(next))
  return next
}

/** The record without its conversation (ended, or replaced by a new one); outbox and durations stay. */
export function withoutConversation(record: LocalWindow): LocalWindow {
  const { outbox, lastAliveAt, graceMs, reconnectWindowMs } = record
  return compact({ lastSeq: 0, outbox, lastAliveAt, graceMs, reconnectWindowMs })
}
