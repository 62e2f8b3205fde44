import type { ReadMark } from './unread.js'

/**
 * What the widget remembers across reloads, per widget id: whether the panel was open, whether a
 * chat was started (so a reload, or a browser reopened inside the window, shows the chat again),
 * what the customer has read and been told of, and the draft in the composer.
 * Storage that throws (private modes, some webviews) just means nothing is remembered.
 */
export interface WidgetMemory {
  open: boolean
  started: boolean
  /** Agent messages up to here were seen with the panel open. */
  read?: ReadMark
  /** Agent messages up to here were announced (sound, live region); a replay does not repeat them. */
  notified?: ReadMark
  /** What the customer typed and has not sent. */
  draft?: string
}

const key = (widgetId: string): string => `holdline-widget:${widgetId}`

export function readMemory(widgetId: string): WidgetMemory {
  try {
    const value = JSON.parse(globalThis.localStorage?.getItem(key(widgetId)) ?? '{}') as Partial<WidgetMemory>
    // Only the flags decide anything at start; a malformed mark or draft only miscounts once.
    return { ...value, open: value.open === true, started: value.started === true }
  } catch {
    return { open: false, started: false }
  }
}

export function writeMemory(widgetId: string, memory: WidgetMemory): void {
  try {
    globalThis.localStorage?.setItem(key(widgetId), JSON.stringify(memory))
  } catch {
    // Not remembered: the customer opens the panel again by hand.
  }
}

/**
 * The SDK's stored conversation id (its record, `holdline:<widgetId>`), read without starting the
 * chat: the script-tag loader and the transcript copy need to know whether a conversation is live.
 */
export function storedConversationId(widgetId: string): string | undefined {
  try {
    const id = (JSON.parse(globalThis.localStorage?.getItem(`holdline:${widgetId}`) ?? '{}') as { conversationId?: unknown }).conversationId
    return typeof id === 'string' && id ? id : undefined
  } catch {
    return undefined
  }
}
