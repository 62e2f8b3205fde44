/**
 * A change's fan-out message carries what receivers show and is addressed to who shows it: never
 * the records, and the other fields only when they changed.
 */
import { describe, expect, it } from 'vitest'
import { heard } from '../../../src/server/engine/presence.js'
import { accept } from '../../../src/server/engine/transitions.js'
import type { Conversation } from '../../../src/server/engine/types.js'
import { changeOf } from '../../../src/server/runner/change-message.js'
import { topicsOf } from '../../../src/server/store/topics.js'
import { NO_ACKS } from '../../../src/server/store/apply-drafts.js'
import type { TransactResult } from '../../../src/server/store/types.js'
import { ANA, config, opened } from '../engine/fixtures.js'

const cfg = config()
const result = (previous: Conversation, conversation: Conversation): TransactResult => ({ previous, conversation, items: [], duplicates: NO_ACKS })

describe('changeOf', () => {
  const open = heard(opened(0), 'k1', 't1', 0, 'p1')
  const active = accept(open, ANA, 10, cfg).conversation

  it('a new conversation: its connections, for the routing topic only', () => {
    const m = changeOf(result(open, open), true, cfg, 0)
    expect(m).toEqual({ type: 'changed', conversationId: 'c1', status: 'open', items: [], created: true, connections: open.connections })
    expect(topicsOf(m)).toEqual(['routing'])
  })

  it('an accept: the agent it moved to, for the conversation and that agent', () => {
    const m = changeOf(result(open, active), false, cfg, 10)
    expect(m).toMatchObject({ status: 'active', agentId: 'a1', agentMoved: true })
    expect(m).not.toHaveProperty('previousAgentId')
    expect(topicsOf(m)).toEqual(['conversation:c1', 'agent:a1'])
  })

  it('a change that leaves connections, presence, customer and agent as they were carries none of them', () => {
    const again = { ...active, lastHeardAt: 20, connections: active.connections.map((c) => ({ ...c })) }
    const m = changeOf(result(active, again), false, cfg, 20)
    expect(m).toEqual({ type: 'changed', conversationId: 'c1', status: 'active', items: [], agentId: 'a1' })
    expect(topicsOf(m)).toEqual(['conversation:c1'])
    expect(JSON.stringify(m)).not.toContain('tokenHash')
  })

  it('presence that changed is sent as consoles show it', () => {
    const gone = { ...active, presence: 'disconnected' as const, lastHeardAt: 30 }
    expect(changeOf(result(active, gone), false, cfg, 40).presence).toEqual({
      conversationId: 'c1', state: 'disconnected', since: 30, deadline: 30 + cfg.graceMs, remainingMs: 30 + cfg.graceMs - 40,
    })
  })
})
