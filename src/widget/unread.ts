import type { ChatMessage } from '../client/index.js'

/** What the customer has read: the highest agent `seq` seen with the panel open and the page visible. */
export interface ReadMark {
  conversationId?: string
  seq: number
}

/** Agent messages after the read mark (a new conversation starts unread from zero). */
export function unreadCount(messages: readonly ChatMessage[], conversationId: string | undefined, read: ReadMark): number {
  const seen = read.conversationId === conversationId ? read.seq : 0
  return messages.filter((m) => m.from === 'agent' && m.seq > seen).length
}

/** Everything shown now counts as read. */
export function markRead(messages: readonly ChatMessage[], conversationId: string | undefined): ReadMark {
  return { conversationId, seq: messages.reduce((max, m) => (m.pending ? max : Math.max(max, m.seq)), 0) }
}

/** The tab's title with the unread count in front, while the page is hidden: `(2) Shop`. */
export function titleWithCount(title: string, count: number): string {
  const bare = title.replace(/^\(\d+\) /, '')
  return count > 0 ? `(${count}) ${bare}` : bare
}

/**
 * Play the new-message sound in one tab only: every tab of the widget hears the message, and the
 * first to claim its seq (under a Web Lock where there is one, so two tabs cannot both claim it)
 * plays it.
 */
export function playOnce(widgetId: string, claim: string, play: () => void): void {
  const key = `holdline-widget:${widgetId}:sound`
  const attempt = (): void => {
    try {
      if (localStorage.getItem(key) === claim) return
      localStorage.setItem(key, claim)
    } catch {
      // No storage: each tab decides alone.
    }
    play()
  }
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks) void locks.request(key, async () => attempt()).catch(() => undefined)
  else attempt()
}

/** A short chime, synthesised (no audio file to fetch). */
export function chime(): void {
  try {
    const ctx = new AudioContext()
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.frequency.value = 880
    gain.gain.setValueAtTime(0.08, ctx.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.4)
    osc.connect(gain).connect(ctx.destination)
    osc.start()
    osc.stop(ctx.currentTime + 0.4)
    osc.onended = () => void ctx.close()
  } catch {
    // No Web Audio, or autoplay refused (no gesture yet in this tab): no sound.
  }
}
