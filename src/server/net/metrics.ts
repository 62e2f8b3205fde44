/**
 * `GET /metrics` through prom-client, one registry per server (several servers may share a process,
 * as tests do), with Node's process metrics. Every labelled counter starts at 0 for each label it can
 * have, so `rate()` and alerts see a series before its first event.
 *
 * Summing over processes: every figure here is counted by the process that saw it (its connections,
 * the transitions it made, the frames it refused), so `sum()` over processes is right, except the
 * `holdline_store_*` gauges: those read the shared store, every process reports the same whole-cluster
 * figure, and they are aggregated with `max()`.
 */
import type * as PromClient from 'prom-client'
import { ERROR_CODES } from '../../protocol/codes.js'
import type { TransitionReason } from '../../protocol/frames.js'
import { DEADLINE_KINDS } from '../engine/types.js'
import type { Store } from '../store/types.js'
import { CONVERSATION_STATUSES } from '../store/types.js'

type Prom = typeof PromClient

/** Every transition reason (the `reason` label), for counters present at 0. */
const TRANSITION_REASONS: Record<TransitionReason, true> = {
  'customer-started': true,
  'agent-accepted': true,
  'customer-disconnected': true,
  'customer-ended': true,
  'agent-ended': true,
  'wrap-up-timeout': true,
  'agent-closed': true,
  'queue-timeout': true,
  'agent-disconnected': true,
  'customer-reconnected': true,
  'agent-transferred': true,
}

/** Where server `error` events come from (the `area` label: the part of their context before ':'). */
const ERROR_AREAS = ['customer', 'agent', 'refused', 'http', 'routing', 'scheduler', 'agent-leases', 'listener', 'other'] as const

const SIDES = ['customer', 'agent'] as const

/** Latency buckets, seconds: a store round trip is about a millisecond, an outage seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** Deadline lateness buckets, seconds: the poll is 250 ms, an outage's settling several seconds. */
const LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** The frame fields the timings look at. */
interface TimedFrame {
  type: string
  resume?: unknown
}

/** A server's metrics. @example metrics.refused('rate-limited') */
export class Metrics {
  /** Open connections by side (the `holdline_connections` gauge reads these). */
  readonly connections = { customer: 0, agent: 0 }
  readonly registry: PromClient.Registry
  private readonly transitions: PromClient.Counter<'reason'>
  private readonly refusals: PromClient.Counter<'code'>
  private readonly errors: PromClient.Counter<'area'>
  private readonly ackSeconds: PromClient.Histogram<'side'>
  private readonly resumeSeconds: PromClient.Histogram
  private readonly lateness: PromClient.Histogram<'kind'>

  constructor(prom: Prom, store: Store) {
    const registers = [(this.registry = new prom.Registry())]
    defaultMetrics(prom, this.registry)
    const connections = this.connections
    new prom.Gauge({
      name: 'holdline_connections', help: 'Open WebSocket connections of this process, by side.', labelNames: ['side'], registers,
      collect() {
        for (const side of SIDES) this.set({ side }, connections[side])
      },
    })
    storeGauges(prom, registers, store)
    this.transitions = new prom.Counter({ name: 'holdline_transitions_total', help: 'Conversation transitions made by this process, by reason.', labelNames: ['reason'], registers })
    for (const reason of Object.keys(TRANSITION_REASONS)) this.transitions.inc({ reason }, 0)
    this.refusals = new prom.Counter({ name: 'holdline_frames_refused_total', help: 'Frames (and beacons) refused by this process, by error code.', labelNames: ['code'], registers })
    for (const code of ERROR_CODES) this.refusals.inc({ code }, 0)
    this.errors = new prom.Counter({ name: 'holdline_errors_total', help: 'Server error events (store failures, broken sockets), by area.', labelNames: ['area'], registers })
    for (const area of ERROR_AREAS) this.errors.inc({ area }, 0)
    this.ackSeconds = new prom.Histogram({ name: 'holdline_message_ack_seconds', help: 'From a chat message frame arriving to its acknowledgement (or refusal) being sent, by side.', labelNames: ['side'], buckets: LATENCY_BUCKETS, registers })
    for (const side of SIDES) this.ackSeconds.zero({ side })
    this.resumeSeconds = new prom.Histogram({ name: 'holdline_resume_seconds', help: 'From a hello asking to resume arriving to its answer being sent.', buckets: LATENCY_BUCKETS, registers })
    this.lateness = new prom.Histogram({ name: 'holdline_deadline_lateness_seconds', help: 'How late deadlines fired here (grace windows, auto-closes), by kind.', labelNames: ['kind'], buckets: LATENESS_BUCKETS, registers })
    for (const kind of DEADLINE_KINDS) this.lateness.zero({ kind })
  }

  transition(reason: string): void {
    this.transitions.inc({ reason })
  }

  refused(code: string): void {
    this.refusals.inc({ code })
  }

  /** An `error` event with this context. */
  error(context: string): void {
    const area = context.split(':')[0] ?? ''
    this.errors.inc({ area: (ERROR_AREAS as readonly string[]).includes(area) ? area : 'other' })
  }

  /** A frame that arrived at `startedAt` (performance.now()) has been handled. */
  handled(side: 'customer' | 'agent', frame: TimedFrame, startedAt: number): void {
    const seconds = (performance.now() - startedAt) / 1_000
    if (frame.type === 'message') this.ackSeconds.observe({ side }, seconds)
    else if (frame.type === 'hello' && frame.resume !== undefined) this.resumeSeconds.observe(seconds)
  }

  /** A deadline of `kind` due at `at` fired at `now`. */
  fired(kind: string, at: number, now: number): void {
    this.lateness.observe({ kind }, Math.max(0, now - at) / 1_000)
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}

/**
 * prom-client's process metrics, less three gauges whose names end in `_total`, which promtool rightly
 * flags (only counters may): their figures remain, by type, in `nodejs_active_handles`,
 * `nodejs_active_requests` and `nodejs_active_resources`.
 */
function defaultMetrics(prom: Prom, registry: PromClient.Registry): void {
  prom.collectDefaultMetrics({ register: registry })
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name)
}

/** Gauges read from the shared store at each scrape: the same in every process (aggregate with max()). */
function storeGauges(prom: Prom, registers: PromClient.Registry[], store: Store): void {
  // One store read per scrape, shared by both gauges (prom-client collects them side by side).
  let pending: Promise<Record<string, number> | undefined> | undefined
  const read = (): Promise<Record<string, number> | undefined> =>
    (pending ??= store.countByStatus().then(
      (byState) => byState,
      () => undefined,
    ).finally(() => (pending = undefined)))
  new prom.Gauge({
    name: 'holdline_store_conversations', help: 'Conversations in the store by state: the whole cluster, the same from every process sharing the store (aggregate with max, not sum).', labelNames: ['state'], registers,
    async collect() {
      const byState = await read()
      // Unknown while the store is away: no stale figure.
      if (!byState) return this.reset()
      for (const state of CONVERSATION_STATUSES) this.set({ state }, byState[state] ?? 0)
    },
  })
  new prom.Gauge({
    name: 'holdline_store_up', help: 'Whether the store answered this scrape (1) or not (0).', registers,
    async collect() {
      this.set((await read()) ? 1 : 0)
    },
  })
}
