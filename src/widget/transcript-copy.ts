import type { ChatMessage } from '../client/index.js'

/**
 * A bounded copy of the last confirmed messages of the current conversation, kept beside the
 * SDK's record (`holdline:<widgetId>` -> `holdline-widget:<widgetId>:transcript`), so a reload
 * shows the transcript at once, before the server's replay (or without it, with the network down).
 * The replay then brings the same messages by id; nothing is shown twice.
 */
export interface TranscriptCopy {
  conversationId: string
  messages: ChatMessage[]
}

/** At most this many messages, and this many characters of text in all. */
export const COPY_LIMITS = { messages: 50, chars: 20_000 }

const key = (widgetId: string): string => `holdline-widget:${widgetId}:transcript`

export function readCopy(widgetId: string): TranscriptCopy | undefined {
  try {
    const value = JSON.parse(globalThis.localStorage?.getItem(key(widgetId)) ?? 'null') as TranscriptCopy | null
    return value && typeof value.conversationId === 'string' && Array.isArray(value.messages) ? value : undefined
  } catch {
    return undefined
  }
}

/** The newest confirmed messages that fit the limits. */
export function boundedCopy(conversationId: string, messages: readonly ChatMessage[]): TranscriptCopy {
  const kept: ChatMessage[] = []
  let chars = 0
  for (let i = messages.length - 1; i >= 0 && kept.length < COPY_LIMITS.messages; i--) {
    const m = messages[i]!
    if (m.pending) continue
    chars += m.text.length
    if (chars > COPY_LIMITS.chars) break
    kept.unshift(m)
  }
  return { conversationId, messages: kept }
}

export function writeCopy(widgetId: string, copy: TranscriptCopy | undefined): void {
  try {
    if (copy) globalThis.localStorage?.setItem(key(widgetId), JSON.stringify(copy))
    else globalThis.localStorage?.removeItem(key(widgetId))
  } catch {
    // Storage refused: a reload shows the transcript once the server replays it.
  }
}

const keyOf = (m: ChatMessage): string => m.clientId ?? m.id

/** The copy's messages the chat does not hold yet, then the chat's, in order (confirmed by seq, then pending). */
export function withCopy(copy: TranscriptCopy | undefined, messages: readonly ChatMessage[]): readonly ChatMessage[] {
  if (!copy) return messages
  const held = new Set(messages.map(keyOf))
  const missing = copy.messages.filter((m) => !held.has(keyOf(m)))
  if (missing.length === 0) return messages
  const confirmed = [...missing, ...messages.filter((m) => !m.pending)].sort((a, b) => a.seq - b.seq)
  return [...confirmed, ...messages.filter((m) => m.pending)]
}
