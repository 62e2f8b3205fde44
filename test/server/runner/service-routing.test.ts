import { createNanoEvents } from 'nanoevents'
import { describe, expect, it } from 'vitest'
import type { ServerEvents } from '../../../src/server/engine/events.js'
import { heard } from '../../../src/server/engine/presence.js'
import { accept, transition } from '../../../src/server/engine/transitions.js'
import { ConversationService } from '../../../src/server/runner/service.js'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import type { BusMessage } from '../../../src/server/store/types.js'
import { ANA, config, opened } from '../engine/fixtures.js'

describe('ConversationService routing', () => {
  it('a change after a numbered wrap-up hold ended runs routing, even if the capacity deadline never fired', async () => {
    const cfg = config({ wrapUpCapacity: 1_000 })
    let now = 0
    const store = new MemoryStore()
    const service = new ConversationService(store, cfg, () => now, createNanoEvents<ServerEvents>())
    await service.create({ conversation: opened(0), drafts: [] })
    await service.run('c1', (c, at) => accept(c, ANA, at, cfg))
    now = 100
    await service.run('c1', (c, at) => transition(c, 'wrap-up', 'agent-ended', at, cfg))
    const seen: BusMessage['type'][] = []
    const subscription = store.subscribe((m) => seen.push(m.type))
    await subscription.follow('conversation:c1')
    await subscription.follow('routing')

    // Before the hold ends, a ping changes nothing routing cares about.
    now = 600
    await service.run('c1', (c, at) => ({ conversation: heard(c, 'k1', 't1', at), drafts: [] }))
    expect(seen).toEqual(['changed'])

    // At the moment it ends, a ping replaces the deadlines (the due one with them): routing runs anyway.
    now = 1_100
    await service.run('c1', (c, at) => ({ conversation: heard(c, 'k1', 't1', at), drafts: [] }))
    expect(seen).toEqual(['changed', 'changed', 'routing'])
    expect(await store.nextDeadline()).not.toBe(1_100)
  })
})
