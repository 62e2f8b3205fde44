/**
 * One simulated customer of a chaos run: the real customer SDK in Node, over its own proxy and its
 * own storage (what one browser keeps), recording what it wrote, what became of each message, what
 * the SDK told it, and when it could not reach the server.
 */
import WebSocket from 'ws'
import { createChat } from '../../src/client/index.js'
import type { Chat, ChatMessage, ReconnectMode } from '../../src/client/types.js'
import type { Proxy } from '../helpers/proxy.js'
import { mapStorage } from '../client/helpers.js'
import type { FaultKind } from './plan.js'

/** One message written, and its fate: acknowledged (with where it was recorded), refused, or unknown. */
export interface Written {
  text: string
  fate: 'pending' | 'acked' | 'rejected'
  code?: string
  conversationId?: string
  seq?: number
}

/** What the SDK said, with the harness's time. */
export type CustomerEvent =
  | { at: number; type: 'conversation'; conversationId: string; status: string }
  | { at: number; type: 'resumed'; conversationId: string; reconnected?: true }
  | { at: number; type: 'reconnect-available'; conversationId: string; choice: 'resume' | 'new' }
  | { at: number; type: 'new-chat'; conversationId: string; reason: string; previousConversationId?: string }

/** A period in which the customer could not reach the server. */
export interface Interval {
  from: number
  to: number
  why: FaultKind | 'restart' | 'disconnected' | 'stalled'
  /** The customer's last bytes through its proxy before the fault: the server heard nothing later. */
  heardAt?: number
}

export class ChaosCustomer {
  readonly storage = mapStorage()
  readonly written: Written[] = []
  readonly events: CustomerEvent[] = []
  readonly outages: Interval[] = []
  chat: Chat | undefined
  /** At the end of a run: a chat that ends stays ended, so the final views can be compared. */
  staying = false
  private reopening: ReturnType<typeof setTimeout> | undefined
  /** An unplanned loss of the connection under way. */
  private lost: { from: number; heardAt: number } | undefined

  constructor(
    readonly name: string,
    readonly proxy: Proxy,
    private readonly now: () => number,
    /** What this customer's pages do with an ended chat they could reopen (R10). */
    private readonly reconnect: ReconnectMode = 'off',
  ) {}

  /** Open the page: a new client over this customer's storage (resume or new chat). */
  open(): void {
    const chat = createChat({
      url: this.proxy.url,
      widgetId: 'chaos',
      WebSocket,
      storage: this.storage,
      minReconnectDelayMs: 50,
      maxReconnectDelayMs: 200,
      pongTimeoutMs: 1_000,
      reconnect: this.reconnect,
    })
    this.chat = chat
    chat.on('conversation', (c) => this.events.push({ at: this.now(), type: 'conversation', conversationId: c.id, status: c.status }))
    chat.on('resumed', (r) => this.events.push({ at: this.now(), type: 'resumed', conversationId: r.conversationId, ...(r.reconnected ? { reconnected: true as const } : {}) }))
    // Asked (prompt): take it back one time in two.
    chat.on('reconnect-available', (previous) => {
      const choice = this.events.filter((e) => e.type === 'reconnect-available').length % 2 === 0 ? 'resume' : 'new'
      this.events.push({ at: this.now(), type: 'reconnect-available', conversationId: previous.conversationId, choice })
      void (choice === 'resume' ? chat.resumePrevious() : chat.startNew()).catch(() => undefined)
    })
    chat.on('new-chat', (n) =>
      this.events.push({ at: this.now(), type: 'new-chat', conversationId: n.conversationId, reason: n.reason, ...(n.previousConversationId ? { previousConversationId: n.previousConversationId } : {}) }),
    )
    // The chat ended (End, an agent, or the window): the customer opens the widget again later.
    chat.on('connection', ({ state }) => {
      if (state === 'closed' && this.chat === chat && !this.staying) this.reopenSoon(300)
    })
    // Gone as the page saw it, not only as planned: on a loaded machine a pong comes late, the SDK
    // replaces the socket, and the reconnect can outlast a short window.
    chat.on('connection', ({ state }) => {
      if (state === 'reconnecting' && this.lost === undefined) this.lost = { from: this.now(), heardAt: this.proxy.lastFromClient }
      if (state === 'connected' && this.lost) {
        this.outages.push({ ...this.lost, to: this.now(), why: 'disconnected' })
        this.lost = undefined
      }
    })
    void chat.start().catch(() => undefined)
  }

  write(): void {
    const chat = this.chat
    if (!chat) return // the page is away
    const entry: Written = { text: `${this.name}:${this.written.length}`, fate: 'pending' }
    this.written.push(entry)
    chat.send(entry.text).then(
      (message: ChatMessage) => {
        entry.fate = 'acked'
        entry.seq = message.seq
        entry.conversationId = chat.conversation?.id
      },
      (error: { code?: string }) => {
        entry.fate = 'rejected'
        entry.code = error.code
      },
    )
  }

  end(): void {
    void this.chat?.end().catch(() => undefined)
  }

  /** Apply a fault for `ms`; resolves when it is over. */
  async fault(kind: FaultKind, ms: number): Promise<void> {
    const from = this.now()
    const heardAt = this.proxy.lastFromClient
    switch (kind) {
      case 'cut':
        this.proxy.dropAll()
        return
      case 'offline':
        this.proxy.refuse(true)
        this.proxy.dropAll()
        await sleep(ms)
        this.proxy.refuse(false)
        break
      case 'freeze':
        this.proxy.pause()
        await sleep(ms)
        this.proxy.resume()
        break
      case 'reload':
        this.close()
        await sleep(ms)
        this.open()
        break
    }
    this.outages.push({ from, to: this.now(), why: kind, heardAt })
  }

  /** Every fault lifted: the network is back and the page is open. */
  heal(): void {
    this.proxy.refuse(false)
    this.proxy.resume()
    if (!this.chat) this.open()
  }

  /** The page goes away (reload, or the end of the run). The storage stays. */
  close(): void {
    clearTimeout(this.reopening)
    const chat = this.chat
    this.chat = undefined
    chat?.destroy()
  }

  private reopenSoon(ms: number): void {
    clearTimeout(this.reopening)
    this.reopening = setTimeout(() => {
      this.close()
      this.open()
    }, ms)
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
