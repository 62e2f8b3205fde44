/**
 * One simulated agent of a chaos run: the real agent SDK over its own proxy. It accepts offers while
 * it has room, answers some customer messages, ends chats when the plan says and closes wrap-ups,
 * recording what it wrote and every capacity it was told.
 */
import WebSocket from 'ws'
import { createAgent } from '../../src/agent/index.js'
import type { Agent } from '../../src/agent/types.js'
import type { Proxy } from '../helpers/proxy.js'
import type { Random } from '../helpers/random.js'
import type { Interval, Written } from './customer.js'

export class ChaosAgent {
  readonly agent: Agent
  readonly written: Written[] = []
  readonly capacities: Array<{ used: number; total: number }> = []
  readonly outages: Interval[] = []
  /** While false (the end of a run), offers are left alone. */
  accepting = true
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** When the console last lost its connection, while it is still without one. */
  private lostAt: number | undefined

  constructor(
    readonly name: string,
    readonly proxy: Proxy,
    token: string,
    private readonly random: Random,
  ) {
    this.agent = createAgent({ url: proxy.url, token, WebSocket })
    // Gone as the console saw it, not only as planned: a server restart, or the backoff after one,
    // can leave it away longer than any planned outage.
    this.agent.on('connection', ({ state }) => {
      if (state !== 'connected') this.lostAt ??= Date.now()
      else if (this.lostAt !== undefined) {
        this.outages.push({ from: this.lostAt, to: Date.now(), why: 'disconnected' })
        this.lostAt = undefined
      }
    })
    this.agent.on('capacity', (c) => {
      this.capacities.push({ ...c })
      // Room again: take one of the offers that came while it was full.
      for (const id of this.agent.offers.keys()) this.consider(id)
    })
    this.agent.on('offer', (c) => this.consider(c.id))
    this.agent.on('message', ({ conversationId, message }) => {
      if (message.from === 'customer' && this.random.chance(0.3)) this.later(this.random.between(20, 300), () => this.reply(conversationId))
    })
    this.agent.on('conversation', (c) => {
      // A chat in wrap-up (ended by either side) is closed after a short while, as an agent would.
      if (c.status === 'wrap-up') this.later(this.random.between(200, 1_000), () => this.close(c.id))
    })
  }

  async connect(): Promise<void> {
    await this.agent.connect()
  }

  /** End one of its active chats, as the plan says (Active -> Wrap-up). */
  endOne(): void {
    const active = [...this.agent.conversations.values()].filter((c) => c.status === 'active')
    if (active.length === 0) return
    const target = active[this.random.between(0, active.length - 1)]!
    void this.agent.end(target.id).catch(() => undefined)
  }

  /** The console's network is gone for `ms`. */
  async offline(ms: number): Promise<void> {
    const from = Date.now()
    this.proxy.refuse(true)
    this.proxy.dropAll()
    await sleep(ms)
    this.proxy.refuse(false)
    this.outages.push({ from, to: Date.now(), why: 'offline' })
  }

  /** The console's socket stays open and silent for `ms`, then its traffic flows again, in order. */
  async stall(ms: number): Promise<void> {
    const from = Date.now()
    this.proxy.pause()
    await sleep(ms)
    this.proxy.resume()
    // Silent to the server meanwhile, as an absence is: R11's judgement counts from it.
    this.outages.push({ from, to: Date.now(), why: 'stalled' })
  }

  /** The connection is cut; on the next one the server's ready comes `ms` late, while the console writes. */
  lateReady(ms: number): void {
    this.proxy.lateAnswer(ms)
    this.proxy.dropAll()
  }

  /** End and close everything it holds (the end of a run). */
  async closeAll(): Promise<void> {
    this.accepting = false
    const held = [...this.agent.conversations.values()].filter((c) => c.status === 'active' || c.status === 'wrap-up')
    // Bounded: an action on a connection that never comes back must not hang the run.
    const bounded = (action: Promise<unknown>): Promise<unknown> => Promise.race([action.catch(() => undefined), sleep(3_000)])
    await Promise.all(held.map((c) => bounded(this.agent.close(c.id))))
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.agent.disconnect()
  }

  private consider(conversationId: string): void {
    const { used, total } = this.agent.capacity
    if (!this.accepting || used >= total) return
    // Another agent may win the race; the loser's refusal is expected.
    void this.agent.accept(conversationId).catch(() => undefined)
  }

  private reply(conversationId: string): void {
    if (this.agent.conversations.get(conversationId)?.status !== 'active') return
    const entry: Written = { text: `${this.name}>${this.written.length}`, fate: 'pending', conversationId }
    this.written.push(entry)
    this.agent.send(conversationId, entry.text).then(
      ({ seq }) => {
        entry.fate = 'acked'
        entry.seq = seq
      },
      (error: { code?: string }) => {
        entry.fate = 'rejected'
        entry.code = error.code
      },
    )
  }

  private close(conversationId: string): void {
    if (this.agent.conversations.get(conversationId)?.status !== 'wrap-up') return
    void this.agent.close(conversationId).catch(() => undefined)
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, ms)
    this.timers.add(timer)
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
