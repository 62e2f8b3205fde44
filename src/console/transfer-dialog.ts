/**
 * Transfer: hand the chat to an online colleague with room (offered to them alone first), or back
 * to the queue, with an optional note for whoever takes it. A supervisor reassigns with the same
 * dialog. Colleagues who are offline or full are listed but cannot be picked, with the reason.
 */
import type { AgentSummary } from '../agent/index.js'
import { h, setText } from './dom.js'

export interface TransferChoice {
  to?: string
  note?: string
}

export interface TransferDialog {
  readonly el: HTMLDialogElement
  /**
   * Opens for a chat. `queue`: whether "back to the queue" is offered (not for an open chat, which is
   * there already). `exclude`: the agent who holds it now.
   */
  open(options: { customer: string; agents: readonly AgentSummary[]; exclude?: string; queue: boolean; submit(choice: TransferChoice): Promise<void> }): void
}

export function createTransferDialog(): TransferDialog {
  const title = h('h2', { id: 'hl-transfer-title' })
  const choices = h('div', { class: 'hl-choices', role: 'radiogroup', 'aria-labelledby': 'hl-transfer-title', 'data-testid': 'transfer-choices' })
  const note = h('textarea', { id: 'hl-transfer-note', rows: '3', 'data-testid': 'transfer-note', placeholder: 'What should the next agent know? Only agents see this.' })
  const error = h('p', { class: 'hl-form-error', role: 'alert', hidden: true })
  const submit = h('button', { type: 'submit', class: 'hl-button hl-primary', 'data-testid': 'transfer-submit' }, 'Transfer')
  const cancel = h('button', { type: 'button', class: 'hl-button', 'data-testid': 'transfer-cancel' }, 'Cancel')
  const form = h('form', {}, title, choices, h('label', { for: 'hl-transfer-note' }, 'Note (optional)'), note, error, h('div', { class: 'hl-row hl-end' }, cancel, submit))
  const el = h('dialog', { class: 'hl-dialog', 'aria-labelledby': 'hl-transfer-title', 'data-testid': 'transfer-dialog' }, form)
  let onSubmit: ((choice: TransferChoice) => Promise<void>) | undefined
  cancel.addEventListener('click', () => el.close())

  const choice = (value: string, label: string, detail: string, disabled: boolean): HTMLElement =>
    h(
      'label',
      { class: 'hl-choice', 'aria-disabled': disabled ? 'true' : undefined, 'data-testid': 'transfer-choice' },
      h('input', { type: 'radio', name: 'to', value, disabled }),
      h('span', { class: 'hl-who' }, h('span', { class: 'hl-name' }, label), h('span', { class: 'hl-preview' }, detail)),
    )

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const picked = form.querySelector<HTMLInputElement>('input[name="to"]:checked')
    if (!picked || !onSubmit) return
    const text = note.value.trim()
    submit.disabled = true
    error.hidden = true
    onSubmit({ ...(picked.value ? { to: picked.value } : {}), ...(text ? { note: text } : {}) }).then(
      () => el.close(),
      (message: unknown) => {
        setText(error, String(message))
        error.hidden = false
      },
    ).finally(() => (submit.disabled = false))
  })

  return {
    el,
    open(options) {
      onSubmit = options.submit
      setText(title, `Transfer the chat with ${options.customer}`)
      const rows = options.agents
        .filter((a) => a.id !== options.exclude)
        .sort((a, b) => Number(room(b)) - Number(room(a)) || a.name.localeCompare(b.name))
        .map((a) => choice(a.id, a.name, !a.online ? 'Offline' : room(a) ? `${a.used} of ${a.capacity} chats: offered to them first` : `Full (${a.used} of ${a.capacity} chats)`, !room(a)))
      choices.replaceChildren(...(options.queue ? [choice('', 'Back to the queue', 'The next agent with room takes it', false)] : []), ...rows)
      if (!rows.length && !options.queue) choices.append(h('p', { class: 'hl-muted' }, 'No other agent is signed in.'))
      note.value = ''
      error.hidden = true
      el.showModal()
      const first = choices.querySelector<HTMLInputElement>('input:not(:disabled)')
      if (first) {
        first.checked = true
        first.focus()
      }
    },
  }
}

function room(a: AgentSummary): boolean {
  return a.online && a.used < a.capacity
}
