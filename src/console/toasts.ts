/** Short messages that come and go at the bottom of the screen: refusals, confirmations. */
import { h } from './dom.js'

const SHOWN_MS = 6_000

export interface Toasts {
  readonly el: HTMLElement
  show(text: string, tone?: 'error' | 'info'): void
}

export function createToasts(): Toasts {
  // role="status" (polite): a refusal is read out without stealing the agent's place.
  const el = h('div', { class: 'hl-toasts', role: 'status', 'aria-live': 'polite', 'data-testid': 'toasts' })
  return {
    el,
    show(text, tone = 'info') {
      const toast = h('p', { class: `hl-toast hl-toast-${tone}`, 'data-testid': 'toast' }, text)
      el.append(toast)
      setTimeout(() => toast.remove(), SHOWN_MS)
    },
  }
}
