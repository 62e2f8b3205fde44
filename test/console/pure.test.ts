/**
 * The console's pure helpers: the user agent summed up, the "/" query before the caret, canned
 * filtering, notes placed in the transcript, status lines and the server clock estimate.
 */
import { describe, expect, it } from 'vitest'
import { filterCanned, slashQuery } from '../../src/console/canned-menu.js'
import { createServerClock } from '../../src/console/server-clock.js'
import { statusLine } from '../../src/console/status-lines.js'
import { entries } from '../../src/console/transcript-view.js'
import { summariseUserAgent } from '../../src/console/user-agent.js'
import type { TranscriptItem } from '../../src/agent/index.js'

describe('summariseUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'Chrome 124 on Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51', 'Edge 124 on Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 'Safari 17 on macOS'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'Safari 17 on iOS (phone)'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox 128 on Linux'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', 'Chrome 124 on Android (phone)'],
    ['curl/8.5.0', 'Unknown browser'],
  ])('%s', (ua, expected) => {
    expect(summariseUserAgent(ua)).toBe(expected)
  })
})

describe('canned replies', () => {
  it('finds the "/" word that ends at the caret, not a slash inside a word', () => {
    expect(slashQuery('/gr', 3)).toEqual({ start: 0, query: 'gr' })
    expect(slashQuery('Hello /re', 9)).toEqual({ start: 6, query: 're' })
    expect(slashQuery('see a/b', 7)).toBeUndefined()
    expect(slashQuery('/gr and more', 12)).toBeUndefined()
  })

  it('filters by title first, then by text', () => {
    const canned = [
      { id: 'a', title: 'Greeting', text: 'Hello there' },
      { id: 'b', title: 'Refunds', text: 'Five days' },
      { id: 'c', title: 'Closing', text: 'About refunds: five days' },
    ]
    expect(filterCanned(canned, 'refund').map((c) => c.id)).toEqual(['b', 'c'])
    expect(filterCanned(canned, '').map((c) => c.id)).toEqual(['a', 'b', 'c'])
  })
})

describe('transcript entries', () => {
  const item = (seq: number): TranscriptItem => ({ kind: 'message', seq, id: `m${seq}`, from: 'customer', text: String(seq), at: seq })
  const note = (id: string, afterSeq: number) => ({ id, at: afterSeq, text: id, agent: { name: 'Ana' }, afterSeq })

  it('places each note right after the item it followed', () => {
    expect(entries([item(1), item(2), item(3)], [note('x', 2), note('y', 0), note('z', 3)]).map((e) => e.key)).toEqual(['ny', 's1', 's2', 'nx', 's3', 'nz'])
  })
})

describe('status lines', () => {
  it('say what happened in words, with the agent', () => {
    expect(statusLine({ kind: 'status', seq: 1, status: 'open', reason: 'customer-started', at: 0 })).toBe('The customer started the chat')
    expect(statusLine({ kind: 'status', seq: 2, status: 'active', reason: 'agent-accepted', at: 0, agent: { id: 'a', name: 'Ana' } })).toBe('Ana joined the chat')
    expect(statusLine({ kind: 'status', seq: 3, status: 'open', reason: 'agent-transferred', at: 0 })).toBe('The chat was transferred and waits for the next agent')
  })
})

describe('server clock', () => {
  it('moves forward by a lag it has seen, never back', () => {
    let local = 1_000
    const clock = createServerClock(() => local)
    clock.observe(900)
    expect(clock.now()).toBe(1_000)
    clock.observe(1_500)
    expect(clock.now()).toBe(1_500)
    local = 2_000
    expect(clock.now()).toBe(2_500)
  })
})
