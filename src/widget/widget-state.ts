/**
 * What the widget remembers across reloads, per widget id: whether the panel was open and whether a
 * chat was started (so a reload, or a browser reopened inside the window, shows the chat again).
 * Storage that throws (private modes, some webviews) just means nothing is remembered.
 */
export interface WidgetMemory {
  open: boolean
  started: boolean
}

const key = (widgetId: string): string => `holdline-widget:${widgetId}`

export function readMemory(widgetId: string): WidgetMemory {
  try {
    const raw = globalThis.localStorage?.getItem(key(widgetId))
    const value = raw ? (JSON.parse(raw) as Partial<WidgetMemory>) : {}
    return { open: value.open === true, started: value.started === true }
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
