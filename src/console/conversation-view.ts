/**
 * The open conversation: who and where the customer is, the chat's state and what can be done with
 * it (transfer, end, close), the transcript, and the composer. Wrap-up and closed chats say so
 * plainly and the composer is disabled with the reason.
 */
import type { AgentConversation } from '../agent/index.js'
import { createComposer, type Composer, type ComposerHandlers } from './composer.js'
import { h, setText } from './dom.js'
import { customerName, formatCountdown } from './format.js'
import type { PresenceText } from './presence-text.js'
import { STATUS_LABELS } from './status-lines.js'
import { createTranscriptView, type TranscriptNote } from './transcript-view.js'

export interface ConversationActions extends ComposerHandlers {
  back(): void
  end(id: string): void
  close(id: string): void
  transfer(id: string): void
}

export interface ConversationState {
  conversation: AgentConversation
  notes: readonly TranscriptNote[]
  presence: PresenceText
  /** True when this agent holds the chat (not a supervisor looking on, not transferred away). */
  mine: boolean
  /** ms until a wrap-up closes by itself, when it does. */
  wrapUpLeftMs?: number
  typing: boolean
  canTransfer: boolean
  /** Internal notes can be written (not on a closed chat). */
  canNote: boolean
}

export interface ConversationView {
  readonly el: HTMLElement
  readonly composer: Composer
  render(state: ConversationState | undefined): void
}

export function createConversationView(actions: ConversationActions): ConversationView {
  const composer = createComposer(actions)
  const transcript = createTranscriptView()
  let shown: string | undefined
  const current = (run: (id: string) => void) => () => shown !== undefined && run(shown)

  const title = h('h2', { id: 'hl-conversation-title', class: 'hl-title', 'data-testid': 'conversation-title', tabindex: '-1' })
  const pill = h('span', { class: 'hl-pill', 'data-testid': 'status' })
  const presence = h('span', { class: 'hl-presence', 'data-testid': 'conversation-presence', 'aria-live': 'polite' })
  const back = h('button', { type: 'button', class: 'hl-button hl-back', 'data-testid': 'back', onclick: () => actions.back() }, '‹ Chats')
  const transfer = h('button', { type: 'button', class: 'hl-button', 'data-testid': 'transfer', hidden: true, onclick: current(actions.transfer) }, 'Transfer')
  const end = h('button', { type: 'button', class: 'hl-button', 'data-testid': 'agent-end', onclick: current(actions.end) }, 'End chat')
  const close = h('button', { type: 'button', class: 'hl-button hl-primary', 'data-testid': 'agent-close', onclick: current(actions.close) }, 'Close')
  const banner = h('div', { class: 'hl-banner', 'data-testid': 'state-banner', hidden: true }, h('strong', {}), h('span', {}))
  const typing = h('p', { class: 'hl-typing', 'data-testid': 'typing', 'aria-live': 'polite' })
  const header = h(
    'header',
    { class: 'hl-conversation-header' },
    back,
    h('div', { class: 'hl-who' }, h('div', { class: 'hl-line' }, title, pill), presence),
    h('div', { class: 'hl-actions' }, transfer, end, close),
  )
  const body = h('div', { class: 'hl-conversation-body' }, header, banner, transcript.el, typing, composer.el)
  const empty = h('div', { class: 'hl-placeholder', 'data-testid': 'no-conversation' }, h('p', {}, 'Pick a chat from the list, or accept one from the queue.'), h('p', { class: 'hl-muted' }, 'Press ? for keyboard shortcuts.'))
  const el = h('main', { class: 'hl-pane', id: 'hl-conversation', 'aria-labelledby': 'hl-conversation-title', 'data-testid': 'conversation' }, empty, body)

  return {
    el,
    composer,
    render(state) {
      body.hidden = !state
      empty.hidden = !!state
      if (!state) {
        shown = undefined
        composer.target(undefined, { reply: 'No chat open', note: 'No chat open' })
        return
      }
      const c = state.conversation
      const name = customerName(c)
      if (shown !== c.id) {
        shown = c.id
        transcript.reset(`Transcript with ${name}`, name)
      }
      el.dataset.conversationId = c.id
      el.dataset.status = c.status
      setText(title, name)
      setText(pill, STATUS_LABELS[c.status] ?? c.status)
      pill.dataset.status = c.status
      setText(presence, state.presence.text)
      presence.dataset.state = state.presence.state
      transcript.render(c.transcript, state.notes)
      setText(typing, state.typing ? `${name} is typing…` : '')

      const active = c.status === 'active' && state.mine
      transfer.hidden = !state.canTransfer
      transfer.disabled = c.status !== 'active' && c.status !== 'open'
      end.hidden = !state.mine || c.status !== 'active'
      close.hidden = !state.mine || (c.status !== 'wrap-up' && c.status !== 'active')
      // In Active, End is the usual step; Close stays at hand but second.
      close.classList.toggle('hl-primary', c.status === 'wrap-up')
      setText(close, c.status === 'wrap-up' ? 'Close chat' : 'Close')

      const [bannerTitle, bannerText] = bannerFor(c, state)
      banner.hidden = !bannerTitle
      banner.dataset.status = c.status
      setText(banner.firstElementChild!, bannerTitle)
      setText(banner.lastElementChild!, bannerText)

      composer.target(c.id, {
        ...(active ? {} : { reply: disabledReason(c, state) }),
        ...(state.canNote ? {} : { note: c.status === 'closed' ? 'This chat is closed.' : 'Notes are not available here.' }),
      })
    },
  }
}

function bannerFor(c: AgentConversation, state: ConversationState): [string, string] {
  if (c.status === 'wrap-up') {
    const auto = state.wrapUpLeftMs !== undefined ? ` It closes by itself in ${formatCountdown(state.wrapUpLeftMs)}.` : ''
    return ['Wrap-up', `The chat has ended. Finish up, then close it.${auto}`]
  }
  if (c.status === 'closed') return ['Closed', 'This chat is closed. It stays in Recent for this session.']
  if (c.status === 'open') return ['Waiting in the queue', state.mine ? '' : 'Accept it to reply.']
  if (!state.mine) return ['Watching', `Assigned to ${c.agent?.name ?? 'another agent'}.`]
  return ['', '']
}

function disabledReason(c: AgentConversation, state: ConversationState): string {
  if (c.status === 'closed') return 'This chat is closed.'
  if (c.status === 'wrap-up') return 'The chat has ended: the customer can no longer read replies. Notes are still open.'
  if (c.status === 'open') return 'Accept the chat to reply.'
  return state.mine ? 'You cannot write here.' : `Assigned to ${c.agent?.name ?? 'another agent'}.`
}
