/**
 * The supervisor's overview: every agent with their load and presence, and every live conversation
 * (waiting, active, wrap-up) with who holds it and for how long, each one a click from reassigning.
 */
import type { AgentConversation, AgentSummary } from '../agent/index.js'
import { h, setText, syncList } from './dom.js'
import { customerName, formatDuration, plural, waitingSince } from './format.js'
import { STATUS_LABELS } from './status-lines.js'

export interface SupervisorView {
  readonly el: HTMLElement
  render(agents: readonly AgentSummary[], live: readonly AgentConversation[], serverNow: number): void
}

export function createSupervisorView(actions: { open(id: string): void; reassign(id: string): void; back(): void }): SupervisorView {
  const agentRows = h('tbody', { 'data-testid': 'team-agents' })
  const chatRows = h('tbody', { 'data-testid': 'team-chats' })
  const noAgents = h('p', { class: 'hl-empty' }, 'No agent is configured.')
  const noChats = h('p', { class: 'hl-empty' }, 'No live conversation.')
  const summary = h('p', { class: 'hl-muted', 'data-testid': 'team-summary' })
  const el = h(
    'section',
    { class: 'hl-team', 'aria-labelledby': 'hl-team-title', 'data-testid': 'supervisor' },
    h('div', { class: 'hl-line' }, h('button', { type: 'button', class: 'hl-button hl-back', onclick: () => actions.back() }, '‹ Chats'), h('h2', { id: 'hl-team-title', class: 'hl-title', tabindex: '-1' }, 'Team overview')),
    summary,
    h('table', { class: 'hl-table' }, h('caption', {}, 'Agents'), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Agent'), h('th', { scope: 'col' }, 'Presence'), h('th', { scope: 'col' }, 'Load'))), agentRows),
    noAgents,
    h(
      'table',
      { class: 'hl-table' },
      h('caption', {}, 'Live conversations'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Customer'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Agent'), h('th', { scope: 'col' }, 'Since'), h('th', { scope: 'col' }, h('span', { class: 'hl-visually-hidden' }, 'Actions')))),
      chatRows,
    ),
    noChats,
  )

  return {
    el,
    render(agents, live, serverNow) {
      syncList(
        agentRows,
        agents,
        (a) => a.id,
        () => h('tr', { 'data-testid': 'team-agent' }, h('td', {}), h('td', {}, h('span', { class: 'hl-presence' })), h('td', {}, h('span', { class: 'hl-load', 'aria-hidden': 'true' }, h('span', {})), h('span', {}))),
        (tr, a) => {
          const [name, presence, load] = Array.from(tr.children) as HTMLElement[]
          setText(name!, a.name)
          const dot = presence!.firstElementChild as HTMLElement
          setText(dot, a.online ? 'Online' : 'Offline')
          dot.dataset.state = a.online ? 'online' : 'left'
          const bar = load!.querySelector<HTMLElement>('.hl-load span')!
          bar.style.width = `${a.capacity ? Math.min(100, (a.used / a.capacity) * 100) : 0}%`
          setText(load!.lastElementChild!, `${a.used} of ${a.capacity}`)
        },
      )
      noAgents.hidden = agents.length > 0
      syncList(
        chatRows,
        live,
        (c) => c.id,
        (c) =>
          h(
            'tr',
            { 'data-testid': 'team-chat', 'data-conversation-id': c.id },
            h('td', {}, h('button', { type: 'button', class: 'hl-link', 'data-testid': 'team-open', onclick: () => actions.open(c.id) })),
            h('td', {}, h('span', { class: 'hl-pill' })),
            h('td', {}),
            h('td', {}),
            h('td', {}, h('button', { type: 'button', class: 'hl-button hl-small', 'data-testid': 'reassign', onclick: () => actions.reassign(c.id) })),
          ),
        (tr, c) => {
          const [who, state, agent, since, act] = Array.from(tr.children) as HTMLElement[]
          const name = customerName(c)
          setText(who!.firstElementChild!, name)
          const pill = state!.firstElementChild as HTMLElement
          setText(pill, STATUS_LABELS[c.status] ?? c.status)
          pill.dataset.status = c.status
          setText(agent!, c.agent?.name ?? '—')
          setText(since!, formatDuration(serverNow - (c.status === 'open' ? waitingSince(c) : sinceStatus(c))))
          const button = act!.firstElementChild as HTMLButtonElement
          setText(button, c.status === 'open' ? 'Assign' : 'Reassign')
          button.hidden = c.status === 'wrap-up'
          button.setAttribute('aria-label', `${c.status === 'open' ? 'Assign' : 'Reassign'} the chat with ${name}`)
        },
      )
      noChats.hidden = live.length > 0
      const online = agents.filter((a) => a.online).length
      const waiting = live.filter((c) => c.status === 'open').length
      setText(summary, `${online} of ${plural(agents.length, 'agent')} online · ${plural(live.length - waiting, 'chat')} in progress · ${waiting} waiting`)
    },
  }
}

/** When the chat entered its current state. */
function sinceStatus(c: AgentConversation): number {
  for (let i = c.transcript.length - 1; i >= 0; i--) {
    const item = c.transcript[i]
    if (item?.kind === 'status') return item.at
  }
  return c.createdAt
}
