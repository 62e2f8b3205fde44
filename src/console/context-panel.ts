/**
 * What is known about the customer of the open chat: their name and email when given, their browser
 * (summed up), the page they are on and the pages they visited (newest first, as links).
 */
import type { AgentConversation, PageVisit } from '../agent/index.js'
import { h, setText } from './dom.js'
import { customerName, formatTime } from './format.js'
import { summariseUserAgent } from './user-agent.js'

export interface ContextPanel {
  readonly el: HTMLElement
  render(c: AgentConversation | undefined): void
}

export function createContextPanel(): ContextPanel {
  const details = h('dl', {})
  const current = h('div', { 'data-testid': 'current-page' })
  const pages = h('ol', { 'data-testid': 'pages' })
  const el = h(
    'aside',
    { class: 'hl-context', 'aria-labelledby': 'hl-context-title', 'data-testid': 'context' },
    h('h2', { id: 'hl-context-title' }, 'Customer'),
    details,
    h('h2', {}, 'Current page'),
    current,
    h('h2', {}, 'Pages visited'),
    pages,
  )
  let key = ''
  return {
    el,
    render(c) {
      el.hidden = !c
      if (!c) return
      const customer = c.customer ?? {}
      const visits: PageVisit[] = customer.pages ?? []
      const next = JSON.stringify([c.id, customer])
      if (next === key) return
      key = next
      const rows: Array<[string, Node | string]> = [['Name', customer.name?.trim() || `${customerName(c)} (no name given)`]]
      if (customer.email) rows.push(['Email', h('a', { href: `mailto:${customer.email}` }, customer.email)])
      if (customer.userAgent) rows.push(['Browser', h('span', { title: customer.userAgent }, summariseUserAgent(customer.userAgent))])
      details.replaceChildren(...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]))
      const last = visits.at(-1)
      current.replaceChildren(last ? link(last) : h('span', { class: 'hl-muted' }, 'Not known'))
      pages.replaceChildren(...[...visits].reverse().map((visit) => h('li', {}, link(visit), h('span', { class: 'hl-meta' }, ` ${formatTime(visit.at)}`))))
      if (!visits.length) pages.append(h('li', { class: 'hl-muted' }, 'None reported'))
      setText(el.querySelector('h2')!, 'Customer')
    },
  }
}

function link(visit: PageVisit): HTMLElement {
  return h('a', { href: visit.url, target: '_blank', rel: 'noopener noreferrer', title: visit.url }, visit.title.trim() || visit.url)
}
