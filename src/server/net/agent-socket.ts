/**
 * One agent socket on `/v1/agent`: `auth` first, then accept / message / end / close / typing.
 * Capacity and offers come from routing; the agent's presence drives R11.
 */
import {
  PROTOCOL_VERSION,
  type AgentFrame,
  type AgentMessageFrame,
  type AgentSummary,
  type AuthFrame,
  type NoteItem,
  type ServerToAgentFrame,
  type TranscriptItem,
} from '../../protocol/frames.js'
import { parseAgentFrame, type ParseResult } from '../../protocol/validate.js'
import { presenceOf } from '../engine/presence.js'
import { acceptRefusal, acceptStep, agentCloseStep, agentEndStep, agentMessageStep, isOwnedBy } from '../engine/agent-actions.js'
import { computeOffers } from '../engine/routing.js'
import type { Conversation } from '../engine/types.js'
import { findAgent, isAdmin, type AgentIdentity } from './agent-auth.js'
import { agentSummaries, handleNote, handleTransfer, SUPERVISOR } from './agent-workspace.js'
import { agentBackEverywhere, agentGoneEverywhere } from '../runner/agent-presence.js'
import { currentLoads, routingView } from '../runner/loads.js'
import { Connection, type Side } from './connection.js'
import { skipsAhead, unsent } from './delivery.js'
import type { AgentPeer } from './peers.js'
import { snapshotOf } from './snapshot.js'

type Targeted = Exclude<AgentFrame, AuthFrame | { type: 'ping' } | { type: 'transfer' } | { type: 'note' }>

/** An agent console's socket. */
export class AgentSocket extends Connection<ServerToAgentFrame, AgentFrame> implements AgentPeer {
  /** Set once `ready` is out. */
  agent: AgentIdentity | undefined
  /** Set once registered (during auth), so a close mid-auth still cleans up. */
  private registered: AgentIdentity | undefined
  /** Open conversations offered on this connection. */
  readonly offered = new Set<string>()
  /** Conversations this connection follows, with the highest seq sent. */
  private readonly sentSeq = new Map<string, number>()
  private lastCapacity = ''
  /** Signed in with an admin token: follows every conversation, holds no capacity, is offered nothing. */
  supervisor = false
  /** Per conversation, the ids of the internal notes sent (each goes once). */
  private readonly sentNotes = new Map<string, Set<string>>()
  /** Conversations a supervisor is being sent whole (a `conversation` frame on its way). */
  private readonly introducing = new Set<string>()
  private lastAgents = ''
  /**
   * What arrived for this console while `ready` was being prepared (recorded items, presence
   * changes), replayed right after it: the snapshots may have been read before it happened.
   */
  private early: Array<() => void> | undefined = []

  get side(): Side {
    return 'agent'
  }

  protected parse(text: string): ParseResult<AgentFrame> {
    return parseAgentFrame(text, this.parseLimits)
  }

  protected refOf(frame: AgentFrame): string {
    // A message by its client id, so that the console retries (or drops) that one.
    return frame.type === 'message' || frame.type === 'note' ? frame.clientId : 'conversationId' in frame ? frame.conversationId : frame.type
  }

  protected async handle(frame: AgentFrame): Promise<void> {
    if (frame.type === 'auth') {
      this.greet()
      return this.onAuth(frame)
    }
    if (frame.type === 'ping') return this.send({ type: 'pong', t: frame.t })
    const agent = this.agent
    if (!agent) return this.refuse('not-ready', 'send auth first', { ref: frame.type })
    const conv = await this.ctx.store.get(frame.conversationId)
    if (!conv) return this.refuse('not-found', 'no such conversation', { ref: frame.type === 'note' ? frame.clientId : frame.conversationId })
    // The agent workspace: transfer and notes, for agents and supervisors alike.
    const author = this.supervisor ? SUPERVISOR : { id: agent.id, name: agent.name }
    if (frame.type === 'transfer') return handleTransfer(this.ctx, this, author, conv, frame)
    if (frame.type === 'note') return handleNote(this.ctx, this, author, conv, frame)
    if (this.supervisor) return this.refuse('forbidden', 'a supervisor takes no chats and writes to no customer', { ref: this.refOf(frame) })
    if (frame.type === 'accept') return this.onAccept(agent, conv)
    if (conv.agent?.id !== agent.id) {
      // Its own message, recorded before the chat left it (the ack lost on the way): acknowledged.
      if (frame.type === 'message' && (await this.ackEarlier(agent, conv.id, frame.clientId))) return
      return this.refuse('forbidden', 'this conversation is not assigned to you', { ref: conv.id })
    }
    return this.onAssigned(agent, conv, frame)
  }

  /** Sends the original ack of `clientId` if this agent wrote that message here; false otherwise. */
  private async ackEarlier(agent: AgentIdentity, conversationId: string, clientId: string): Promise<boolean> {
    const known = await this.ctx.store.findAck(conversationId, clientId)
    if (!known) return false
    const [written] = await this.ctx.store.transcript(conversationId, known.seq - 1)
    if (written?.kind !== 'message' || written.from !== 'agent' || written.agent?.id !== agent.id || written.clientId !== clientId) return false
    this.send({ type: 'ack', clientId, conversationId, ...known })
    return true
  }

  private async onAssigned(agent: AgentIdentity, conv: Conversation, frame: Targeted): Promise<void> {
    const { config } = this.ctx
    switch (frame.type) {
      case 'message':
        return this.onMessage(agent, conv, frame)
      case 'typing':
        if (conv.status === 'active') await this.ctx.store.publish({ type: 'typing', conversationId: conv.id, from: 'agent', agentId: agent.id })
        return
      case 'end': {
        const r = await this.ctx.service.run(conv.id, (c, now) => agentEndStep(c, agent.id, now, config))
        if (r?.conversation.status !== 'wrap-up' || r.items.length === 0) this.refuse('conflict', `the conversation is ${r?.conversation.status ?? conv.status}`, { ref: conv.id })
        return
      }
      case 'close': {
        const r = await this.ctx.service.run(conv.id, (c, now) => agentCloseStep(c, agent.id, now, config))
        if (!r || r.previous.status === 'closed') this.refuse('conflict', 'the conversation is already closed', { ref: conv.id })
        return
      }
      case 'accept':
        return
    }
  }

  private async onAuth(frame: AuthFrame): Promise<void> {
    if (this.agent) return this.refuse('already-started', 'already authenticated', { ref: 'auth' })
    if (frame.v !== PROTOCOL_VERSION) return this.refuse('unsupported-version', `protocol version ${frame.v} is not supported`, { fatal: true })
    const found = findAgent(this.ctx.options.agentTokens, frame.token, this.ctx.options.defaultCapacity)
    if (!found && isAdmin(this.ctx.options.adminTokens, frame.token)) return this.onSupervisorAuth()
    if (!found) return this.refuse('unauthorized', 'unknown agent token', { fatal: true })
    if (frame.capacity !== undefined && (frame.capacity < 1 || frame.capacity > 1000)) {
      return this.refuse('bad-frame', 'capacity must be from 1 to 1000', { ref: 'auth' })
    }
    const agent = { ...found, capacity: frame.capacity ?? found.capacity }
    // Registered before the snapshots are read, so nothing recorded meanwhile is missed (see `early`).
    this.ctx.hub.addAgent(agent.id, this)
    this.registered = agent
    await this.ctx.store.updateAgent(agent.id, (prev) => ({
      id: agent.id,
      name: agent.name,
      capacity: agent.capacity,
      connections: [...(prev?.connections ?? []).filter((c) => c !== this.id), this.id],
    }))
    await agentBackEverywhere(this.ctx, agent.id)
    await this.sendReady(agent)
    this.agent = agent
    const early = this.early ?? []
    this.early = undefined
    for (const replay of early) replay()
    // A note written while an offer's snapshot was read went to the consoles offered it, not yet this one.
    for (const id of [...this.offered]) this.deliverNotes(id, await this.ctx.store.notes(id))
    await this.ctx.store.publish({ type: 'routing' })
  }

  /** An admin token: a supervisor, registered apart from agents (routing never sees it). */
  private async onSupervisorAuth(): Promise<void> {
    const identity = { ...SUPERVISOR, capacity: 0 }
    this.supervisor = true
    this.ctx.hub.addSupervisor(this)
    const { store, config } = this.ctx
    const live = await store.listConversations({ statuses: ['open', 'active', 'wrap-up'] })
    const conversations = await Promise.all(live.map((c) => snapshotOf(c, store, config, this.ctx.now())))
    for (const s of conversations) this.follow(s.id, s.transcript.at(-1)?.seq ?? 0, s.notes)
    const { loads } = await currentLoads(this.ctx)
    const agents = agentSummaries(this.ctx, loads)
    this.lastAgents = JSON.stringify(agents)
    this.send({
      type: 'ready', v: PROTOCOL_VERSION, agent: identity, role: 'supervisor', conversations, offers: [], agents,
      graceMs: config.graceMs, agentGraceMs: config.agentGraceMs, heartbeatMs: config.heartbeatMs,
    })
    this.agent = identity
    const early = this.early ?? []
    this.early = undefined
    for (const replay of early) replay()
  }

  private async sendReady(agent: AgentIdentity): Promise<void> {
    const { store, config } = this.ctx
    const assigned = (await store.liveAssigned([agent.id])).filter((c) => c.status !== 'open')
    const conversations = await Promise.all(assigned.map((c) => snapshotOf(c, store, config, this.ctx.now())))
    // The offers routing makes, from the same reads (the queue's head, not every open chat).
    const { loads, open } = await routingView(this.ctx, [agent.id])
    const byId = new Map(open.map((c) => [c.id, c]))
    const offered = (computeOffers(open, loads).get(agent.id) ?? []).flatMap((id) => byId.get(id) ?? [])
    const offers = await Promise.all(offered.map((c) => snapshotOf(c, store, config, this.ctx.now())))
    for (const s of [...conversations, ...offers]) this.follow(s.id, s.transcript.at(-1)?.seq ?? 0, s.notes)
    for (const s of offers) this.offered.add(s.id)
    const agents = agentSummaries(this.ctx, loads)
    this.lastAgents = JSON.stringify(agents)
    this.send({
      type: 'ready',
      v: PROTOCOL_VERSION,
      agent,
      role: 'agent',
      agents,
      conversations,
      offers,
      graceMs: config.graceMs,
      agentGraceMs: config.agentGraceMs,
      heartbeatMs: config.heartbeatMs,
      canned: [...this.ctx.options.cannedResponses],
    })
  }

  private async onAccept(agent: AgentIdentity, conv: Conversation): Promise<void> {
    if (conv.status !== 'open' && !isOwnedBy(conv, agent.id)) return this.refuse('conflict', `the conversation is ${conv.status}`, { ref: conv.id })
    // Capacity is read and taken under the agent's lock: two consoles of one agent, even on two
    // processes, cannot both take its last unit.
    await this.ctx.store.exclusive(`agent:${agent.id}`, () => this.take(agent, conv))
  }

  private async take(agent: AgentIdentity, conv: Conversation): Promise<void> {
    // Already this agent's: an accept re-sent after a reconnect, or from its other console, or one
    // that waited on the lock for the first. The status item that made it ours is (or was)
    // delivered; a conflict, or a capacity counting this very chat, would refuse what was granted.
    const current = (await this.ctx.store.get(conv.id)) ?? conv
    if (isOwnedBy(current, agent.id)) return void this.offered.delete(conv.id)
    const { loads } = await currentLoads(this.ctx)
    const refusal = acceptRefusal(current, agent.id, loads)
    if (refusal === 'owned') return void this.offered.delete(conv.id)
    if (refusal) return this.refuse(refusal.code, refusal.message, { ref: conv.id })
    const info = { id: agent.id, name: agent.name }
    const r = await this.ctx.service.run(conv.id, (c, now) => acceptStep(c, info, now, this.ctx.config))
    if (!r || !isOwnedBy(r.conversation, agent.id)) {
      return this.refuse('conflict', 'the conversation was taken', { ref: conv.id })
    }
    this.offered.delete(conv.id)
  }

  private async onMessage(agent: AgentIdentity, conv: Conversation, frame: AgentMessageFrame): Promise<void> {
    if (!this.checkText(frame.text, frame.clientId)) return
    const ack = (a: { seq: number; messageId: string }): void =>
      this.send({ type: 'ack', clientId: frame.clientId, conversationId: conv.id, ...a })
    const info = { id: agent.id, name: agent.name }
    // A repeat is found by the store's write (its duplicates); only a message the chat no longer
    // takes (ended since) is looked up, as it may be one recorded before the end, its ack lost.
    const r = await this.ctx.service.run(conv.id, (c, now) => agentMessageStep(c, info, frame.text, frame.clientId, now))
    const item = r?.items.find((i) => i.kind === 'message' && i.clientId === frame.clientId)
    const recorded = r?.duplicates.get(frame.clientId) ?? (item?.kind === 'message' ? { seq: item.seq, messageId: item.id } : undefined)
    if (recorded) return ack(recorded)
    const known = await this.ctx.store.findAck(conv.id, frame.clientId)
    if (known) return ack(known)
    this.refuse('conflict', `the conversation is ${r?.conversation.status ?? conv.status}`, { ref: frame.clientId })
  }

  /** Until `ready` is out, only answers to this connection's own frames go out (ready, error, pong); presence changes wait for it. */
  override send(frame: ServerToAgentFrame): void {
    // A conversation sent whole is followed from there (to a supervisor, or as a transfer's answer).
    if (frame.type === 'conversation') this.follow(frame.conversation.id, frame.conversation.transcript.at(-1)?.seq ?? 0, frame.conversation.notes)
    // A withdrawn offer is no longer shown: its fan-out is left (an accept that lands after all
    // brings it back through the agent's channel).
    if (frame.type === 'offer-withdrawn') this.ctx.hub.unfollow(this, frame.conversationId)
    if (this.agent === undefined && frame.type === 'presence') this.early?.push(() => this.send(frame))
    if (this.agent === undefined && frame.type === 'customer') this.early?.push(() => this.send(frame))
    if (this.agent === undefined && !['ready', 'error', 'pong'].includes(frame.type)) return
    super.send(frame)
  }

  /** Starts following a conversation from `seq` (its snapshot was sent up to there, with `notes`). */
  follow(conversationId: string, seq: number, notes: readonly NoteItem[] = []): void {
    this.sentSeq.set(conversationId, Math.max(seq, this.sentSeq.get(conversationId) ?? 0))
    for (const note of notes) this.noted(conversationId, note)
    this.track(conversationId)
  }

  /**
   * Has this process follow the conversation's fan-out for this console. When that starts now,
   * what was recorded between the console's snapshot and the subscription never came: read it.
   */
  private track(conversationId: string): void {
    if (this.closed) return
    this.ctx.hub.follow(this, conversationId).then(
      async (started) => {
        if (started && !this.closed) await this.catchUp(conversationId, this.sentSeq.get(conversationId) ?? 0)
      },
      (error: unknown) => this.ctx.events.emit('error', { error, context: 'agent:follow' }),
    )
  }

  /** The console holds `note` (sent in a snapshot or as an answer): it is not sent again. */
  noted(conversationId: string, note: NoteItem): void {
    let sent = this.sentNotes.get(conversationId)
    if (!sent) this.sentNotes.set(conversationId, (sent = new Set()))
    sent.add(note.id)
  }

  /** Sends the internal notes not sent yet, each once, in the order given. */
  deliverNotes(conversationId: string, notes: readonly NoteItem[]): void {
    if (this.early) {
      this.early.push(() => this.deliverNotes(conversationId, notes))
      return
    }
    const sent = this.sentNotes.get(conversationId)
    for (const note of notes) {
      if (sent?.has(note.id)) continue
      this.noted(conversationId, note)
      this.send({ type: 'note', conversationId, note })
    }
  }

  /** Sends `agents` when the list changed. */
  agentsChanged(agents: readonly AgentSummary[]): void {
    const key = JSON.stringify(agents)
    if (key === this.lastAgents) return
    this.lastAgents = key
    this.send({ type: 'agents', agents: [...agents] })
  }

  /** A supervisor is sent a conversation it did not follow (a new one) whole, then its later items. */
  private async introduce(conversationId: string): Promise<void> {
    if (this.introducing.has(conversationId)) return
    this.introducing.add(conversationId)
    try {
      const conv = await this.ctx.store.get(conversationId)
      // A chat that ended before the supervisor saw it live is not one it follows.
      if (!conv || this.closed || conv.status === 'closed') return
      const snapshot = await snapshotOf(conv, this.ctx.store, this.ctx.config, this.ctx.now())
      this.send({ type: 'conversation', conversation: snapshot })
      // Items recorded while the snapshot was read and sent were dropped here: read them now.
      await this.catchUp(conversationId, this.sentSeq.get(conversationId) ?? 0)
    } catch (error) {
      this.ctx.events.emit('error', { error, context: 'agent:supervisor' })
    } finally {
      this.introducing.delete(conversationId)
    }
  }

  /** Sends recorded items of a followed (or newly assigned) conversation, each once, in order. */
  deliver(conversationId: string, items: readonly TranscriptItem[]): void {
    if (this.early) {
      this.early.push(() => this.deliver(conversationId, items))
      return
    }
    if (items.length === 0) return
    if (this.supervisor && !this.sentSeq.has(conversationId)) return void this.introduce(conversationId)
    const sent = this.sentSeq.get(conversationId) ?? 0
    // Followed before, with items missed since (recorded while its offer was withdrawn, before this
    // console's accept landed, or a publish lost): the console must not hold a transcript with a hole.
    if (sent > 0 && skipsAhead(items, sent)) return void this.catchUp(conversationId, sent)
    this.sendAfter(conversationId, items)
  }

  /**
   * The store's fan-out was down: read again what this console follows (its chats' items and their
   * customers' presence, the offers' items); routing, run after, redoes offers and capacity.
   */
  resync(): void {
    if (this.agent !== undefined) void this.readAgain(this.agent)
  }

  private async readAgain(agent: AgentIdentity): Promise<void> {
    try {
      const assigned = this.supervisor
        ? await this.ctx.store.listConversations({ statuses: ['open', 'active', 'wrap-up'] })
        : await this.followed(agent.id)
      for (const conv of assigned) {
        if (conv.status !== 'closed' && this.sentSeq.has(conv.id)) this.send({ type: 'presence', presence: presenceOf(conv, this.ctx.config, this.ctx.now()) })
      }
      for (const id of new Set([...assigned.map((c) => c.id), ...this.offered])) {
        const sent = this.sentSeq.get(id) ?? 0
        if (sent > 0) await this.catchUp(id, sent)
        if (sent > 0) this.deliverNotes(id, await this.ctx.store.notes(id))
      }
    } catch (error) {
      this.ctx.events.emit('error', { error, context: 'agent:resync' })
    }
  }

  /**
   * An agent's live conversations and those this console follows that are no longer (closed, or
   * taken back, while the fan-out was down): what a resync reads again, never the agent's history.
   */
  private async followed(agentId: string): Promise<Conversation[]> {
    const live = (await this.ctx.store.liveAssigned([agentId])).filter((c) => c.agent?.id === agentId)
    const known = new Set(live.map((c) => c.id))
    const others = await Promise.all([...this.sentSeq.keys()].filter((id) => !known.has(id)).map((id) => this.ctx.store.get(id)))
    return [...live, ...others.filter((c): c is Conversation => c !== undefined && c.agent?.id === agentId)]
  }

  private async catchUp(conversationId: string, sent: number): Promise<void> {
    try {
      this.sendAfter(conversationId, await this.ctx.store.transcript(conversationId, sent))
    } catch (error) {
      this.ctx.events.emit('error', { error, context: 'agent:catch-up' })
    }
  }

  /** Sends the items above the highest seq sent, in order. */
  private sendAfter(conversationId: string, items: readonly TranscriptItem[]): void {
    const fresh = unsent(items, this.sentSeq.get(conversationId) ?? 0)
    for (const item of fresh) this.send({ type: 'event', conversationId, item })
    if (fresh.length === 0) return
    this.sentSeq.set(conversationId, (fresh.at(-1) as TranscriptItem).seq)
    // A closed chat shows nothing more: its fan-out is no longer followed for this console.
    if (fresh.some((i) => i.kind === 'status' && i.status === 'closed')) this.ctx.hub.unfollow(this, conversationId)
    else this.track(conversationId)
  }

  /** Sends `capacity` when it changed. */
  capacity(used: number, total: number): void {
    const key = `${used}/${total}`
    if (key === this.lastCapacity) return
    this.lastCapacity = key
    this.send({ type: 'capacity', used, total })
  }

  /** The socket closed; when it was the agent's last one, R11 starts. */
  async onClose(): Promise<void> {
    this.closed = true
    await this.drained()
    if (this.supervisor) return void this.ctx.hub.removeSupervisor(this)
    const agent = this.registered
    if (!agent) return
    this.ctx.hub.removeAgent(agent.id, this)
    try {
      const record = await this.ctx.store.updateAgent(agent.id, (prev) => {
        const connections = (prev?.connections ?? []).filter((c) => c !== this.id)
        const base = { id: agent.id, name: agent.name, capacity: prev?.capacity ?? agent.capacity, connections }
        return connections.length === 0 ? { ...base, awaySince: this.ctx.now() } : base
      })
      if (record.connections.length === 0) await agentGoneEverywhere(this.ctx, agent.id)
      await this.ctx.store.publish({ type: 'routing' })
    } catch (error) {
      this.ctx.events.emit('error', { error, context: 'agent:close' })
    }
  }
}
