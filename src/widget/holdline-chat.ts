import { createChat, type Chat, type ChatOptions, type ConnectionState } from '../client/index.js'
import { STYLES } from './styles.js'
import { widgetTemplate } from './template.js'
import { DEFAULT_TEXTS, type WidgetTexts } from './texts.js'
import { syncTranscript } from './transcript-view.js'
import { readMemory, writeMemory, type WidgetMemory } from './widget-state.js'

/** Options of the widget: the chat's options (or a ready `chat`), and text overrides. */
export interface WidgetOptions extends Partial<ChatOptions> {
  /** Use this chat instead of creating one from the options. */
  chat?: Chat
  /** Override any visible text (localisation). */
  texts?: Partial<WidgetTexts>
}

// Importable where there is no DOM (server-side rendering, Node): the class is only defined on use.
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement

/**
 * `<holdline-chat>`: the default chat widget, in shadow DOM. Give it a chat (`el.chat = chat`), call
 * `el.configure(options)`, or set the attributes `url`, `widget-id`, `reconnect` and `storage`.
 *
 * @example
 * ```ts
 * import { defineWidget } from 'holdline/widget'
 * defineWidget()
 * document.body.insertAdjacentHTML('beforeend', '<holdline-chat url="wss://chat.example.com" widget-id="support"></holdline-chat>')
 * ```
 */
export class HoldlineChat extends Base {
  private chatInstance: Chat | undefined
  private texts: WidgetTexts = DEFAULT_TEXTS
  private widgetId = 'default'
  private memory: WidgetMemory = { open: false, started: false }
  private unsubscribe: Array<() => void> = []
  private root: ShadowRoot | undefined
  private starting: Promise<unknown> | undefined
  private typingTimer: ReturnType<typeof setTimeout> | undefined
  private options: WidgetOptions = {}

  /** The chat behind the widget. */
  get chat(): Chat | undefined {
    return this.chatInstance
  }

  set chat(chat: Chat | undefined) {
    this.configure({ ...this.options, chat })
  }

  /** Set the chat options (or a chat) and texts; renders again. */
  configure(options: WidgetOptions): void {
    this.options = options
    this.texts = { ...DEFAULT_TEXTS, ...options.texts }
    if (this.isConnected) this.setup()
  }

  connectedCallback(): void {
    this.setup()
  }

  disconnectedCallback(): void {
    this.teardown()
  }

  /** Open the panel (and start the chat if it has not started). */
  open(): void {
    this.setOpen(true)
    this.ensureStarted()
    this.q<HTMLTextAreaElement>('input').focus()
  }

  /** Close the panel; the chat goes on. */
  close(): void {
    this.setOpen(false)
    this.q('launcher').focus()
  }

  private setup(): void {
    this.teardown()
    this.widgetId = this.options.widgetId ?? this.getAttribute('widget-id') ?? 'default'
    const chat = this.options.chat ?? this.createFromOptions()
    if (!chat) return
    this.chatInstance = chat
    this.root = this.shadowRoot ?? this.attachShadow({ mode: 'open' })
    this.root.innerHTML = `<style>${STYLES}</style>${widgetTemplate(this.texts)}`
    this.memory = readMemory(this.widgetId)
    this.bindDom()
    this.bindChat(chat)
    this.render()
    if (this.memory.started) this.ensureStarted()
    this.setOpen(this.memory.open)
  }

  private createFromOptions(): Chat | undefined {
    const url = this.options.url ?? this.getAttribute('url') ?? undefined
    const widgetId = this.widgetId
    if (!url) return undefined
    const reconnect = (this.options.reconnect ?? this.getAttribute('reconnect') ?? undefined) as ChatOptions['reconnect']
    const storage = (this.options.storage ?? this.getAttribute('storage') ?? undefined) as ChatOptions['storage']
    return createChat({ ...this.options, url, widgetId, ...(reconnect ? { reconnect } : {}), ...(storage ? { storage } : {}) } as ChatOptions)
  }

  private teardown(): void {
    for (const off of this.unsubscribe.splice(0)) off()
  }

  private q<T extends HTMLElement = HTMLElement>(testid: string): T {
    return this.root?.querySelector(`[data-testid="${testid}"]`) as T
  }

  private bindDom(): void {
    const on = (testid: string, event: string, handler: (e: Event) => void): void => this.q(testid).addEventListener(event, handler)
    on('launcher', 'click', () => this.open())
    on('close', 'click', () => this.close())
    this.q('panel').addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Escape') this.close()
    })
    on('composer', 'submit', (event) => {
      event.preventDefault()
      this.submit()
    })
    on('input', 'keydown', (event) => {
      const key = event as KeyboardEvent
      if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
        key.preventDefault()
        this.submit()
      }
    })
    on('input', 'input', () => this.chatInstance?.typing())
    on('end', 'click', () => this.showEndQuestion(true))
    on('end-cancel', 'click', () => this.showEndQuestion(false))
    on('end-confirm', 'click', () => {
      this.showEndQuestion(false)
      void this.chatInstance?.end().catch(() => undefined)
    })
    on('reconnect-continue', 'click', () => this.choose(() => this.chatInstance?.resumePrevious()))
    on('reconnect-new', 'click', () => this.choose(() => this.chatInstance?.startNew()))
    on('start-new', 'click', () => {
      this.q('ended').hidden = true
      this.q('new-chat-notice').hidden = true
      this.starting = this.chatInstance?.startNew().catch(() => undefined)
    })
  }

  private bindChat(chat: Chat): void {
    const rerender = (): void => this.render()
    this.unsubscribe.push(
      chat.on('connection', rerender),
      chat.on('message', rerender),
      chat.on('delivered', rerender),
      chat.on('conversation', (c) => {
        const ended = c.status === 'wrap-up' || c.status === 'closed'
        this.remember({ started: !ended })
        this.render()
      }),
      // Emitted only when a chat could not continue (a first chat is not "new" to the customer).
      chat.on('new-chat', () => {
        this.q('new-chat-notice').hidden = false
        this.render()
      }),
      chat.on('resumed', rerender),
      chat.on('reconnect-available', () => {
        this.q('reconnect-choice').hidden = false
        this.setOpen(true)
      }),
      chat.on('typing', () => this.showTyping()),
    )
  }

  private choose(action: () => Promise<unknown> | undefined): void {
    this.q('reconnect-choice').hidden = true
    this.starting = action()?.catch(() => undefined)
  }

  private ensureStarted(): void {
    const chat = this.chatInstance
    if (!chat || this.starting || chat.conversation) return
    this.remember({ started: true })
    this.starting = chat.start().catch(() => {
      this.starting = undefined
    })
  }

  private submit(): void {
    const input = this.q<HTMLTextAreaElement>('input')
    const text = input.value.trim()
    if (!text || !this.chatInstance) return
    input.value = ''
    this.ensureStarted()
    void this.chatInstance.send(text).catch(() => this.render())
  }

  private showEndQuestion(show: boolean): void {
    this.q('end-question').hidden = !show
    this.q('end').hidden = show
    if (show) this.q('end-confirm').focus()
  }

  private showTyping(): void {
    const el = this.q('typing')
    el.textContent = this.texts.agentTyping
    clearTimeout(this.typingTimer)
    this.typingTimer = setTimeout(() => (el.textContent = ''), 4_000)
  }

  private setOpen(open: boolean): void {
    if (!this.root) return
    this.q('panel').hidden = !open
    this.q('launcher').hidden = open
    this.q('launcher').setAttribute('aria-expanded', String(open))
    this.toggleAttribute('open', open)
    this.remember({ open })
  }

  private remember(change: Partial<WidgetMemory>): void {
    this.memory = { ...this.memory, ...change }
    writeMemory(this.widgetId, this.memory)
  }

  private render(): void {
    const chat = this.chatInstance
    if (!chat || !this.root) return
    syncTranscript(this.q('transcript'), chat.messages, this.texts)
    const line = connectionLine(chat.connection, chat.messages.filter((m) => m.pending).length, this.texts)
    const connection = this.q('connection')
    connection.hidden = line === ''
    connection.textContent = line
    connection.dataset.state = chat.connection
    const status = chat.conversation?.status
    const ended = status === 'wrap-up' || status === 'closed'
    this.q('ended').hidden = !ended
    this.q('end').hidden = ended || !this.q('end-question').hidden
    this.q<HTMLButtonElement>('send').disabled = ended
  }
}

/** The connection line: nothing when all is well, the truth otherwise. */
export function connectionLine(state: ConnectionState, queued: number, texts: WidgetTexts): string {
  switch (state) {
    case 'connected':
      return ''
    case 'connecting':
      return texts.connecting
    case 'reconnecting':
      return texts.reconnecting
    case 'offline':
      return texts.offline(queued)
    case 'closed':
      return ''
  }
}
