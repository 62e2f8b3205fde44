/**
 * The engine against a plain model of the seed's rules, under random sequences of customer
 * connections, silences, away beacons, closes, accepts, ends and the passing of time: the engine's
 * state and reasons must always be the model's. The model is deliberately naive (a list of
 * connections and three rules), so a disagreement points at the engine.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { connectionClosed, deadAfterMs, heard, tabAway } from '../../../src/server/engine/presence.js'
import { tick } from '../../../src/server/engine/tick.js'
import { accept, customerEnd } from '../../../src/server/engine/transitions.js'
import type { Conversation, Step } from '../../../src/server/engine/types.js'
import { ANA, config, opened } from './fixtures.js'

const cfg = config({ graceMs: 10_000, heartbeatMs: 1_000, openAutoCloseMs: 1e12, wrapUpAutoCloseMs: 1e12 })
const DEAD = deadAfterMs(cfg)
const TABS = ['k1', 'k2', 'k3'] as const

type Event =
  | { type: 'wait'; ms: number }
  | { type: 'heard'; k: (typeof TABS)[number] }
  | { type: 'close'; k: (typeof TABS)[number] }
  | { type: 'away'; k: (typeof TABS)[number] }
  | { type: 'accept' }
  | { type: 'end' }

const event: fc.Arbitrary<Event> = fc.oneof(
  // Waits both shorter than a heartbeat's silence limit and around the grace window, where the rules bite.
  { weight: 3, arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: DEAD }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: cfg.graceMs - DEAD, max: cfg.graceMs + DEAD }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('heard' as const), k: fc.constantFrom(...TABS) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('close' as const), k: fc.constantFrom(...TABS) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('away' as const), k: fc.constantFrom(...TABS) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'accept' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'end' as const }) },
)

/** The model: connections with the last moment each was heard, and whether its tab said away. */
interface Model {
  status: Conversation['status']
  reason: string
  connections: Map<string, { lastHeard: number; away: boolean }>
  lastHeard: number
}

function modelTick(m: Model, now: number): void {
  if (m.status !== 'open' && m.status !== 'active') return
  const live = [...m.connections.values()].some((c) => !c.away && now - c.lastHeard < DEAD)
  if (!live && now > m.lastHeard + cfg.graceMs) {
    m.status = m.status === 'open' ? 'closed' : 'wrap-up'
    m.reason = 'customer-disconnected'
  }
}

function statusReason(steps: Step[]): string | undefined {
  const statuses = steps.flatMap((s) => s.drafts).filter((d) => d.kind === 'status')
  return statuses.at(-1)?.kind === 'status' ? (statuses.at(-1) as { reason: string }).reason : undefined
}

describe('engine against the model', () => {
  it('decides state and reason as the model does, for any sequence of events', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let now = 0
        let conv = opened(0)
        const m: Model = { status: 'open', reason: 'customer-started', connections: new Map([['k1', { lastHeard: 0, away: false }]]), lastHeard: 0 }
        let reason = 'customer-started'
        const apply = (step: Step): void => {
          conv = step.conversation
          reason = statusReason([step]) ?? reason
        }
        for (const e of events) {
          const live = conv.status === 'open' || conv.status === 'active'
          switch (e.type) {
            case 'wait':
              now += e.ms
              break
            case 'heard':
              // A frame only reaches a live conversation; after the end the socket gets a new chat.
              if (!live) break
              conv = heard(conv, e.k, e.k, now)
              m.connections.set(e.k, { lastHeard: now, away: false })
              m.lastHeard = Math.max(m.lastHeard, now)
              break
            case 'close':
              conv = connectionClosed(conv, e.k)
              m.connections.delete(e.k)
              break
            case 'away':
              if (!conv.connections.some((c) => c.id === e.k)) break
              conv = tabAway(conv, e.k, now)
              m.connections.set(e.k, { lastHeard: now, away: true })
              m.lastHeard = Math.max(m.lastHeard, now)
              break
            case 'accept':
              if (conv.status !== 'open') break
              // Time rules first, as the server's runner does: an expired chat cannot be accepted.
              apply(tick(conv, now, cfg))
              modelTick(m, now)
              if (conv.status !== 'open') break
              apply(accept(conv, ANA, now, cfg))
              m.status = 'active'
              m.reason = 'agent-accepted'
              break
            case 'end':
              if (!live) break
              apply(tick(conv, now, cfg))
              modelTick(m, now)
              if (conv.status !== 'open' && conv.status !== 'active') break
              apply(customerEnd(conv, now, cfg))
              m.status = m.status === 'open' ? 'closed' : 'wrap-up'
              m.reason = 'customer-ended'
              break
          }
          apply(tick(conv, now, cfg))
          modelTick(m, now)
          expect({ status: conv.status, reason }).toEqual({ status: m.status, reason: m.reason })
        }
      }),
      { numRuns: 1_000 },
    )
  })
})
