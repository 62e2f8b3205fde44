/**
 * The bar across the top: who is signed in, the connection, capacity in use, and the console's
 * settings (sound, desktop notifications, shortcuts help, sign out).
 */
import type { AgentConnectionState } from '../agent/index.js'
import type { Alerts } from './alerts.js'
import { h, setText } from './dom.js'
import { plural } from './format.js'

export interface Topbar {
  readonly el: HTMLElement
  render(state: { connection: AgentConnectionState; used: number; total: number; supervisor: boolean }): void
}

const CONNECTION: Record<AgentConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Online',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
}

export function createTopbar(name: string, alerts: Alerts, actions: { help(): void; signOut(): void }): Topbar {
  const connection = h('span', { class: 'hl-connection', role: 'status', 'data-testid': 'agent-connection' })
  const capacity = h('span', { class: 'hl-capacity', 'data-testid': 'agent-capacity' })
  const sound = h('button', { type: 'button', class: 'hl-button hl-ghost', 'data-testid': 'sound-toggle', 'aria-pressed': String(alerts.sound) }, 'Sound')
  sound.addEventListener('click', () => {
    alerts.setSound(!alerts.sound)
    sound.setAttribute('aria-pressed', String(alerts.sound))
  })
  const notify = h('button', { type: 'button', class: 'hl-button hl-ghost', 'data-testid': 'notifications-toggle' })
  const showPermission = (): void => {
    const p = alerts.permission
    setText(notify, p === 'granted' ? 'Desktop alerts on' : p === 'denied' ? 'Desktop alerts blocked' : 'Desktop alerts')
    notify.hidden = p === 'unsupported'
    notify.disabled = p !== 'default'
    notify.title = p === 'denied' ? 'Allow notifications for this site in the browser settings' : ''
  }
  notify.addEventListener('click', () => void alerts.askPermission().then(showPermission))
  showPermission()
  const role = h('span', { class: 'hl-role', 'data-testid': 'role', hidden: true }, 'Supervisor')
  const el = h(
    'header',
    { class: 'hl-topbar' },
    h('h1', { class: 'hl-brand' }, 'holdline', h('span', { class: 'hl-visually-hidden' }, ' agent console')),
    h('span', { class: 'hl-me' }, h('span', { class: 'hl-name', 'data-testid': 'agent-name' }, name), role, connection),
    capacity,
    h(
      'div',
      { class: 'hl-settings' },
      sound,
      notify,
      h('button', { type: 'button', class: 'hl-button hl-ghost', 'aria-label': 'Keyboard shortcuts', 'aria-keyshortcuts': '?', 'data-testid': 'help-button', onclick: () => actions.help() }, '?'),
      h('button', { type: 'button', class: 'hl-button hl-ghost', 'data-testid': 'sign-out', onclick: () => actions.signOut() }, 'Sign out'),
    ),
  )
  return {
    el,
    render(state) {
      setText(connection, CONNECTION[state.connection])
      connection.dataset.state = state.connection
      role.hidden = !state.supervisor || name === 'Supervisor'
      capacity.hidden = state.supervisor
      setText(capacity, `${state.used} of ${plural(state.total, 'chat')}`)
    },
  }
}
