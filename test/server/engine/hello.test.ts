/** decideHello: the server's one answer to every hello, as a table. */
import { describe, expect, it } from 'vitest'
import { decideHello, type HelloDecision, type HelloFacts } from '../../../src/server/engine/hello.js'
import type { Conversation } from '../../../src/server/engine/types.js'
import { config, opened } from './fixtures.js'

const NOW = 1_000_000
const live = opened(NOW - 5_000)
/** Ended by the customer's absence `ago` ms before NOW (R10 can reopen it). */
const gone = (ago: number): Conversation => ({ ...live, status: 'wrap-up', statusAt: NOW - ago, endedAt: NOW - ago, endedBy: 'customer-disconnected' })
const endedByCustomer: Conversation = { ...gone(1_000), endedBy: 'customer-ended' }
const resume = { as: 'resume', conversationId: 'c1' } as const
const previous = { as: 'previous', conversationId: 'c1' } as const
const r10 = config({ reconnectWindowMs: 60_000 })

const cases: Array<[string, HelloFacts, ReturnType<typeof config>, HelloDecision]> = [
  ['nothing named: a new chat', { tokenMatches: false }, config(), { kind: 'new-chat' }],
  ['unknown: a new chat, resume-unknown', { named: resume, tokenMatches: false }, config(), { kind: 'new-chat', reason: 'resume-unknown', previousConversationId: 'c1' }],
  ['another chat\'s token: a new chat, token-invalid, not linked', { named: resume, conversation: live, tokenMatches: false }, config(), { kind: 'new-chat', reason: 'token-invalid' }],
  ['live: resumed', { named: resume, conversation: live, tokenMatches: true }, config(), { kind: 'resume' }],
  ['live though the client thought its window passed: resumed', { named: previous, conversation: live, tokenMatches: true }, config(), { kind: 'resume' }],
  ['ended, resume asked: a new chat, resume-expired', { named: resume, conversation: gone(1_000), tokenMatches: true }, config(), { kind: 'new-chat', reason: 'resume-expired', previousConversationId: 'c1' }],
  ['ended, named as previous: a new chat that names it', { named: previous, conversation: gone(1_000), tokenMatches: true }, config(), { kind: 'new-chat', previousConversationId: 'c1' }],
  ['R10, inside its window: offered', { named: resume, conversation: gone(1_000), tokenMatches: true }, r10, { kind: 'offer-reconnect', endedAt: NOW - 1_000, expiresInMs: 59_000 }],
  ['R10, taken back', { named: resume, conversation: gone(1_000), tokenMatches: true, reconnect: true }, r10, { kind: 'reconnect' }],
  ['R10, declined', { named: resume, conversation: gone(1_000), tokenMatches: true, reconnect: false }, r10, { kind: 'new-chat', reason: 'resume-expired', previousConversationId: 'c1' }],
  ['R10, past its window, asked for: reconnect-unavailable', { named: resume, conversation: gone(61_000), tokenMatches: true, reconnect: true }, r10, { kind: 'new-chat', reason: 'reconnect-unavailable', previousConversationId: 'c1' }],
  ['R10 never after customer-ended', { named: resume, conversation: endedByCustomer, tokenMatches: true, reconnect: true }, r10, { kind: 'new-chat', reason: 'reconnect-unavailable', previousConversationId: 'c1' }],
  ['R10 off, reopen asked: reconnect-unavailable', { named: resume, conversation: gone(1_000), tokenMatches: true, reconnect: true }, config(), { kind: 'new-chat', reason: 'reconnect-unavailable', previousConversationId: 'c1' }],
]

describe('decideHello', () => {
  it.each(cases)('%s', (_, facts, cfg, expected) => {
    expect(decideHello(facts, NOW, cfg)).toEqual(expected)
  })
})
