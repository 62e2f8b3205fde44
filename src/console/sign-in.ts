/** The sign-in screen: one token field, and errors that say what to do. */
import { h, setText } from './dom.js'

export interface SignInView {
  readonly el: HTMLElement
  /** Shows the form, with an error when the last attempt failed. */
  show(error?: string): void
  /** Signing in: the button says so and the form waits; `note` says why it is taking long. */
  waiting(note?: string): void
}

export function createSignIn(onSubmit: (token: string) => void, onCancel: () => void): SignInView {
  const input = h('input', { id: 'hl-token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false', 'aria-describedby': 'hl-token-help hl-sign-in-error' })
  const error = h('p', { id: 'hl-sign-in-error', class: 'hl-form-error', role: 'alert', 'data-testid': 'sign-in-error' })
  const submit = h('button', { class: 'hl-button hl-primary', type: 'submit', 'data-testid': 'sign-in' }, 'Sign in')
  const cancel = h('button', { class: 'hl-button', type: 'button', hidden: true, onclick: () => onCancel() }, 'Cancel')
  const form = h(
    'form',
    { class: 'hl-sign-in-form', 'aria-labelledby': 'hl-sign-in-title' },
    h('h1', { id: 'hl-sign-in-title' }, 'Sign in to the agent console'),
    h('label', { for: 'hl-token' }, 'Agent token'),
    input,
    h('p', { id: 'hl-token-help', class: 'hl-muted' }, 'Remembered in this tab until you close it or sign out.'),
    error,
    h('div', { class: 'hl-row' }, submit, cancel),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const token = input.value.trim()
    if (token) onSubmit(token)
  })
  const el = h('main', { class: 'hl-sign-in', 'data-testid': 'sign-in-screen' }, h('div', { class: 'hl-brand hl-brand-large', 'aria-hidden': 'true' }, 'holdline'), form)

  return {
    el,
    show(message) {
      setText(error, message ?? '')
      error.hidden = !message
      input.setAttribute('aria-invalid', String(!!message))
      submit.disabled = input.disabled = false
      setText(submit, 'Sign in')
      cancel.hidden = true
      input.focus()
      if (message) input.select()
    },
    waiting(note) {
      submit.disabled = input.disabled = true
      setText(submit, 'Signing in…')
      setText(error, note ?? '')
      error.hidden = !note
      cancel.hidden = !note
    },
  }
}
