/**
 * The signed-in console: the top bar, the lists (queue, my chats, recent), the open conversation
 * with the customer's context, transfer, notes, canned replies, alerts and shortcuts, kept in step
 * with the agent SDK's events; for a supervisor, every live chat and the team instead of "my chats".
 * Renders are batched: many events in one task make one render.
 */
import { fillCanned, type Agent, type AgentConversation, type AgentInfo } from '../agent/index.js'
import { createAlerts } from './alerts.js'
import { createCannedMenu } from './canned-menu.js'
import { createChatList, type ChatRow } from './chat-list.js'
import { createContextPanel } from './context-panel.js'
import { createConversationView } from './conversation-view.js'
import { h } from './dom.js'
import { actionError, codeOf } from './errors.js'
import { customerName, lastMessageText } from './format.js'
import { createModel, findConversation, liveChats, myChats, notePresence, queue, rememberClosed, totalUnread } from './model.js'
import { presenceText } from './presence-text.js'
import { createQueueList } from './queue-list.js'
import { createServerClock } from './server-clock.js'
import { bindShortcuts, createHelpDialog, type Shortcut } from './shortcuts.js'
import { createSupervisorView } from './supervisor-view.js'
import { createToasts } from './toasts.js'
import { createTopbar } from './topbar.js'
import { createTransferDialog } from './transfer-dialog.js'

const TYPING_SHOWN_MS = 4_000
const TICK_MS = 1_000

export interface Workspace {
  readonly el: HTMLElement
  destroy(): void
}

export function createWorkspace(agent: Agent, me: AgentInfo & { capacity: number }, signOut: () => void): Workspace {
  const supervisor = agent.role === 'supervisor'
  const model = createModel()
  const clock = createServerClock()
  const alerts = createAlerts()
  const toasts = createToasts()
  const alerted = new Set<string>()
  const fail = (error: unknown): void => toasts.show(actionError(codeOf(error)), 'error')
  const rethrow = (error: unknown): never => {
    throw actionError(codeOf(error))
  }

  const accept = (id: string): void => {
    agent.accept(id).then(() => open(id), fail)
  }
  const open = (id: string | undefined): void => {
    model.selected = id
    if (id !== undefined) model.unread.delete(id)
    // A supervisor's pane without a chat is the team overview.
    model.view = id === undefined && !supervisor ? 'lists' : 'conversation'
    render()
    if (id === undefined) return void document.getElementById('hl-team-title')?.focus()
    if (!conversation.composer.field.disabled) conversation.composer.focus()
    else document.getElementById('hl-conversation-title')?.focus()
  }
  const selected = (): AgentConversation | undefined => findConversation(agent, model, model.selected)
  const mine = (c: AgentConversation): boolean => !supervisor && c.agent?.id === me.id && c.status !== 'open'
  const canTransfer = (c: AgentConversation): boolean => (supervisor ? c.status === 'active' || c.status === 'open' : mine(c) && c.status === 'active')
  const canNote = (c: AgentConversation): boolean => c.status !== 'closed' && (supervisor || mine(c))

  const transferDialog = createTransferDialog()
  const transfer = (id: string): void => {
    const c = findConversation(agent, model, id)
    if (!c || !canTransfer(c)) return
    transferDialog.open({
      customer: customerName(c),
      agents: [...agent.agents.values()],
      ...(c.agent ? { exclude: c.agent.id } : supervisor ? {} : { exclude: me.id }),
      queue: c.status === 'active',
      submit: (choice) =>
        agent.transfer(id, choice).then(() => {
          const to = choice.to ? (agent.agents.get(choice.to)?.name ?? 'a colleague') : 'the queue'
          toasts.show(`The chat with ${customerName(c)} was handed to ${to}.`)
          if (!supervisor && model.selected === id) open(undefined)
        }, rethrow),
    })
  }

  const queueList = supervisor ? createQueueList(transfer, open, 'Assign') : createQueueList(accept, open)
  const myList = supervisor
    ? createChatList({ id: 'live', title: 'Live chats', empty: 'No chat in progress.', testId: 'live-chats' }, open)
    : createChatList({ id: 'mine', title: 'My chats', empty: 'No chat assigned to you.', testId: 'my-chats' }, open)
  const recentList = createChatList({ id: 'recent', title: 'Recent', empty: 'Closed chats show here.', testId: 'recent' }, open)
  const canned = createCannedMenu(
    () => agent.canned,
    (text) => {
      const c = selected()
      return c ? fillCanned(text, c) : text
    },
  )
  const conversation = createConversationView({
    back() {
      model.view = 'lists'
      render()
      document.querySelector<HTMLElement>(`.hl-sidebar [data-conversation-id="${model.selected}"] button`)?.focus()
    },
    end(id) {
      agent.end(id).then(() => document.querySelector<HTMLElement>('[data-testid="agent-close"]')?.focus(), fail)
    },
    close(id) {
      agent.close(id).then((c) => {
        rememberClosed(model, c)
        toasts.show(`The chat with ${customerName(c)} is closed. It is in Recent.`)
        render()
      }, fail)
    },
    transfer,
    async send(id, text, mode) {
      if (mode === 'note') await agent.note(id, text).catch(rethrow)
      else await agent.send(id, text).catch(rethrow)
    },
    typing: (id) => agent.typing(id),
    key: (event, field) => canned.key(event, field),
    input: (field) => canned.input(field),
  })
  conversation.composer.el.append(canned.el)
  conversation.composer.notes = true
  const context = createContextPanel()
  const team = createSupervisorView({ open, reassign: transfer, back: () => ((model.view = 'lists'), render(), teamLink.focus()) })
  const help = createHelpDialog(shortcutTable())
  const topbar = createTopbar(me.name, alerts, { help: () => help.showModal(), signOut })
  const reconnecting = h('div', { class: 'hl-banner hl-banner-warn', role: 'status', 'data-testid': 'reconnecting', hidden: true }, 'Connection lost. Reconnecting… Your replies are kept and sent once back.')
  const teamLink = h('button', { type: 'button', class: 'hl-button hl-team-link', 'data-testid': 'team-link', onclick: () => open(undefined) }, 'Team overview')
  const sidebar = h('nav', { class: 'hl-sidebar', 'aria-label': 'Chats' }, supervisor ? teamLink : undefined, queueList.el, myList.el, recentList.el)
  if (supervisor) conversation.el.prepend(team.el)
  const el = h('div', { class: 'hl-workspace', 'data-testid': 'workspace', 'data-role': agent.role }, topbar.el, reconnecting, h('div', { class: 'hl-columns' }, sidebar, conversation.el, context.el), toasts.el, help, transferDialog.el)

  let scheduled = false
  const schedule = (): void => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      render()
    })
  }

  function row(c: AgentConversation, now: number): ChatRow {
    return { conversation: c, unread: model.unread.get(c.id) ?? 0, presence: presenceText(c, model.presenceDeadlines.get(c.id), now), selected: c.id === model.selected }
  }

  /** Waiting chats: offered to this agent, or (for a supervisor) every open one. */
  const waiting = (): AgentConversation[] => (supervisor ? [...agent.conversations.values()].filter((c) => c.status === 'open') : queue(agent))
  const chats = (): AgentConversation[] => (supervisor ? liveChats(agent) : myChats(agent, me.id))

  function render(): void {
    const now = performance.now()
    const offers = waiting()
    queueList.render(offers, clock.now())
    myList.render(chats().map((c) => row(c, now)))
    recentList.render([...model.recent.values()].map((c) => row(c, now)))
    const c = selected()
    conversation.render(
      c && {
        conversation: c,
        notes: c.notes ?? [],
        presence: presenceText(c, model.presenceDeadlines.get(c.id), now),
        mine: mine(c),
        typing: (model.typingUntil.get(c.id) ?? 0) > now,
        canTransfer: canTransfer(c),
        canNote: canNote(c),
        ...(c.status === 'wrap-up' && c.wrapUpDeadline !== undefined ? { wrapUpLeftMs: c.wrapUpDeadline - clock.now() } : {}),
      },
    )
    if (supervisor) {
      team.el.hidden = !!c
      conversation.el.querySelector<HTMLElement>('[data-testid="no-conversation"]')!.hidden = true
      conversation.el.setAttribute('aria-labelledby', c ? 'hl-conversation-title' : 'hl-team-title')
      if (!c) team.render([...agent.agents.values()], [...offers, ...chats()], clock.now())
      if (c) teamLink.removeAttribute('aria-current')
      else teamLink.setAttribute('aria-current', 'page')
    }
    context.render(c)
    el.dataset.view = c || supervisor ? model.view : 'lists'
    topbar.render({ connection: agent.connection, ...agent.capacity, supervisor })
    reconnecting.hidden = agent.connection !== 'reconnecting'
    alerts.count(supervisor ? 0 : offers.length, totalUnread(model))
  }

  function cycle(step: 1 | -1): void {
    const list = chats()
    if (!list.length) return
    const at = list.findIndex((c) => c.id === model.selected)
    const next = at === -1 ? (step === 1 ? list[0] : list[list.length - 1]) : list[(at + step + list.length) % list.length]
    if (next) open(next.id)
  }

  function click(testId: string): void {
    conversation.el.querySelector<HTMLElement>(`[data-testid="${testId}"]:not([hidden]):not(:disabled)`)?.click()
  }

  function shortcutTable(): Shortcut[] {
    return [
      ...(supervisor ? [] : [{ keys: 'Alt+A', description: 'Accept the chat that has waited longest', code: 'KeyA', run: () => queue(agent)[0] && accept(queue(agent)[0]!.id) }]),
      { keys: 'Alt+N', description: 'Next chat', code: 'KeyN', run: () => cycle(1) },
      { keys: 'Alt+P', description: 'Previous chat', code: 'KeyP', run: () => cycle(-1) },
      { keys: 'Alt+R', description: 'Go to the composer', code: 'KeyR', run: () => conversation.composer.focus() },
      { keys: 'Alt+M', description: 'Switch between reply and internal note', code: 'KeyM', run: () => switchMode() },
      { keys: 'Alt+T', description: 'Transfer the chat', code: 'KeyT', run: () => model.selected && transfer(model.selected) },
      { keys: 'Alt+W', description: 'End the chat (wrap-up)', code: 'KeyW', run: () => click('agent-end') },
      { keys: 'Alt+C', description: 'Close the chat', code: 'KeyC', run: () => click('agent-close') },
      { keys: 'Alt+B', description: 'Back to the lists (on a phone)', code: 'KeyB', run: () => model.view === 'conversation' && click('back') },
      { keys: 'Enter', description: 'Send' },
      { keys: 'Shift+Enter', description: 'New line' },
      { keys: '/', description: 'Canned replies (in the composer)' },
      { keys: '?', description: 'Show these shortcuts' },
    ]
  }

  function switchMode(): void {
    const composer = conversation.composer
    composer.mode = composer.mode === 'note' ? 'reply' : 'note'
    render()
    composer.focus()
  }

  const offs = [
    agent.on('offer', (c) => {
      if (!alerted.has(c.id)) {
        alerted.add(c.id)
        alerts.offer(`${customerName(c)} is waiting`, lastMessageText(c), () => open(c.id))
      }
      schedule()
    }),
    agent.on('offer-withdrawn', schedule),
    agent.on('conversation', (c) => {
      if (c.presence) notePresence(model, c.presence, false, performance.now())
      rememberClosed(model, c)
      schedule()
    }),
    agent.on('message', ({ conversationId, message }) => {
      clock.observe(message.at)
      const held = agent.conversations.get(conversationId)
      if (held && message.from === 'customer' && (supervisor || held.agent?.id === me.id)) {
        model.typingUntil.delete(conversationId)
        if (model.selected !== conversationId || document.visibilityState !== 'visible') model.unread.set(conversationId, (model.unread.get(conversationId) ?? 0) + 1)
      }
      schedule()
    }),
    agent.on('note', schedule),
    agent.on('customer', schedule),
    agent.on('agents', schedule),
    agent.on('customer-presence', (p) => {
      notePresence(model, p, true, performance.now())
      schedule()
    }),
    agent.on('capacity', schedule),
    agent.on('connection', schedule),
    agent.on('ready', schedule),
    agent.on('typing', ({ conversationId }) => {
      model.typingUntil.set(conversationId, performance.now() + TYPING_SHOWN_MS)
      schedule()
      setTimeout(schedule, TYPING_SHOWN_MS + 50)
    }),
    agent.on('error', fail),
    bindShortcuts(shortcutTable(), () => help.showModal()),
  ]
  const onVisible = (): void => {
    if (document.visibilityState === 'visible' && model.selected && model.view === 'conversation') model.unread.delete(model.selected)
    schedule()
  }
  document.addEventListener('visibilitychange', onVisible)
  const ticker = setInterval(render, TICK_MS)
  // Offers and chats held at sign-in: counted in the title, not chimed.
  for (const c of agent.offers.values()) alerted.add(c.id)
  for (const c of agent.conversations.values()) if (c.presence) notePresence(model, c.presence, false, performance.now())
  render()

  return {
    el,
    destroy() {
      for (const off of offs) off()
      document.removeEventListener('visibilitychange', onVisible)
      clearInterval(ticker)
      document.title = 'holdline console'
    },
  }
}
