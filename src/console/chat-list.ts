/**
 * A list of chats to open: "My chats" (unread count, the customer's presence and the window's
 * countdown) and "Recent" (closed this session) are both one of these.
 */
import type { AgentConversation } from '../agent/index.js'
import { h, setText, syncList } from './dom.js'
import { customerName, lastMessageText } from './format.js'
import { STATUS_LABELS } from './status-lines.js'

export interface ChatRow {
  conversation: AgentConversation
  unread: number
  presence: { state: string; text: string }
  selected: boolean
}

export interface ChatList {
  readonly el: HTMLElement
  render(rows: readonly ChatRow[]): void
}

export function createChatList(options: { id: string; title: string; empty: string; testId: string }, onOpen: (id: string) => void): ChatList {
  const titleId = `hl-${options.id}-title`
  const count = h('span', { class: 'hl-count' })
  const list = h('ul', { class: 'hl-list', 'data-testid': options.testId, 'aria-labelledby': titleId })
  const empty = h('p', { class: 'hl-empty' }, options.empty)
  const el = h('section', { class: 'hl-section', 'aria-labelledby': titleId }, h('h2', { id: titleId }, `${options.title} `, count), list, empty)

  const create = (row: ChatRow): HTMLElement => {
    const c = row.conversation
    const button = h(
      'button',
      { type: 'button', class: 'hl-row-main', 'data-testid': 'open-chat', onclick: () => onOpen(c.id) },
      h('span', { class: 'hl-line' }, h('span', { class: 'hl-name' }), h('span', { class: 'hl-pill' })),
      h('span', { class: 'hl-preview' }),
      h('span', { class: 'hl-presence', 'data-testid': 'presence' }),
      h('span', { class: 'hl-visually-hidden hl-unread-said' }),
    )
    return h('li', { class: 'hl-item', 'data-testid': 'chat', 'data-conversation-id': c.id }, button, h('span', { class: 'hl-badge', 'aria-hidden': 'true', 'data-testid': 'unread' }))
  }
  const update = (li: HTMLElement, row: ChatRow): void => {
    const c = row.conversation
    const name = customerName(c)
    setText(li.querySelector('.hl-name')!, name)
    const pill = li.querySelector<HTMLElement>('.hl-pill')!
    setText(pill, STATUS_LABELS[c.status] ?? c.status)
    pill.dataset.status = c.status
    setText(li.querySelector('.hl-preview')!, lastMessageText(c))
    const presence = li.querySelector<HTMLElement>('.hl-presence')!
    setText(presence, row.presence.text)
    presence.dataset.state = row.presence.state
    const badge = li.querySelector<HTMLElement>('.hl-badge')!
    setText(badge, row.unread ? String(row.unread) : '')
    badge.hidden = row.unread === 0
    li.dataset.selected = String(row.selected)
    const button = li.querySelector('button')!
    if (row.selected) button.setAttribute('aria-current', 'true')
    else button.removeAttribute('aria-current')
    // The badge sits outside the button: its count is said inside it (the name stays the visible text).
    setText(li.querySelector('.hl-unread-said')!, row.unread ? `, ${row.unread} unread` : '')
  }

  return {
    el,
    render(rows) {
      syncList(list, rows, (r) => r.conversation.id, create, update)
      setText(count, rows.length ? String(rows.length) : '')
      empty.hidden = rows.length > 0
    },
  }
}
