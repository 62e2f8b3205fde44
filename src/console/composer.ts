/**
 * The composer: Enter sends, Shift+Enter starts a new line; a draft is kept per chat; "Reply" goes to
 * the customer and "Note" stays among agents. Disabled (with the reason shown) when the chat can no
 * longer be written to.
 */
import { h, setText } from './dom.js'

export type ComposerMode = 'reply' | 'note'

export interface ComposerHandlers {
  send(conversationId: string, text: string, mode: ComposerMode): Promise<void>
  typing(conversationId: string): void
  /** Keys the composer does not handle itself first go here (the canned menu); true when used. */
  key?(event: KeyboardEvent, field: HTMLTextAreaElement): boolean
  /** The text changed (the canned menu filters on it). */
  input?(field: HTMLTextAreaElement): void
}

export interface Composer {
  readonly el: HTMLElement
  readonly field: HTMLTextAreaElement
  /**
   * Point the composer at a chat. `blocked` says, per mode, why it cannot be written in (a chat in
   * wrap-up takes notes but no replies); a mode absent from it is open.
   */
  target(conversationId: string | undefined, blocked?: Partial<Record<ComposerMode, string>>): void
  mode: ComposerMode
  /** Whether notes can be written (the server supports them). */
  notes: boolean
  focus(): void
}

export function createComposer(handlers: ComposerHandlers): Composer {
  const drafts = new Map<string, string>()
  let current: string | undefined
  let mode: ComposerMode = 'reply'
  let blocked: Partial<Record<ComposerMode, string>> = {}
  const field = h('textarea', { id: 'hl-composer-text', rows: '2', 'aria-label': 'Reply to the customer', 'data-testid': 'composer-text' })
  const send = h('button', { type: 'submit', class: 'hl-button hl-primary', 'data-testid': 'agent-send' }, 'Send')
  const reply = h('button', { type: 'button', class: 'hl-tab', 'aria-pressed': 'true', 'data-testid': 'mode-reply', onclick: () => setMode('reply') }, 'Reply')
  const note = h('button', { type: 'button', class: 'hl-tab', 'aria-pressed': 'false', hidden: true, 'data-testid': 'mode-note', onclick: () => setMode('note') }, 'Note')
  const hint = h('span', { class: 'hl-hint', 'data-testid': 'composer-hint' })
  const error = h('p', { class: 'hl-form-error', role: 'alert', hidden: true, 'data-testid': 'composer-error' })
  const form = h('form', { class: 'hl-composer', 'data-mode': 'reply', 'aria-label': 'Composer' }, h('div', { class: 'hl-tabs', role: 'group', 'aria-label': 'Write' }, reply, note, hint), field, h('div', { class: 'hl-composer-actions' }, error, send))

  const setMode = (next: ComposerMode): void => {
    mode = next
    form.dataset.mode = next
    reply.setAttribute('aria-pressed', String(next === 'reply'))
    note.setAttribute('aria-pressed', String(next === 'note'))
    field.setAttribute('aria-label', next === 'note' ? 'Internal note (only agents see this)' : 'Reply to the customer')
    setText(hint, next === 'note' ? 'Only agents see this' : '')
    setText(send, next === 'note' ? 'Add note' : 'Send')
    applyBlocked()
  }
  const applyBlocked = (): void => {
    const reason = blocked[mode]
    field.disabled = send.disabled = reason !== undefined
    reply.disabled = blocked.reply !== undefined && blocked.note !== undefined
    note.disabled = blocked.note !== undefined
    field.placeholder = reason ?? placeholder()
  }
  const placeholder = (): string => (mode === 'note' ? 'Internal note… only agents see this' : 'Reply… (Enter to send, Shift+Enter for a new line, / for canned replies)')

  const submit = (): void => {
    const text = field.value.trim()
    const id = current
    if (!text || id === undefined || field.disabled) return
    field.value = ''
    drafts.delete(id)
    error.hidden = true
    handlers.send(id, text, mode).catch((message: unknown) => {
      // Not sent: the text comes back so nothing typed is lost.
      if (current === id && !field.value) field.value = text
      setText(error, String(message))
      error.hidden = false
    })
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    submit()
  })
  field.addEventListener('keydown', (event) => {
    if (handlers.key?.(event, field)) return
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      submit()
    }
  })
  field.addEventListener('input', () => {
    if (current !== undefined) drafts.set(current, field.value)
    if (current !== undefined && mode === 'reply' && field.value) handlers.typing(current)
    handlers.input?.(field)
  })

  return {
    el: form,
    field,
    target(id, reasons = {}) {
      if (id !== current) {
        current = id
        field.value = id === undefined ? '' : (drafts.get(id) ?? '')
        error.hidden = true
      }
      blocked = reasons
      // Only notes can be written: the composer switches to them rather than sit disabled.
      if (blocked.reply !== undefined && blocked.note === undefined && mode === 'reply' && !note.hidden) return setMode('note')
      applyBlocked()
    },
    get mode() {
      return mode
    },
    set mode(next) {
      setMode(next)
    },
    get notes() {
      return !note.hidden
    },
    set notes(on) {
      note.hidden = !on
      if (!on && mode === 'note') setMode('reply')
    },
    focus() {
      field.focus()
    },
  }
}
