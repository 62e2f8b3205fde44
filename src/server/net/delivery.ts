/**
 * Sending recorded items down one socket: each once, in seq order, and never past a hole. Shared by
 * customer and agent connections, which keep the highest seq they sent per conversation.
 */
import type { TranscriptItem } from '../../protocol/frames.js'

/** The items above `sent`, in seq order, each seq once. */
export function unsent(items: readonly TranscriptItem[], sent: number): TranscriptItem[] {
  const out: TranscriptItem[] = []
  for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
    if (item.seq <= sent) continue
    sent = item.seq
    out.push(item)
  }
  return out
}

/**
 * True when `items` start above the next expected seq: something between was never delivered here
 * (a publish lost while the store's subscription reconnected, or two processes' publishes crossing)
 * and must be read from the store first.
 */
export function skipsAhead(items: readonly TranscriptItem[], sent: number): boolean {
  return items.length > 0 && Math.min(...items.map((i) => i.seq)) > sent + 1
}
