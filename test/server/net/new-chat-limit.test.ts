/** The per-address count of new conversations: pure arithmetic over the times it is given. */
import type { IncomingMessage } from 'node:http'
import { describe, expect, test } from 'vitest'
import { clientAddress, NewChatLimit } from '../../../src/server/net/new-chat-limit.js'

describe('NewChatLimit', () => {
  test('a burst, then one more per 60 s / perMinute; addresses count apart', () => {
    const limit = new NewChatLimit({ perMinute: 6, burst: 2 })
    expect([limit.take('a', 0), limit.take('a', 0), limit.take('a', 0)]).toEqual([true, true, false])
    expect(limit.take('b', 0)).toBe(true)
    expect(limit.take('a', 9_999)).toBe(false)
    expect(limit.take('a', 10_000)).toBe(true)
    expect(limit.take('a', 10_000)).toBe(false)
  })

  test('a refused attempt is not counted: waiting long enough always lets the next in', () => {
    const limit = new NewChatLimit({ perMinute: 60 })
    for (let i = 0; i < 60; i++) expect(limit.take('a', 0)).toBe(true)
    for (let t = 0; t < 1_000; t += 100) expect(limit.take('a', t)).toBe(false)
    expect(limit.take('a', 1_000)).toBe(true)
  })

  test('buckets that have refilled are forgotten, so memory follows the active addresses', () => {
    const limit = new NewChatLimit({ perMinute: 1 })
    for (let i = 0; i < 1_000; i++) limit.take(`old-${i}`, 0)
    expect(limit.size).toBe(1_000)
    // A minute later the old buckets are full again; the sweep, when the map reaches 1,024, drops them.
    for (let i = 0; i < 24; i++) limit.take(`new-${i}`, 60_000)
    expect(limit.size).toBe(24)
  })
})

describe('clientAddress', () => {
  const req = (forwarded?: string | string[]) =>
    ({ headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded }, socket: { remoteAddress: '10.0.0.9' } }) as unknown as IncomingMessage

  test("the socket's peer unless the proxy is trusted; then the entry the proxy appended", () => {
    expect(clientAddress(req('198.51.100.1, 203.0.113.7'), false)).toBe('10.0.0.9')
    expect(clientAddress(req('198.51.100.1, 203.0.113.7'), true)).toBe('203.0.113.7')
    expect(clientAddress(req(['198.51.100.1', '203.0.113.8']), true)).toBe('203.0.113.8')
    expect(clientAddress(req(), true)).toBe('10.0.0.9')
  })
})
