/**
 * The seeded plan of a chaos run: what every customer writes and when, which faults hit it, when
 * agents reply and end chats, and when the server restarts. Pure: the same seed and settings give
 * the same plan, so a failing run can be replayed with `HOLDLINE_SEED`.
 */
import { seeded, type Random } from '../helpers/random.js'

/**
 * - `cut`: every connection of the customer is reset (as a server-side kill or a network blip).
 * - `offline`: the network is gone for `ms`: connections reset, new ones refused.
 * - `reload`: the page goes away for `ms`; then a new client starts over the same storage.
 * - `freeze`: traffic is held for `ms` with the sockets left open (a frozen or hidden page whose
 *   heartbeats stopped, or a half-open socket).
 */
export type FaultKind = 'cut' | 'offline' | 'reload' | 'freeze'

/**
 * How long a fault lasts against the grace window: clearly inside it, around its edge (either
 * outcome is right, but client and server must agree), or clearly past it.
 */
export type GapClass = 'none' | 'short' | 'edge' | 'long'

export type PlanStep =
  | { at: number; type: 'write'; customer: number }
  | { at: number; type: 'fault'; customer: number; kind: FaultKind; ms: number; gap: GapClass }
  | { at: number; type: 'end'; customer: number }
  | { at: number; type: 'agent-end'; agent: number }
  | { at: number; type: 'agent-cut'; agent: number }
  /** The console loses its network for `ms`, around the agent grace window (R11). */
  | { at: number; type: 'agent-offline'; agent: number; ms: number }
  /** The console's socket stays open and silent for `ms` (a stalled network), then flows again. */
  | { at: number; type: 'agent-stall'; agent: number; ms: number }
  /** The console's connection is cut, and the server's `ready` on the next one comes `ms` late. */
  | { at: number; type: 'agent-late-ready'; agent: number; ms: number }
  | { at: number; type: 'restart'; ms: number }

export interface PlanSettings {
  customers: number
  agents: number
  durationMs: number
  graceMs: number
  heartbeatMs: number
  agentGraceMs: number
  /** Server restarts during the run (only with a store that outlives the process). */
  restarts: number
}

export interface Plan {
  seed: number
  settings: PlanSettings
  /** Every step, in time order. */
  steps: PlanStep[]
}

/** Connectivity left after a fault before the next one, so the client has time to come back. */
const SETTLE_MIN_MS = 1_200
const SETTLE_MAX_MS = 2_500

function gapMs(random: Random, gap: GapClass, s: PlanSettings): number {
  // The server counts from the last moment it heard the customer, up to a heartbeat before the
  // fault, and the client needs up to a reconnect delay and a handshake after it: the clear
  // classes keep a margin of a heartbeat and a second on each side of the window.
  const margin = s.heartbeatMs + 1_000
  switch (gap) {
    case 'none':
      return 0
    case 'short':
      return random.between(100, Math.max(200, s.graceMs - margin))
    case 'edge':
      return random.between(s.graceMs - 400, s.graceMs + 400)
    case 'long':
      return random.between(s.graceMs + margin, s.graceMs + margin + 1_500)
  }
}

function customerSteps(random: Random, customer: number, s: PlanSettings): PlanStep[] {
  const steps: PlanStep[] = []
  for (let at = random.between(0, 600); at < s.durationMs; at += random.between(150, 900)) {
    steps.push({ at, type: 'write', customer })
  }
  for (let at = random.between(300, 2_000); at < s.durationMs; ) {
    const kind = random.weighted<FaultKind>([['cut', 3], ['offline', 3], ['reload', 3], ['freeze', 2]])
    const gap = kind === 'cut' ? 'none' : random.weighted<GapClass>([['short', 5], ['edge', 1], ['long', 2]])
    const ms = gapMs(random, gap, s)
    steps.push({ at, type: 'fault', customer, kind, ms, gap })
    at += ms + random.between(SETTLE_MIN_MS, SETTLE_MAX_MS)
  }
  // Some customers press End once (R8) and come back with a new chat.
  if (random.chance(0.2)) steps.push({ at: random.between(1_000, s.durationMs), type: 'end', customer })
  return steps
}

function agentSteps(random: Random, agent: number, s: PlanSettings): PlanStep[] {
  const steps: PlanStep[] = []
  for (let at = random.between(1_000, 2_500); at < s.durationMs; at += random.between(1_000, 3_000)) {
    steps.push({ at, type: 'agent-end', agent })
  }
  // About once per agent per 12 s: a blip, a longer absence either side of the agent grace window, a
  // stall shorter than the pong timeout, or a reconnect whose ready is late (the console writes meanwhile).
  for (let at = random.between(0, 12_000); at < s.durationMs; at += random.between(8_000, 16_000)) {
    const kind = random.weighted([['cut', 2], ['offline', 2], ['stall', 1], ['late-ready', 1]] as const)
    if (kind === 'cut') steps.push({ at, type: 'agent-cut', agent })
    else if (kind === 'offline') steps.push({ at, type: 'agent-offline', agent, ms: random.between(s.agentGraceMs / 3, s.agentGraceMs * 2) })
    else if (kind === 'stall') steps.push({ at, type: 'agent-stall', agent, ms: random.between(200, 3_000) })
    else steps.push({ at, type: 'agent-late-ready', agent, ms: random.between(200, 1_500) })
  }
  return steps
}

/** The plan for `seed`. */
export function makePlan(seed: number, settings: PlanSettings): Plan {
  const random = seeded(seed)
  const steps: PlanStep[] = []
  for (let c = 0; c < settings.customers; c++) steps.push(...customerSteps(random, c, settings))
  for (let a = 0; a < settings.agents; a++) steps.push(...agentSteps(random, a, settings))
  for (let r = 0; r < settings.restarts; r++) {
    // Short outages of the whole server: well inside the window, so every chat must survive them.
    steps.push({ at: random.between(1_000, settings.durationMs - 1_000), type: 'restart', ms: random.between(100, 600) })
  }
  steps.sort((a, b) => a.at - b.at)
  return { seed, settings, steps }
}
