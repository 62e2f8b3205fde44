/**
 * The invariants of a chaos run, checked on what everyone saw: the server's records, each
 * customer's and agent's own view, and the timeline of faults. Pure: returns every violation found
 * as a sentence, so one failing run shows all that went wrong.
 */
import type { ConversationStatus, TranscriptItem, TransitionReason } from '../../src/protocol/frames.js'
import type { CustomerEvent, Interval, Written } from './customer.js'

export interface ServerRecord {
  id: string
  status: ConversationStatus
  /** The customer's chat before this one, as the server linked them. */
  previousId?: string
  transcript: TranscriptItem[]
}

export interface CustomerView {
  name: string
  written: Written[]
  events: CustomerEvent[]
  outages: Interval[]
  /** The conversation the customer's page shows at the end, with its settled messages. */
  final?: { id: string; status: ConversationStatus; messages: Array<{ seq: number; text: string; pending?: boolean }> }
}

export interface AgentView {
  name: string
  id: string
  written: Written[]
  capacities: Array<{ used: number; total: number }>
  /** When the console had no network. */
  outages: Interval[]
  conversations: Array<{ id: string; transcript: TranscriptItem[] }>
  /** Capacity in use at the end, as the agent SDK says and as the server's records say. */
  finalUsed: number
  serverUsed: number
}

export interface Observation {
  graceMs: number
  heartbeatMs: number
  agentGraceMs: number
  /** R10 on: how long after a customer-disconnected end the chat could be reopened. */
  reconnectWindowMs?: number
  conversations: ServerRecord[]
  customers: CustomerView[]
  agents: AgentView[]
  /** Whole-server outages (restarts). */
  restarts: Interval[]
  /** Phases of the run's end that did not settle in time (each a finding). */
  stalls: string[]
}

const LIVE = new Set<ConversationStatus>(['open', 'active'])

/** Allowed status changes and their reasons (SPEC section 2), R10's reopening apart. */
const EDGES: Record<string, readonly TransitionReason[]> = {
  'open->active': ['agent-accepted'],
  'open->closed': ['customer-disconnected', 'customer-ended', 'queue-timeout'],
  'active->wrap-up': ['customer-disconnected', 'customer-ended', 'agent-ended'],
  'active->closed': ['agent-closed'],
  'active->open': ['agent-disconnected'],
  'wrap-up->closed': ['wrap-up-timeout', 'agent-closed'],
}
/** R10: an ended chat reopened by its customer. */
const REOPENINGS: Record<string, readonly TransitionReason[]> = {
  'wrap-up->open': ['customer-reconnected'],
  'closed->open': ['customer-reconnected'],
}

/**
 * How old the news in a welcome may be when the page gets it (a few ms on loopback; more on a
 * loaded machine). A chat ended longer ago than this and still welcomed as live was resumed after
 * its end.
 */
const STALE_MS = 1_000

export function violations(o: Observation): string[] {
  const out: string[] = o.stalls.map((s) => `did not settle: ${s}`)
  const byId = new Map(o.conversations.map((c) => [c.id, c]))
  for (const conv of o.conversations) checkRecord(o, conv, out)
  checkTexts(o, byId, out)
  for (const customer of o.customers) checkCustomer(o, customer, byId, out)
  for (const agent of o.agents) checkAgent(o, agent, byId, out)
  const seen = new Set(o.customers.flatMap((c) => c.events.map((e) => e.conversationId)))
  for (const conv of o.conversations) {
    if (!seen.has(conv.id) && !unwelcomed(o, conv)) out.push(`${conv.id}: on the server, but no customer was ever told of it (a ghost chat)`)
  }
  return out
}

function statuses(conv: ServerRecord): Array<Extract<TranscriptItem, { kind: 'status' }>> {
  return conv.transcript.filter((i): i is Extract<TranscriptItem, { kind: 'status' }> => i.kind === 'status')
}

/** The status the conversation had at `at` (Open before it was recorded: nothing had ended it). */
function statusAt(conv: ServerRecord, at: number): ConversationStatus {
  return statuses(conv).filter((s) => s.at <= at).at(-1)?.status ?? 'open'
}

/** Whether it was Open or Active at some moment from `from` to `to` (R10 can make an ended chat live again). */
function liveDuring(conv: ServerRecord, from: number, to: number): boolean {
  return LIVE.has(statusAt(conv, from)) || statuses(conv).some((s) => s.at > from && s.at <= to && LIVE.has(s.status))
}

/** When the conversation next left Open/Active after `after`, if it did. */
function endedAfter(conv: ServerRecord, after: number): number | undefined {
  return statuses(conv).find((s) => s.at > after && !LIVE.has(s.status))?.at
}

/**
 * Sequence numbers 1..n without gaps; every change an allowed one; R4's message after each
 * disconnection; R10: reopened only when on, within its window of an end by the customer's absence.
 */
function checkRecord(o: Observation, conv: ServerRecord, out: string[]): void {
  conv.transcript.forEach((item, i) => {
    if (item.seq !== i + 1) out.push(`${conv.id}: item ${i} has seq ${item.seq}, expected ${i + 1}`)
  })
  const changes = statuses(conv)
  if (changes[0]?.status !== 'open' || changes[0].reason !== 'customer-started') out.push(`${conv.id}: does not begin Open with customer-started`)
  for (let i = 1; i < changes.length; i++) {
    const from = changes[i - 1]!.status
    const { status: to, reason } = changes[i]!
    const edge = `${from}->${to}`
    if (REOPENINGS[edge]?.includes(reason) && o.reconnectWindowMs !== undefined) {
      // The end that opened this pause: the first change out of Open/Active before it.
      let first = i - 1
      while (first > 0 && !LIVE.has(changes[first - 1]!.status)) first--
      const end = changes[first]!
      if (end.reason !== 'customer-disconnected') out.push(`${conv.id}: reopened at ${changes[i]!.at} after an end by ${end.reason} (R10: never)`)
      else if (changes[i]!.at > end.at + o.reconnectWindowMs) out.push(`${conv.id}: reopened ${changes[i]!.at - end.at} ms after it ended, past the ${o.reconnectWindowMs} ms window (R10)`)
    } else if (!EDGES[edge]?.includes(reason)) out.push(`${conv.id}: ${from} -> ${to} with ${reason} is not an allowed change`)
  }
  if (changes.at(-1)?.status !== conv.status) out.push(`${conv.id}: record says ${conv.status}, history ends ${changes.at(-1)?.status}`)
  for (const change of changes.filter((c) => c.reason === 'customer-disconnected')) {
    const notices = conv.transcript.filter((i) => i.kind === 'message' && i.automated === 'customer-disconnected' && i.seq > change.seq)
    if (notices.length === 0) out.push(`${conv.id}: disconnected at seq ${change.seq} without the "Customer has disconnected." message (R4)`)
  }
}

/** Where each text was recorded on the server: [conversation, seq]. */
function placesOf(conversations: readonly ServerRecord[]): Map<string, Array<[string, number]>> {
  const places = new Map<string, Array<[string, number]>>()
  for (const conv of conversations) {
    for (const item of conv.transcript) {
      if (item.kind !== 'message' || item.automated) continue
      const list = places.get(item.text) ?? []
      list.push([conv.id, item.seq])
      places.set(item.text, list)
    }
  }
  return places
}

/** Exactly once where acknowledged; never when refused; at most once when the outcome was unknown. */
function checkTexts(o: Observation, byId: Map<string, ServerRecord>, out: string[]): void {
  const places = placesOf(o.conversations)
  for (const [text, list] of places) {
    if (list.length > 1) out.push(`"${text}" recorded ${list.length} times: ${list.map(([c, s]) => `${c}#${s}`).join(', ')}`)
  }
  const writers = [...o.customers.map((c) => [c.name, c.written] as const), ...o.agents.map((a) => [a.name, a.written] as const)]
  for (const [name, written] of writers) {
    for (const w of written) {
      const found = places.get(w.text) ?? []
      if (w.fate === 'pending') out.push(`${name}: "${w.text}" never settled (neither acknowledged nor refused)`)
      // Acknowledged in the chat it was sent in, or (its first ack lost) in the chat before that one.
      const ackedIn = [w.conversationId, w.conversationId && byId.get(w.conversationId)?.previousId]
      if (w.fate === 'acked' && !found.some(([c, s]) => ackedIn.includes(c) && s === w.seq)) {
        out.push(`${name}: "${w.text}" acknowledged as ${w.conversationId}#${w.seq} but recorded at ${JSON.stringify(found)}`)
      }
      // A page that went away leaves its message in the persisted outbox: the next page may deliver it.
      if (w.fate === 'rejected' && w.code !== 'destroyed' && found.length > 0) {
        out.push(`${name}: "${w.text}" refused with ${w.code} but recorded at ${JSON.stringify(found)}`)
      }
    }
  }
  // Each customer's messages in each conversation in the order written.
  for (const customer of o.customers) {
    for (const conv of byId.values()) {
      const mine = conv.transcript.flatMap((i) => (i.kind === 'message' && !i.automated && i.text.startsWith(`${customer.name}:`) ? [Number(i.text.slice(customer.name.length + 1))] : []))
      if (mine.some((n, i) => i > 0 && n < mine[i - 1]!)) out.push(`${customer.name}: messages out of order in ${conv.id}: ${mine.join(',')}`)
    }
  }
}

/**
 * A chat whose welcome never reached its customer: asked for just before a customer's network went
 * (or its server restarted), nothing written in it, ended for the customer's absence. The customer,
 * back after the window, rightly got another. A second chat made for one hello would not have begun
 * inside such a fault.
 */
function unwelcomed(o: Observation, conv: ServerRecord): boolean {
  const began = conv.transcript[0]?.at ?? 0
  const quiet = conv.transcript.every((i) => i.kind === 'status' || i.from === 'system')
  const endedAway = statuses(conv).some((c) => c.reason === 'customer-disconnected')
  const faults: Array<{ from: number; to: number; heardAt?: number }> = [...o.customers.flatMap((c) => c.outages), ...o.restarts]
  const cutOff = faults.some((i) => Math.min(i.from - o.heartbeatMs - 100, i.heardAt || Infinity) <= began && began <= i.to)
  return quiet && endedAway && cutOff
}

/**
 * Fault periods as the server saw them: last heard up to a heartbeat before the fault, or earlier
 * when the customer's last bytes went through its proxy earlier (a loaded machine delays pings and
 * pongs, and a ping is not sent while the previous one waits), heard again when the page was
 * welcomed back (the server had its hello by then).
 */
function unreachable(o: Observation, customer: CustomerView): Array<{ from: number; to: number }> {
  const welcomedAfter = (t: number): number => customer.events.find((e) => e.type === 'conversation' && e.at >= t)?.at ?? Infinity
  const widened = [...customer.outages, ...o.restarts]
    .map((i: { from: number; to: number; heardAt?: number }) => ({
      from: Math.min(i.from - o.heartbeatMs - 100, i.heardAt || Infinity),
      to: welcomedAfter(i.to),
    }))
    .sort((a, b) => a.from - b.from)
  const merged: Array<{ from: number; to: number }> = []
  for (const i of widened) {
    const last = merged.at(-1)
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to)
    else merged.push({ ...i })
  }
  return merged
}

function checkCustomer(o: Observation, customer: CustomerView, byId: Map<string, ServerRecord>, out: string[]): void {
  const mine = [...new Set(customer.events.map((e) => e.conversationId))].flatMap((id) => byId.get(id) ?? [])
  const away = unreachable(o, customer)

  // R2/R3: ended for the customer's absence only after a silence at least as long as the window.
  for (const conv of mine) {
    for (const change of statuses(conv).filter((c) => c.reason === 'customer-disconnected')) {
      const covered = away.some((i) => i.from <= change.at - o.graceMs && i.to >= change.at)
      if (!covered) out.push(`${customer.name}: ${conv.id} ended customer-disconnected at ${change.at} with no absence of ${o.graceMs} ms before it`)
    }
  }

  // R3/R6: gone (connections closed) clearly longer than the window ends the chat it was in.
  for (const outage of customer.outages) {
    if (outage.why !== 'offline' && outage.why !== 'reload') continue
    if (outage.to - outage.from < o.graceMs + o.heartbeatMs + 1_000) continue
    const current = customer.events.filter((e) => e.at <= outage.from && e.type === 'conversation').at(-1)
    const conv = current && byId.get(current.conversationId)
    if (!conv || !LIVE.has(statusAt(conv, outage.from))) continue
    const ended = endedAfter(conv, outage.from)
    if (ended === undefined || ended > outage.to) {
      out.push(`${customer.name}: away ${outage.to - outage.from} ms (${outage.why}) from ${outage.from}, yet ${conv.id} was not ended by ${outage.to}`)
    }
  }

  // R5/R6: the client is never told an ended chat is live (no resume of an expired chat).
  for (const e of customer.events) {
    if (e.type !== 'conversation' || !LIVE.has(e.status as ConversationStatus)) continue
    const conv = byId.get(e.conversationId)
    if (conv && !liveDuring(conv, e.at - STALE_MS, e.at)) out.push(`${customer.name}: told ${e.conversationId} is ${e.status} at ${e.at}, but it was ${statusAt(conv, e.at)} since ${STALE_MS} ms before`)
  }

  // The client's "new chat instead" is the server's decision too: the previous chat is over.
  for (const e of customer.events) {
    if (e.type !== 'new-chat' || !e.previousConversationId) continue
    const previous = byId.get(e.previousConversationId)
    if (previous && LIVE.has(statusAt(previous, e.at))) out.push(`${customer.name}: new chat ${e.conversationId} (${e.reason}) at ${e.at}, but the previous ${previous.id} was still ${statusAt(previous, e.at)}`)
  }

  // The page's final view is the server's record.
  if (customer.final) {
    const record = byId.get(customer.final.id)
    if (!record) out.push(`${customer.name}: shows ${customer.final.id}, unknown to the server`)
    else {
      if (record.status !== customer.final.status) out.push(`${customer.name}: shows ${record.id} ${customer.final.status}, the server has ${record.status}`)
      const expected = record.transcript.flatMap((i) => (i.kind === 'message' ? [`${i.seq}:${i.text}`] : []))
      const shown = customer.final.messages.map((m) => (m.pending ? `pending:${m.text}` : `${m.seq}:${m.text}`))
      if (shown.join('\n') !== expected.join('\n')) out.push(`${customer.name}: transcript of ${record.id} differs from the server's:\n  shown    ${shown.join(' | ')}\n  recorded ${expected.join(' | ')}`)
    }
  }
}

/** The agent console reconnects with backoff (up to 10 s) after its network is back. */
const AGENT_RETURN_MS = 11_000

function checkAgent(o: Observation, agent: AgentView, byId: Map<string, ServerRecord>, out: string[]): void {
  // R11: a chat goes back to the queue only after its agent was gone for the agent grace window.
  for (const conv of byId.values()) {
    const changes = statuses(conv)
    changes.forEach((change, i) => {
      if (change.reason !== 'agent-disconnected' || changes[i - 1]?.agent?.id !== agent.id) return
      const gone = agent.outages.some((g) => g.from <= change.at - o.agentGraceMs + o.heartbeatMs + 100 && change.at <= g.to + AGENT_RETURN_MS)
      if (!gone) out.push(`${agent.name}: ${conv.id} went back to the queue at ${change.at} without the agent gone for ${o.agentGraceMs} ms`)
    })
  }
  for (const c of agent.capacities) {
    if (c.used < 0 || c.used > c.total) out.push(`${agent.name}: capacity ${c.used}/${c.total} out of bounds`)
  }
  if (agent.finalUsed !== 0) out.push(`${agent.name}: capacity in use ${agent.finalUsed} after closing everything (SDK)`)
  if (agent.serverUsed !== 0) out.push(`${agent.name}: capacity in use ${agent.serverUsed} after closing everything (server)`)
  // What the agent saw of a conversation is the server's transcript up to some point: no gap, no double.
  for (const view of agent.conversations) {
    const record = byId.get(view.id)
    if (!record) {
      out.push(`${agent.name}: holds ${view.id}, unknown to the server`)
      continue
    }
    view.transcript.forEach((item, i) => {
      const recorded = record.transcript[i]
      if (item.seq !== i + 1 || JSON.stringify(item) !== JSON.stringify(recorded)) {
        out.push(`${agent.name}: ${view.id} item ${i} is ${JSON.stringify(item)}, the server has ${JSON.stringify(recorded)}`)
      }
    })
  }
}
