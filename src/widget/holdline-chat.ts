import { createChat, type Chat, type ChatMessage, type ChatOptions } from '../client/index.js'
import type { MessageItem } from '../protocol/index.js'
import { followScroll, type ScrollFollow } from './scroll-follow.js'
import { chatView, connectionLine } from './status-line.js'
import { STYLES } from './styles.js'
import { widgetTemplate } from './template.js'
import { DEFAULT_TEXTS, type WidgetTexts } from './texts.js'
import { boundedCopy, readCopy, withCopy, writeCopy, type TranscriptCopy } from './transcript-copy.js'
import { authorOf, syncTranscript } from './transcript-view.js'
import { chime, markRead, playOnce, titleWithCount, unreadCount } from './unread.js'
import { trackVisualViewport } from './viewport.js'
import { readMemory, storedConversationId, writeMemory, type WidgetMemory } from './widget-state.js'

export { connectionLine } from './status-line.js'

/** Options of the widget: the chat's options (or a ready `chat`), texts, and sound. */
export interface WidgetOptions extends Partial<ChatOptions> {
  /** Use this chat instead of creating one from the options. */
  chat?: Chat
  /** Override any visible text (localisation). */
  texts?: Partial<WidgetTexts>
  /** Play a short sound for an agent message while the panel is closed or the page hidden (one tab only). @default false */
  sound?: boolean
}

/** How long "Connecting…" may stay before the widget says it is still trying and offers a retry. */
export const SLOW_CONNECT_MS = 5_000

// Importable where there is no DOM (server-side rendering, Node): the class is only defined on use.
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement

/**
 * `<holdline-chat>`: the default chat widget, in shadow DOM. Give it a chat (`el.chat = chat`), call
 * `el.configure(options)`, or set the attributes `url`, `widget-id`, `reconnect`, `storage`, `sound`,
 * `data-theme` (`light` | `dark`), `position` (`left`), `launcher` (`hidden`), `lang` and `dir`.
 * Events on the element: `unread` (`detail.count`), `chat-error` (`detail`: the `ChatError`), `sound`.
 *
 * @example
 * ```ts
 * import { defineWidget } from 'holdline/widget'
 * defineWidget()
 * document.body.insertAdjacentHTML('beforeend', '<holdline-chat url="wss://chat.example.com" widget-id="support"></holdline-chat>')
 * document.querySelector('holdline-chat').addEventListener('unread', (e) => console.log(e.detail.count))
 * ```
 */
export class HoldlineChat extends Base {
  private _chatInstance: Chat | undefined
  private _texts: WidgetTexts = DEFAULT_TEXTS
  private _widgetId = 'default'
  private _memory: WidgetMemory = { open: false, started: false }
  private _unsubscribe: Array<() => void> = []
  private _root: ShadowRoot | undefined
  private _starting: Promise<unknown> | undefined
  private _typingTimer: ReturnType<typeof setTimeout> | undefined
  private _slowTimer: ReturnType<typeof setTimeout> | undefined
  private _slow = false
  private _options: WidgetOptions = {}
  private _follower: ScrollFollow | undefined
  private _copy: TranscriptCopy | undefined
  private _newChatFor: string | undefined
  private _queue: { position: number; waitMs?: number } | undefined
  /** The transcript copy and the draft go to localStorage only where the chat keeps its own record there. */
  private _persist = true
  private _lastUnread = 0
  private _returnFocus: HTMLElement | undefined
  /** The last error the chat reported (`storage-unavailable` is reported before page code can listen). */
  lastError: Error | undefined

  /** The chat behind the widget. */
  get chat(): Chat | undefined {
    return this._chatInstance
  }

  set chat(chat: Chat | undefined) {
    this.configure({ ...this._options, chat })
  }

  /** Agent messages the customer has not seen yet. */
  get unread(): number {
    return this._lastUnread
  }

  /** Set the chat options (or a chat) and texts; renders again. */
  configure(options: WidgetOptions): void {
    this._options = options
    this._texts = { ...DEFAULT_TEXTS, ...options.texts }
    if (this.isConnected) this._setup()
  }

  connectedCallback(): void {
    this._setup()
  }

  disconnectedCallback(): void {
    this._teardown()
  }

  /** Open the panel (and start the chat if it has not started). */
  open(): void {
    if (!this._root) return
    const active = document.activeElement
    if (active instanceof HTMLElement && active !== this) this._returnFocus = active
    this._setOpen(true)
    this._ensureStarted()
    this._follower?.toBottom()
    const ended = chatView(this._chatInstance!).ended
    this._q(ended ? 'start-new' : 'input').focus()
  }

  /** Close the panel; the chat goes on. Focus returns to the launcher (or to what opened the panel). */
  close(): void {
    this._setOpen(false)
    const launcher = this._q('launcher')
    if (this.getAttribute('launcher') !== 'hidden') launcher.focus()
    else this._returnFocus?.focus()
  }

  /** Open when closed, close when open. */
  toggle(): void {
    if (this.hasAttribute('open')) this.close()
    else this.open()
  }

  private _setup(): void {
    this._teardown()
    this._widgetId = this._options.widgetId ?? this.getAttribute('widget-id') ?? 'default'
    const chat = this._options.chat ?? this._createFromOptions()
    if (!chat) return
    this._chatInstance = chat
    this._root = this.shadowRoot ?? this.attachShadow({ mode: 'open' })
    this._root.innerHTML = `<style>${STYLES}</style>${widgetTemplate(this._texts)}`
    this._memory = readMemory(this._widgetId)
    this._persist = (this._options.storage ?? this.getAttribute('storage') ?? 'local') === 'local'
    const copy = this._persist ? readCopy(this._widgetId) : undefined
    // Only the conversation the SDK will resume; an ended one's copy is not shown as if live.
    this._copy = this._memory.started && copy && copy.conversationId === storedConversationId(this._widgetId) ? copy : undefined
    this._q<HTMLTextAreaElement>('input').value = this._memory.draft ?? ''
    this._follower = followScroll(this._q('scroller'), this._q('new-messages'))
    this._bindDom()
    this._bindChat(chat)
    this._unsubscribe.push(trackVisualViewport(this), () => this._follower?.stop())
    this._render()
    if (this._memory.started) this._ensureStarted()
    this._setOpen(this._memory.open)
    this._follower.toBottom()
  }

  private _createFromOptions(): Chat | undefined {
    const url = this._options.url ?? this.getAttribute('url') ?? undefined
    if (!url) return undefined
    const reconnect = (this._options.reconnect ?? this.getAttribute('reconnect') ?? undefined) as ChatOptions['reconnect']
    const storage = (this._options.storage ?? this.getAttribute('storage') ?? undefined) as ChatOptions['storage']
    return createChat({ ...this._options, url, widgetId: this._widgetId, ...(reconnect ? { reconnect } : {}), ...(storage ? { storage } : {}) } as ChatOptions)
  }

  private _teardown(): void {
    for (const off of this._unsubscribe.splice(0)) off()
    clearTimeout(this._slowTimer)
    clearTimeout(this._typingTimer)
  }

  private _q<T extends HTMLElement = HTMLElement>(testid: string): T {
    return this._root?.querySelector(`[data-testid="${testid}"]`) as T
  }

  /** An event on the element that reaches the page through the shadow boundary. */
  private _emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
  }

  private _listen(target: EventTarget, event: string, handler: (e: Event) => void): void {
    target.addEventListener(event, handler)
    this._unsubscribe.push(() => target.removeEventListener(event, handler))
  }

  private _bindDom(): void {
    const on = (testid: string, event: string, handler: (e: Event) => void): void => this._q(testid).addEventListener(event, handler)
    on('launcher', 'click', () => this.open())
    on('close', 'click', () => this.close())
    on('panel', 'keydown', (event) => this._onPanelKey(event as KeyboardEvent))
    on('composer', 'submit', (event) => {
      event.preventDefault()
      this._submit()
    })
    on('input', 'keydown', (event) => {
      const key = event as KeyboardEvent
      if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
        key.preventDefault()
        this._submit()
      }
    })
    on('input', 'input', () => {
      if (this._persist) this._remember({ draft: this._q<HTMLTextAreaElement>('input').value })
      this._chatInstance?.typing()
    })
    on('retry', 'click', () => this._chatInstance?.notifyForeground())
    on('end', 'click', () => this._showEndQuestion(true))
    on('end-cancel', 'click', () => this._showEndQuestion(false))
    on('end-confirm', 'click', () => {
      this._showEndQuestion(false)
      void this._chatInstance?.end().catch(() => undefined)
    })
    on('reconnect-continue', 'click', () => this._choose(() => this._chatInstance?.resumePrevious()))
    on('reconnect-new', 'click', () => this._choose(() => this._chatInstance?.startNew()))
    on('start-new', 'click', () => {
      this._q('ended').hidden = true
      this._starting = this._chatInstance?.startNew().catch(() => undefined)
      this._remember({ started: true })
      this._q<HTMLTextAreaElement>('input').disabled = false
      this._q('input').focus()
    })
    this._listen(document, 'visibilitychange', () => this._render())
  }

  /** Escape closes; Tab wraps inside the panel, so the close button is reachable both ways. */
  private _onPanelKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') return this.close()
    if (event.key !== 'Tab') return
    const focusable = Array.from(this._q('panel').querySelectorAll<HTMLElement>('button, textarea, [tabindex="0"]')).filter(
      (el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0,
    )
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    const active = this._root?.activeElement
    if (event.shiftKey ? active === first : active === last) {
      event.preventDefault()
      ;(event.shiftKey ? last : first)?.focus()
    }
  }

  private _bindChat(chat: Chat): void {
    const rerender = (): void => this._render()
    this._unsubscribe.push(
      chat.on('connection', rerender),
      chat.on('message', (message) => this._onMessage(message)),
      chat.on('delivered', rerender),
      chat.on('conversation', (c) => {
        const ended = c.status === 'wrap-up' || c.status === 'closed'
        this._remember({ started: !ended })
        if (ended) writeCopy(this._widgetId, (this._copy = undefined))
        this._render()
      }),
      // Emitted only when a chat could not continue (a first chat is not "new" to the customer).
      chat.on('new-chat', ({ conversationId }) => {
        this._newChatFor = conversationId
        this._copy = undefined
        this._render()
      }),
      chat.on('resumed', () => {
        this._render()
        this._follower?.toBottom()
      }),
      chat.on('reconnect-available', () => {
        this._q('reconnect-choice').hidden = false
        if (!this.hasAttribute('open')) this.open()
        this._render()
        this._q('reconnect-continue').focus()
      }),
      chat.on('typing', () => this._showTyping()),
      // A signed-in customer's earlier chats, read-only above this one: a list each, named by when it began.
      chat.on('history', ({ conversations }) => {
        const box = this._q('history')
        box.hidden = false
        box.replaceChildren(box.firstElementChild!)
        for (const c of conversations) {
          const list = box.appendChild(document.createElement('ol'))
          list.setAttribute('aria-label', new Date(c.createdAt).toLocaleString())
          syncTranscript(list, c.transcript.filter((i): i is MessageItem => i.kind == 'message'), this._texts)
        }
      }),
      chat.on('queue', (queue) => {
        this._queue = queue
        this._render()
      }),
      chat.on('error', (error) => {
        this.lastError = error
        if (error.code === 'storage-unavailable') this._q('storage-notice').hidden = false
        this._emit('chat-error', error)
      }),
    )
  }

  private _onMessage(message: ChatMessage): void {
    if (message.from === 'agent') {
      this._q('typing').textContent = ''
      clearTimeout(this._typingTimer)
      this._notify(message)
    }
    const id = this._chatInstance?.conversation?.id
    if (id && !message.pending && this._persist) writeCopy(this._widgetId, boundedCopy(id, this._chatInstance!.messages))
    this._render()
  }

  /** A new agent message the customer cannot see: the live region and, if enabled, the sound (once per message). */
  private _notify(message: ChatMessage): void {
    const id = this._chatInstance?.conversation?.id
    const notified = this._memory.notified?.conversationId === id ? this._memory.notified!.seq : 0
    const read = this._memory.read?.conversationId === id ? this._memory.read!.seq : 0
    if (this._seen() || message.seq <= Math.max(notified, read)) return
    this._remember({ notified: { conversationId: id, seq: message.seq } })
    if (!this.hasAttribute('open')) this._q('announcer').textContent = this._texts.announce(authorOf(message, this._texts), message.text)
    if (this._options.sound ?? this.hasAttribute('sound')) {
      playOnce(this._widgetId, `${id}:${message.seq}`, () => {
        chime()
        this._emit('sound', { seq: message.seq })
      })
    }
  }

  /** The panel is open and the page visible: what is shown counts as read. */
  private _seen(): boolean {
    return this.hasAttribute('open') && document.visibilityState !== 'hidden'
  }

  private _choose(action: () => Promise<unknown> | undefined): void {
    this._q('reconnect-choice').hidden = true
    this._starting = action()?.catch(() => undefined)
    this._render()
    this._q('input').focus()
  }

  private _ensureStarted(): void {
    const chat = this._chatInstance
    if (!chat || this._starting || chat.conversation) return
    this._remember({ started: true })
    this._starting = chat.start().catch(() => {
      this._starting = undefined
    })
  }

  private _submit(): void {
    const input = this._q<HTMLTextAreaElement>('input')
    const text = input.value.trim()
    const chat = this._chatInstance
    // Ended: the text stays in the composer for the next chat, never dropped.
    if (!text || !chat || chatView(chat).ended) return
    input.value = ''
    this._remember({ draft: '' })
    this._ensureStarted()
    this._follower?.toBottom()
    void chat.send(text).catch(() => {
      if (!input.value) input.value = text
      this._remember({ draft: input.value })
      this._render()
    })
  }

  private _showEndQuestion(show: boolean): void {
    this._q('end-question').hidden = !show
    this._q('end').hidden = show
    this._q(show ? 'end-confirm' : 'end').focus()
  }

  private _showTyping(): void {
    const el = this._q('typing')
    el.textContent = this._texts.agentTyping
    clearTimeout(this._typingTimer)
    this._typingTimer = setTimeout(() => (el.textContent = ''), 4_000)
  }

  private _setOpen(open: boolean): void {
    if (!this._root) return
    const launcher = this._q('launcher')
    this._q('panel').hidden = !open
    launcher.hidden = open
    launcher.setAttribute('aria-expanded', String(open))
    this.toggleAttribute('open', open)
    this._remember({ open })
    if (open) this._q('announcer').textContent = ''
    this._render()
  }

  private _remember(change: Partial<WidgetMemory>): void {
    this._memory = { ...this._memory, ...change }
    writeMemory(this._widgetId, this._memory)
  }

  /** "Still trying" after SLOW_CONNECT_MS of connecting or reconnecting, with a retry. */
  private _watchSlow(connecting: boolean): void {
    if (!connecting) {
      clearTimeout(this._slowTimer)
      this._slowTimer = undefined
      this._slow = false
    } else if (!this._slowTimer && !this._slow) {
      this._slowTimer = setTimeout(() => {
        this._slowTimer = undefined
        this._slow = true
        this._render()
      }, SLOW_CONNECT_MS)
    }
  }

  private _render(): void {
    const chat = this._chatInstance
    if (!chat || !this._root) return
    const conversationId = chat.conversation?.id
    const copy = this._copy && (!conversationId || conversationId === this._copy.conversationId) ? this._copy : undefined
    const messages = withCopy(copy, chat.messages)
    const added = syncTranscript(this._q('transcript'), messages, this._texts)
    const view = chatView(chat)
    const connecting = chat.connection === 'connecting' || chat.connection === 'reconnecting'
    this._watchSlow(connecting)
    // While the R10 question is up the SDK waits for the customer, not for the network.
    const choosing = !this._q('reconnect-choice').hidden
    const line = choosing ? '' : connectionLine(chat.connection, view.queued, this._texts, this._slow)
    const connection = this._q('connection')
    connection.toggleAttribute('data-line', line !== '')
    connection.dataset.state = chat.connection
    this._q('connection-text').textContent = line
    this._q('retry').hidden = !(this._slow && connecting) || choosing
    const waiting = this._q('waiting')
    waiting.hidden = !view.waiting
    if (chat.conversation?.status !== 'open') this._queue = undefined
    const queue = this._queue
    waiting.textContent = !view.waiting ? '' : queue ? this._texts.queuePosition(queue.position, queue.waitMs) : this._texts.waitingForAgent
    const agentLine = this._q('agent-line')
    agentLine.hidden = !view.agentName
    agentLine.textContent = view.agentName ? this._texts.agentJoined(view.agentName) : ''
    this._q('ended').hidden = !view.ended
    // Nothing to end before the customer has written (or while choosing which chat to continue).
    const wrote = chat.messages.some((m) => m.from === 'customer')
    this._q('end').hidden = view.ended || choosing || !wrote || !this._q('end-question').hidden
    if (view.ended) this._q('end-question').hidden = true
    this._q<HTMLButtonElement>('send').disabled = view.ended
    this._q<HTMLTextAreaElement>('input').disabled = view.ended
    const talked = chat.messages.some((m) => m.from !== 'system')
    this._q('new-chat-notice').hidden = !(this._newChatFor && this._newChatFor === conversationId && !talked)
    this._follower?.update(added > 0)
    this._renderUnread(messages, conversationId)
  }

  private _renderUnread(messages: readonly ChatMessage[], conversationId: string | undefined): void {
    if (this._seen() && conversationId) {
      const read = markRead(messages, conversationId)
      if (read.seq !== this._memory.read?.seq || read.conversationId !== this._memory.read?.conversationId) this._remember({ read })
    }
    const count = this._seen() ? 0 : unreadCount(messages, conversationId, this._memory.read ?? { seq: 0 })
    const badge = this._q('unread')
    badge.hidden = count === 0
    badge.textContent = count > 0 ? String(count) : ''
    const launcher = this._q('launcher')
    if (count > 0) launcher.setAttribute('aria-label', `${this._texts.launcher}, ${this._texts.unread(count)}`)
    else launcher.removeAttribute('aria-label')
    const hidden = document.visibilityState === 'hidden'
    const title = titleWithCount(document.title, hidden ? count : 0)
    if (title !== document.title) document.title = title
    if (count === this._lastUnread) return
    this._lastUnread = count
    this._emit('unread', { count })
  }
}
