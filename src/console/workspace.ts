/**
 * The signed-in console: the top bar, the lists (queue, my chats, recent), the open conversation,
 * alerts and shortcuts, kept in step with the agent SDK's events. Renders are batched: many events in
 * one task make one render.
 */
import type { Agent, AgentConversation, AgentInfo } from '../agent/index.js'
import { createAlerts } from './alerts.js'
import { createChatList, type ChatRow } from './chat-list.js'
import { createConversationView } from './conversation-view.js'
import { h } from './dom.js'
import { actionError, codeOf } from './errors.js'
import { customerName, lastMessageText } from './format.js'
import { createModel, findConversation, myChats, notePresence, queue, rememberClosed, totalUnread } from './model.js'
import { presenceText } from './presence-text.js'
import { createQueueList } from './queue-list.js'
import { createServerClock } from './server-clock.js'
import { bindShortcuts, createHelpDialog, type Shortcut } from './shortcuts.js'
import { createToasts } from './toasts.js'
import { createTopbar } from './topbar.js'

const TYPING_SHOWN_MS = 4_000
const TICK_MS = 1_000

export interface Workspace {
  readonly el: HTMLElement
  destroy(): void
}

export function createWorkspace(agent: Agent, me: AgentInfo & { capacity: number }, signOut: () => void): Workspace {
  const model = createModel()
  const clock = createServerClock()
  const alerts = createAlerts()
  const toasts = createToasts()
  const alerted = new Set<string>()
  const fail = (error: unknown): void => toasts.show(actionError(codeOf(error)), 'error')

  const accept = (id: string): void => {
    agent.accept(id).then(() => open(id), fail)
  }
  const open = (id: string): void => {
    model.selected = id
    model.unread.delete(id)
    model.view = 'conversation'
    render()
    if (!conversation.composer.field.disabled) conversation.composer.focus()
    else conversation.el.querySelector<HTMLElement>('#hl-conversation-title')?.focus()
  }
  const selected = (): AgentConversation | undefined => findConversation(agent, model, model.selected)
  const mine = (c: AgentConversation): boolean => c.agent?.id === me.id && c.status !== 'open'

  const queueList = createQueueList(accept, open)
  const myList = createChatList({ id: 'mine', title: 'My chats', empty: 'No chat assigned to you.', testId: 'my-chats' }, open)
  const recentList = createChatList({ id: 'recent', title: 'Recent', empty: 'Closed chats show here.', testId: 'recent' }, open)
  const conversation = createConversationView({
    back() {
      model.view = 'lists'
      render()
      document.querySelector<HTMLElement>(`[data-conversation-id="${model.selected}"] button`)?.focus()
    },
    end(id) {
      agent.end(id).then(() => conversation.el.querySelector<HTMLElement>('[data-testid="agent-close"]')?.focus(), fail)
    },
    close(id) {
      agent.close(id).then((c) => {
        rememberClosed(model, c)
        toasts.show(`The chat with ${customerName(c)} is closed. It is in Recent.`)
        render()
      }, fail)
    },
    transfer() {},
    async send(id, text) {
      try {
        await agent.send(id, text)
      } catch (error) {
        throw actionError(codeOf(error))
      }
    },
    typing: (id) => agent.typing(id),
  })
  const help = createHelpDialog(shortcutTable())
  const topbar = createTopbar(me.name, alerts, { help: () => help.showModal(), signOut })
  const reconnecting = h('div', { class: 'hl-banner hl-banner-warn', role: 'status', 'data-testid': 'reconnecting', hidden: true }, 'Connection lost. Reconnecting… Your replies are kept and sent once back.')
  const sidebar = h('nav', { class: 'hl-sidebar', 'aria-label': 'Chats' }, queueList.el, myList.el, recentList.el)
  const el = h('div', { class: 'hl-workspace', 'data-testid': 'workspace' }, topbar.el, reconnecting, h('div', { class: 'hl-columns' }, sidebar, conversation.el), toasts.el, help)

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

  function render(): void {
    const now = performance.now()
    const offers = queue(agent)
    queueList.render(offers, clock.now())
    myList.render(myChats(agent, me.id).map((c) => row(c, now)))
    recentList.render([...model.recent.values()].map((c) => row(c, now)))
    const c = selected()
    conversation.render(
      c && {
        conversation: c,
        notes: [],
        presence: presenceText(c, model.presenceDeadlines.get(c.id), now),
        mine: mine(c),
        typing: (model.typingUntil.get(c.id) ?? 0) > now,
        canTransfer: false,
        ...(c.status === 'wrap-up' && c.wrapUpDeadline !== undefined ? { wrapUpLeftMs: c.wrapUpDeadline - clock.now() } : {}),
      },
    )
    el.dataset.view = c ? model.view : 'lists'
    topbar.render({ connection: agent.connection, ...agent.capacity, supervisor: false })
    reconnecting.hidden = agent.connection !== 'reconnecting'
    alerts.count(offers.length, totalUnread(model))
  }

  function cycle(step: 1 | -1): void {
    const chats = myChats(agent, me.id)
    if (!chats.length) return
    const at = chats.findIndex((c) => c.id === model.selected)
    const next = chats[(at + step + chats.length) % chats.length]
    if (at === -1 && step === -1) open(chats[chats.length - 1]!.id)
    else if (next) open(next.id)
  }

  function shortcutTable(): Shortcut[] {
    const withSelected = (run: (c: AgentConversation) => void) => () => {
      const c = selected()
      if (c && mine(c)) run(c)
    }
    return [
      { keys: 'Alt+A', description: 'Accept the chat that has waited longest', code: 'KeyA', run: () => queue(agent)[0] && accept(queue(agent)[0]!.id) },
      { keys: 'Alt+N', description: 'Next chat', code: 'KeyN', run: () => cycle(1) },
      { keys: 'Alt+P', description: 'Previous chat', code: 'KeyP', run: () => cycle(-1) },
      { keys: 'Alt+R', description: 'Go to the reply box', code: 'KeyR', run: () => conversation.composer.focus() },
      { keys: 'Alt+W', description: 'End the chat (wrap-up)', code: 'KeyW', run: withSelected((c) => c.status === 'active' && conversation.el.querySelector<HTMLElement>('[data-testid="agent-end"]')?.click()) },
      { keys: 'Alt+C', description: 'Close the chat', code: 'KeyC', run: withSelected(() => conversation.el.querySelector<HTMLElement>('[data-testid="agent-close"]:not([hidden])')?.click()) },
      { keys: 'Alt+B', description: 'Back to the lists (on a phone)', code: 'KeyB', run: () => model.view === 'conversation' && conversation.el.querySelector<HTMLElement>('[data-testid="back"]')?.click() },
      { keys: 'Enter', description: 'Send' },
      { keys: 'Shift+Enter', description: 'New line' },
      { keys: '?', description: 'Show these shortcuts' },
    ]
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
      if (held && message.from === 'customer') {
        model.typingUntil.delete(conversationId)
        if (model.selected !== conversationId || document.visibilityState !== 'visible') model.unread.set(conversationId, (model.unread.get(conversationId) ?? 0) + 1)
      }
      schedule()
    }),
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
