/** The queue: chats offered to this agent, each with how long it has waited and an Accept button. */
import type { AgentConversation } from '../agent/index.js'
import { h, setText, syncList } from './dom.js'
import { customerName, formatDuration, waitingSince } from './format.js'

export interface QueueList {
  readonly el: HTMLElement
  /** `serverNow`: the server's time now, as estimated. */
  render(offers: readonly AgentConversation[], serverNow: number): void
}

export function createQueueList(onAccept: (id: string) => void, onOpen: (id: string) => void, action = 'Accept'): QueueList {
  const count = h('span', { class: 'hl-count', 'data-testid': 'queue-count' })
  const list = h('ul', { class: 'hl-list', 'data-testid': 'offers', 'aria-labelledby': 'hl-queue-title' })
  const empty = h('p', { class: 'hl-empty' }, 'No customer is waiting.')
  const el = h('section', { class: 'hl-section', 'aria-labelledby': 'hl-queue-title' }, h('h2', { id: 'hl-queue-title' }, 'Queue ', count), list, empty)

  const create = (c: AgentConversation): HTMLElement => {
    const preview = h(
      'button',
      { type: 'button', class: 'hl-row-main', onclick: () => onOpen(c.id) },
      h('span', { class: 'hl-line' }, h('span', { class: 'hl-name' }), h('span', { class: 'hl-wait', 'data-testid': 'waiting' })),
      h('span', { class: 'hl-preview' }),
    )
    return h(
      'li',
      { class: 'hl-item hl-offer', 'data-testid': 'offer', 'data-conversation-id': c.id },
      preview,
      h('button', { type: 'button', class: 'hl-button hl-primary hl-small', 'data-testid': 'accept', onclick: () => onAccept(c.id) }, action),
    )
  }
  const update = (li: HTMLElement, c: AgentConversation, serverNow: number): void => {
    const name = customerName(c)
    setText(li.querySelector('.hl-name')!, name)
    const first = c.transcript.find((i) => i.kind === 'message' && i.from === 'customer')
    setText(li.querySelector('.hl-preview')!, first?.kind === 'message' ? first.text : 'Has not written yet')
    const waited = formatDuration(serverNow - waitingSince(c))
    setText(li.querySelector('.hl-wait')!, `waiting ${waited}`)
    li.querySelector('[data-testid="accept"]')!.setAttribute('aria-label', `${action} the chat with ${name}, waiting ${waited}`)
  }

  return {
    el,
    render(offers, serverNow) {
      syncList(list, offers, (c) => c.id, create, (li, c) => update(li, c, serverNow))
      setText(count, offers.length ? String(offers.length) : '')
      empty.hidden = offers.length > 0
    },
  }
}
