/**
 * Keyboard shortcuts: one table drives both the key handling and the help dialog ("?"), so the help
 * cannot drift from what the keys do. Alt shortcuts match the physical key (`event.code`): on a Mac,
 * Option+A types "å" and would never match a letter.
 */
import { h } from './dom.js'

export interface Shortcut {
  /** As shown in the help, e.g. "Alt+A". */
  keys: string
  description: string
  /** `event.code` with Alt held; absent for keys handled elsewhere (listed in the help only). */
  code?: string
  run?: () => void
}

/** Listens on the document; returns the unsubscribe. */
export function bindShortcuts(shortcuts: readonly Shortcut[], help: () => void): () => void {
  const onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return
    if (event.altKey) {
      const shortcut = shortcuts.find((s) => s.code === event.code && s.run)
      if (!shortcut) return
      event.preventDefault()
      shortcut.run!()
      return
    }
    if (event.key === '?' && !isTyping(event.target)) {
      event.preventDefault()
      help()
    }
  }
  document.addEventListener('keydown', onKey)
  return () => document.removeEventListener('keydown', onKey)
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
}

/** The help dialog listing every shortcut. */
export function createHelpDialog(shortcuts: readonly Shortcut[]): HTMLDialogElement {
  const rows = shortcuts.map((s) => h('div', { class: 'hl-shortcut' }, h('dt', {}, ...s.keys.split('+').flatMap((k, i) => [i ? '+' : '', h('kbd', {}, k)])), h('dd', {}, s.description)))
  const dialog = h(
    'dialog',
    { class: 'hl-dialog', 'aria-labelledby': 'hl-help-title', 'data-testid': 'help' },
    h('h2', { id: 'hl-help-title' }, 'Keyboard shortcuts'),
    h('dl', { class: 'hl-shortcuts' }, ...rows),
    h('form', { method: 'dialog', class: 'hl-row hl-end' }, h('button', { class: 'hl-button hl-primary', 'data-testid': 'help-close' }, 'Close')),
  )
  return dialog
}
