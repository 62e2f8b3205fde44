/**
 * One customer socket on `/v1/customer`: the frames after `hello`, delivery of recorded items (replay
 * then live, each once and in order), and presence inputs (every frame is "heard": kept on the socket
 * while the record says this process holds it, written when it closes or falls silent).
 */
import type WebSocket from 'ws'
import type { CustomerFrame, CustomerMessageFrame, HelloFrame, ServerToCustomerFrame, TranscriptItem } from '../../protocol/frames.js'
import type { PageInfo } from '../../protocol/context.js'
import { withContext } from '../engine/customer-context.js'
import { parseCustomerFrame, type ParseResult } from '../../protocol/validate.js'
import { connectionClosed, heard, isSilent, silenced, tabAway } from '../engine/presence.js'
import { customerMessage } from '../engine/messages.js'
import { customerEnd, isLive } from '../engine/transitions.js'
import type { Conversation, CustomerConnection, Step } from '../engine/types.js'
import type { RecordedAck } from '../store/types.js'
import { stepOf } from '../runner/service.js'
import { Connection, type Side } from './connection.js'
import type { ServerContext } from './context.js'
import { handleHello } from './customer-hello.js'
import { skipsAhead, unsent } from './delivery.js'
import type { CustomerPeer } from './peers.js'

/** A customer's socket (one tab's). Not the engine's `CustomerConnection`, the record of it. */
export class CustomerSocket extends Connection<ServerToCustomerFrame, CustomerFrame> implements CustomerPeer {
  // Every field starts set (to undefined if need be) so V8 keeps them all inside the object.
  tabId: string | undefined = undefined
  conversationId: string | undefined = undefined
  /** The conversation's `previousId`, fixed at its creation, so messages need no extra read. */
  private previousId: string | undefined = undefined
  /** Highest seq sent on this socket: nothing at or below it is sent again. */
  sentSeq = 0
  /** Items recorded while the replay is read, sent right after it; undefined when not replaying. */
  private buffered: TranscriptItem[] | undefined = undefined
  /** When the last frame came: kept here, not in the store, while the record says this process holds the socket. */
  heardAt: number
  /** The record names this process as holding the socket (written, and not silenced since). */
  private vouched = false

  constructor(
    id: string,
    ws: WebSocket,
    ctx: ServerContext,
    /** Where the socket came from, when new conversations are counted per address. */
    readonly address: string | undefined = undefined,
    /** The `User-Agent` header of the upgrade request; dropped once a conversation has recorded it. */
    public userAgent: string | undefined = undefined,
  ) {
    super(id, ws, ctx)
    this.heardAt = ctx.now()
  }

  get side(): Side {
    return 'customer'
  }

  /** Counts a new conversation against this address; false (refused, and said so) past the limit. */
  mayStartChat(): boolean {
    const { newChats } = this.ctx
    if (!newChats || this.address === undefined || newChats.take(this.address, this.ctx.now())) return true
    this.refuse('rate-limited', 'too many new conversations from this address; retry later', { ref: 'hello', fatal: true })
    return false
  }

  protected parse(text: string): ParseResult<CustomerFrame> {
    return parseCustomerFrame(text, this.parseLimits)
  }

  protected refOf(frame: CustomerFrame): string {
    return frame.type === 'message' ? frame.clientId : frame.type
  }

  protected async handle(frame: CustomerFrame): Promise<void> {
    this.heardAt = this.ctx.now()
    if (frame.type === 'hello') {
      this.greet()
      await handleHello(this, frame)
      return this.afterHello(frame)
    }
    const id = this.conversationId
    if (id === undefined) {
      if (frame.type === 'ping') return this.send({ type: 'pong', t: frame.t })
      return this.refuse('not-ready', 'send hello first', { ref: frame.type })
    }
    switch (frame.type) {
      case 'message':
        return this.onMessage(id, frame)
      case 'ack':
        return this.onAck(frame.seq)
      case 'ping':
        this.send({ type: 'pong', t: frame.t })
        // A socket the record says this process holds: its heartbeat stays here (heardAt).
        if (!this.vouched) await this.touch(id)
        return
      case 'typing': {
        const agentId = (this.vouched ? await this.ctx.store.get(id) : (await this.touch(id))?.conversation)?.agent?.id
        if (agentId) await this.ctx.store.publish({ type: 'typing', conversationId: id, from: 'customer', agentId })
        return
      }
      case 'end':
        return void (await this.run(id, (conv, now) => customerEnd(this.heardIn(conv, now), now, this.ctx.config)))
      case 'away':
        return void (await this.run(id, (conv, now) => stepOf(tabAway(conv, this.tabId ?? this.id, now))))
      case 'page':
        return this.onPage(id, { url: frame.url, title: frame.title })
    }
  }

  // Customer context ---------------------------------------------------------------------------

  /** Welcomed: the browser, the name and the page of the hello go in the record (a new chat has them). */
  private async afterHello(hello: HelloFrame): Promise<void> {
    const id = this.conversationId
    if (id === undefined) return
    const report = { userAgent: this.userAgent, name: hello.customer?.name, page: hello.page }
    // The hello was heard already: written only if something is new (a resume on another page).
    await this.run(id, (conv, now) => {
      const next = isLive(conv.status) ? withContext(conv, report, now) : conv
      return next === conv ? null : stepOf(next)
    })
    // Recorded: an idle socket holds no header string.
    this.userAgent = undefined
  }

  /** A navigation: recorded in the live conversation (an ended one keeps what it had); heard like any frame. */
  private async onPage(id: string, page: PageInfo): Promise<void> {
    await this.run(id, (conv, now) => {
      const live = this.heardIn(conv, now)
      return stepOf(isLive(conv.status) ? withContext(live, { page }, now) : live)
    })
  }

  /**
   * Runs an operation on this connection's conversation. A write that failed may have left the
   * record without this socket: the next heartbeat writes it again.
   */
  async run(id: string, op: (conv: Conversation, now: number) => Step | null): ReturnType<ServerContext['service']['run']> {
    try {
      return await this.ctx.service.run(id, op)
    } catch (error) {
      this.vouched = false
      throw error
    }
  }

  /** The record with this connection heard at `now`, held by this process. */
  heardIn(conv: Conversation, now: number): Conversation {
    return heard(conv, this.id, this.tabId ?? this.id, now, this.ctx.processId)
  }

  private async touch(id: string): ReturnType<ServerContext['service']['run']> {
    const result = await this.run(id, (conv, now) => stepOf(this.heardIn(conv, now)))
    if (result) this.vouched = true
    return result
  }

  revouch(): void {
    this.vouched = false
  }

  recorded(connections: readonly CustomerConnection[]): void {
    if (!this.vouched) return
    // An away beacon, or another process that took this one for dead, wrote it gone.
    const held = connections.some((c) => c.id === this.id && c.heldBy === this.ctx.processId && c.goneAt === undefined)
    if (!held) this.vouched = false
  }

  /**
   * Called by the process's sweep: past the dead limit without a frame, the socket is no longer
   * vouched for, and the record counts it dead from its last frame (R2). A frame revives it.
   */
  async checkSilence(now: number): Promise<void> {
    const id = this.conversationId
    if (id === undefined || !this.vouched || this.closed || !isSilent(this.heardAt, now, this.ctx.config)) return
    this.vouched = false
    const heardAt = this.heardAt
    await this.run(id, (conv) => stepOf(silenced(conv, this.id, heardAt)))
  }

  private async onMessage(id: string, frame: CustomerMessageFrame): Promise<void> {
    if (!this.checkText(frame.text, frame.clientId)) return
    // An outbox message whose ack was lost before the previous chat ended: it stays there, once. Without
    // a previous chat there is nothing to look up: the step below de-duplicates within this one.
    const before = this.previousId ? await this.recordedBefore(id, this.previousId, frame.clientId) : undefined
    if (before) {
      await this.touch(id)
      return this.send({ type: 'ack', clientId: frame.clientId, ...before })
    }
    let ended = false
    const result = await this.run(id, (conv, now) => {
      const live = this.heardIn(conv, now)
      ended = !isLive(conv.status)
      if (ended) return stepOf(live)
      return { conversation: live, drafts: [customerMessage(frame.text, frame.clientId, now)] }
    })
    if (!result) return
    if (ended) {
      // Recorded before it ended, its ack lost on the way: it was delivered, say so.
      const known = await this.ctx.store.findAck(id, frame.clientId)
      if (known) return this.send({ type: 'ack', clientId: frame.clientId, ...known })
      return this.refuse('conversation-ended', 'the conversation has ended', { ref: frame.clientId })
    }
    const dup = result.duplicates.get(frame.clientId)
    const item = result.items.find((i) => i.kind === 'message' && i.clientId === frame.clientId)
    const ack = dup ?? (item && item.kind === 'message' ? { seq: item.seq, messageId: item.id } : undefined)
    if (ack) this.send({ type: 'ack', clientId: frame.clientId, ...ack })
  }

  /** The ack of `clientId` if it is recorded here already, or in the previous chat (named in the ack). */
  private async recordedBefore(id: string, previousId: string, clientId: string): Promise<(RecordedAck & { conversationId?: string }) | undefined> {
    const known = await this.ctx.store.findAck(id, clientId)
    if (known) return known
    const earlier = await this.ctx.store.findAck(previousId, clientId)
    return earlier && { ...earlier, conversationId: previousId }
  }

  /**
   * Checked against what this socket sent, so an ack costs the store nothing: it follows an event
   * by a moment, and the heartbeat (not the ack) keeps the connection heard.
   */
  private onAck(seq: number): void {
    if (seq > this.sentSeq) this.refuse('ack-invalid', `seq ${seq} was never sent (last is ${this.sentSeq})`, { ref: 'ack' })
  }

  /** Binds this socket to a conversation (recorded as held here) and replays the items after `afterSeq`, then goes live. */
  async attach(conv: Conversation, afterSeq: number): Promise<void> {
    this.conversationId = conv.id
    this.vouched = true
    this.previousId = conv.previousId
    this.sentSeq = afterSeq
    this.buffered = []
    try {
      // Followed before the transcript is read: what is recorded after the read then reaches here.
      await this.ctx.hub.addCustomer(conv.id, this, conv.status === 'open')
      const items = await this.ctx.store.transcript(conv.id, afterSeq)
      const buffered = this.buffered ?? []
      this.buffered = undefined
      this.deliver([...items, ...buffered])
    } finally {
      this.buffered = undefined
    }
  }

  /** Sends recorded items in order, each at most once. */
  deliver(items: readonly TranscriptItem[]): void {
    if (this.buffered) {
      this.buffered.push(...items)
      return
    }
    const id = this.conversationId
    // Read what this socket never got, so the customer does not wait on a hole until its next reconnect.
    if (id !== undefined && skipsAhead(items, this.sentSeq)) return void this.catchUp(id)
    this.sendAfter(items)
  }

  /** The store's fan-out was down: send what was recorded since the last item sent. */
  resync(): void {
    if (this.conversationId !== undefined) void this.catchUp(this.conversationId)
  }

  private async catchUp(id: string): Promise<void> {
    try {
      this.sendAfter(await this.ctx.store.transcript(id, this.sentSeq))
    } catch (error) {
      this.ctx.events.emit('error', { error, context: 'customer:catch-up' })
    }
  }

  /** Sends the items above the highest seq sent, in order. */
  private sendAfter(items: readonly TranscriptItem[]): void {
    for (const item of unsent(items, this.sentSeq)) {
      this.sentSeq = item.seq
      this.send({ type: 'event', item })
    }
  }

  /** The socket closed: the connection is gone (the window counts from when it was last heard). */
  async onClose(): Promise<void> {
    this.closed = true
    if (this.conversationId !== undefined) this.ctx.hub.removeCustomer(this.conversationId, this)
    // A hello still being handled records this connection in its conversation and only then names
    // it here: once it is done there is a departure to record, or the customer would count as
    // connected until the dead-connection limit.
    await this.drained()
    const id = this.conversationId
    if (id === undefined) return
    this.ctx.hub.removeCustomer(id, this)
    const heardAt = this.heardAt
    await this.run(id, (conv) => stepOf(connectionClosed(conv, this.id, heardAt))).catch((error: unknown) => {
      this.ctx.events.emit('error', { error, context: 'customer:close' })
    })
  }
}
