import { describe, expect, test } from 'vitest'
import { connectionClosed, heard, isSilent, presenceOf, processLost, silenced, tabAway } from '../../../src/server/engine/presence.js'
import { deadlinesFor, tick } from '../../../src/server/engine/tick.js'
import { accept } from '../../../src/server/engine/transitions.js'
import { ANA, DEAD, GRACE, HEARTBEAT, Log, config, opened } from './fixtures.js'

const cfg = config()

describe('R2/R3 grace window, measured from the last moment heard', () => {
  const lastHeard = 10_000
  const closedAfterHeard = () => connectionClosed(heard(opened(0), 'k1', 't1', lastHeard), 'k1')

  test.each([
    { at: lastHeard + GRACE - 1, status: 'open' },
    { at: lastHeard + GRACE, status: 'open' },
    { at: lastHeard + GRACE + 1, status: 'closed' },
  ])('open conversation at $at ms is $status', ({ at, status }) => {
    expect(tick(closedAfterHeard(), at, cfg).conversation.status).toBe(status)
  })

  test('the deadline is lastHeardAt + graceMs, however late the close was noticed', () => {
    // The socket closed long after the last frame (a half-open socket finally noticed).
    const conv = connectionClosed(heard(opened(0), 'k1', 't1', lastHeard), 'k1')
    expect(deadlinesFor(conv, lastHeard + 100_000, cfg)).toContainEqual({ conversationId: 'c1', kind: 'grace', at: lastHeard + GRACE + 1 })
    // What is left is counted from the last moment heard too, not from when the close was noticed.
    expect(presenceOf({ ...conv, presence: 'disconnected' }, cfg, lastHeard + 100_000)).toEqual({
      conversationId: 'c1', state: 'disconnected', since: lastHeard, deadline: lastHeard + GRACE, remainingMs: GRACE - 100_000,
    })
  })

  test('open -> closed records the status and the automated message with the time', () => {
    const log = new Log(closedAfterHeard()).tick(lastHeard + GRACE + 1, cfg)
    expect(log.summary()).toEqual(['closed:customer-disconnected', 'msg:customer-disconnected'])
    expect(log.drafts[1]).toMatchObject({ text: 'Customer has disconnected.', at: lastHeard + GRACE + 1, from: 'system' })
    expect(log.conv.endedBy).toBe('customer-disconnected')
  })

  test('active -> wrap-up with customer-disconnected in the transcript; the agent stays assigned', () => {
    const active = accept(heard(opened(0), 'k1', 't1', lastHeard), ANA, lastHeard, cfg).conversation
    const log = new Log(connectionClosed(active, 'k1'))
    log.tick(lastHeard + GRACE - 1, cfg)
    expect(log.conv.status).toBe('active')
    log.tick(lastHeard + GRACE + 1, cfg)
    expect(log.summary()).toEqual(['wrap-up:customer-disconnected', 'msg:customer-disconnected'])
    expect(log.conv.agent).toEqual(ANA)
  })

  test('custom texts replace the default automated message', () => {
    const custom = config({ messages: { ...cfg.messages, 'customer-disconnected': 'Le client est parti.' } })
    const log = new Log(closedAfterHeard()).tick(lastHeard + GRACE + 1, custom)
    expect(log.drafts[1]).toMatchObject({ text: 'Le client est parti.', automated: 'customer-disconnected' })
  })
})

describe('R7 a connected, silent customer is never disconnected', () => {
  test('heartbeats alone keep an active conversation for ten grace windows', () => {
    let conv = accept(opened(0), ANA, 0, cfg).conversation
    for (let t = HEARTBEAT; t <= GRACE * 10; t += HEARTBEAT) {
      conv = tick(heard(conv, 'k1', 't1', t), t, cfg).conversation
      expect(conv.status).toBe('active')
      expect(conv.presence).toBe('connected')
    }
  })

  test('a half-open socket that stops pinging counts as dead after heartbeat*2+5s, then the window applies', () => {
    const short = config({ graceMs: 10_000 })
    const conv = opened(0)
    expect(tick(conv, DEAD - 1, short).conversation.status).toBe('open')
    expect(tick(conv, DEAD - 1, short).conversation.presence).toBe('connected')
    const after = tick(conv, DEAD, short).conversation
    expect(after.status).toBe('closed')
    expect(deadlinesFor(conv, 1, short)).toContainEqual({ conversationId: 'c1', kind: 'liveness', at: DEAD })
  })

  test('with a long grace, the dead socket marks the customer disconnected from when last heard', () => {
    const conv = tick(opened(0), DEAD, cfg).conversation
    expect(conv.status).toBe('open')
    expect(conv.presence).toBe('disconnected')
    expect(tick(conv, GRACE + 1, cfg).conversation.status).toBe('closed')
  })
})

describe('R2 tabs: two tabs are one customer', () => {
  test('closing one of two tabs starts no window', () => {
    let conv = heard(opened(0), 'k2', 't2', 0)
    conv = connectionClosed(conv, 'k1')
    for (let t = HEARTBEAT; t <= GRACE * 3; t += HEARTBEAT) conv = tick(heard(conv, 'k2', 't2', t), t, cfg).conversation
    expect(conv.status).toBe('open')
    expect(conv.presence).toBe('connected')
  })

  test('away marks that tab gone at that moment; the other tab keeps the customer live', () => {
    let conv = heard(opened(0), 'k2', 't2', 0)
    conv = tabAway(conv, 't1', 1_000)
    expect(tick(conv, 2_000, cfg).conversation.presence).toBe('connected')
    conv = tabAway(conv, 't2', 5_000)
    const ticked = tick(conv, 5_000, cfg).conversation
    expect(ticked.presence).toBe('disconnected')
    expect(tick(ticked, 5_000 + GRACE + 1, cfg).conversation.status).toBe('closed')
    expect(tick(ticked, 5_000 + GRACE - 1, cfg).conversation.status).toBe('open')
  })

  test('a frame after away revives the connection', () => {
    let conv = tick(tabAway(opened(0), 't1', 1_000), 1_000, cfg).conversation
    conv = tick(heard(conv, 'k1', 't1', 2_000), 2_000, cfg).conversation
    expect(conv.presence).toBe('connected')
    expect(tick(conv, 1_000 + GRACE + 1, cfg).conversation.status).toBe('open')
  })
})

describe('a connection held by a process: heartbeats stay in the process', () => {
  const held = () => heard(opened(0), 'k1', 't1', 1_000, 'p1')

  test('is live however long nothing is written, and has no liveness deadline', () => {
    const conv = held()
    const late = 1_000 + DEAD * 100
    const ticked = tick(conv, late, cfg).conversation
    expect(ticked.presence).toBe('connected')
    expect(ticked.connections).toHaveLength(1)
    expect(deadlinesFor(ticked, late, cfg).map((d) => d.kind)).not.toContain('liveness')
    expect(deadlinesFor(ticked, late, cfg).map((d) => d.kind)).not.toContain('grace')
  })

  test('closed: the window counts from the last frame the process heard, not from when it was recorded', () => {
    const conv = connectionClosed(held(), 'k1', 50_000)
    expect(conv.lastHeardAt).toBe(50_000)
    expect(tick(conv, 50_000 + GRACE, cfg).conversation.status).toBe('open')
    expect(tick(conv, 50_000 + GRACE + 1, cfg).conversation.status).toBe('closed')
  })

  test('silent past the dead limit: no longer vouched for, dead from its last frame', () => {
    expect(isSilent(20_000, 20_000 + DEAD, cfg)).toBe(false)
    expect(isSilent(20_000, 20_000 + DEAD + 1, cfg)).toBe(true)
    const conv = silenced(held(), 'k1', 20_000)
    expect(conv.connections[0]).toEqual({ id: 'k1', tabId: 't1', lastHeardAt: 20_000 })
    const ticked = tick(conv, 20_000 + DEAD + 1, cfg).conversation
    expect(ticked.presence).toBe('disconnected')
    expect(deadlinesFor(ticked, 20_000 + DEAD + 1, cfg)).toContainEqual({ conversationId: 'c1', kind: 'grace', at: 20_000 + GRACE + 1 })
    // A frame revives it, held again.
    expect(tick(heard(ticked, 'k1', 't1', 90_000, 'p1'), 90_000, cfg).conversation.presence).toBe('connected')
  })

  test('its process died: the customer counts as last heard at the lease\'s last renewal', () => {
    const both = heard(held(), 'k2', 't2', 1_000, 'p2')
    const lost = processLost(both, 'p1', 40_000)
    expect(lost.connections.map((c) => c.id)).toEqual(['k2'])
    expect(tick(lost, 200_000, cfg).conversation.presence).toBe('connected')
    const gone = processLost(lost, 'p2', 45_000)
    expect(gone.lastHeardAt).toBe(45_000)
    expect(tick(gone, 45_000 + GRACE + 1, cfg).conversation.status).toBe('closed')
    expect(processLost(gone, 'p3', 99_000)).toBe(gone)
  })
})
