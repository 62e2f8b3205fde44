/** decideHello for a signed-in customer: the verified `sub` as a credential, as a table. */
import { describe, expect, it } from 'vitest'
import { decideHello, type HelloDecision, type HelloFacts } from '../../../src/server/engine/hello.js'
import type { Conversation } from '../../../src/server/engine/types.js'
import { config, opened } from './fixtures.js'

const NOW = 1_000_000
const ANNE = { sub: 'anne' }
const of = (conv: Conversation, sub: string | undefined): Conversation => ({ ...conv, customer: sub === undefined ? {} : { sub } })
const anneLive = of(opened(NOW - 5_000, 'c1'), 'anne')
const bobLive = of(opened(NOW - 5_000, 'c1'), 'bob')
const anonymous = of(opened(NOW - 5_000, 'c1'), undefined)
const anneEnded: Conversation = { ...anneLive, status: 'wrap-up', statusAt: NOW - 1_000, endedAt: NOW - 1_000, endedBy: 'customer-disconnected' }
const anneOther = of(opened(NOW - 2_000, 'c2'), 'anne')
const resume = { as: 'resume', conversationId: 'c1' } as const
const r10 = config({ reconnectWindowMs: 60_000 })

const cases: Array<[string, HelloFacts, ReturnType<typeof config>, HelloDecision]> = [
  ['a device with nothing stored, no live chat: a new chat', { tokenMatches: false, identity: ANNE }, config(), { kind: 'new-chat' }],
  ['a device with nothing stored, a live chat: joins it', { tokenMatches: false, identity: ANNE, live: anneOther }, config(), { kind: 'join' }],
  ['its own chat with a token that is not this device\'s: resumed (the identity is the credential)', { named: resume, conversation: anneLive, tokenMatches: false, identity: ANNE }, config(), { kind: 'resume' }],
  ['another customer\'s chat, even with its token: refused', { named: resume, conversation: bobLive, tokenMatches: true, identity: ANNE }, config(), { kind: 'refuse', code: 'identity-mismatch' }],
  ['another customer\'s chat, while having a live one: refused, not joined', { named: resume, conversation: bobLive, tokenMatches: true, identity: ANNE, live: anneOther }, config(), { kind: 'refuse', code: 'identity-mismatch' }],
  ['an anonymous chat with its token: resumed as it is', { named: resume, conversation: anonymous, tokenMatches: true, identity: ANNE }, config(), { kind: 'resume' }],
  ['an anonymous chat without its token: a new chat, token-invalid', { named: resume, conversation: anonymous, tokenMatches: false, identity: ANNE }, config(), { kind: 'new-chat', reason: 'token-invalid' }],
  ['its ended chat, while another device started a live one: joins the live one', { named: resume, conversation: anneEnded, tokenMatches: true, identity: ANNE, live: anneOther }, r10, { kind: 'join' }],
  ['its ended chat, no live one, stale token: the R10 offer still made', { named: resume, conversation: anneEnded, tokenMatches: false, identity: ANNE }, r10, { kind: 'offer-reconnect', endedAt: NOW - 1_000, expiresInMs: 59_000 }],
  ['its ended chat, no R10: a new chat, resume-expired', { named: resume, conversation: anneEnded, tokenMatches: false, identity: ANNE }, config(), { kind: 'new-chat', reason: 'resume-expired', previousConversationId: 'c1' }],
  ['an index entry of another sub (never trusted blindly): a new chat', { tokenMatches: false, identity: ANNE, live: bobLive }, config(), { kind: 'new-chat' }],
  ['an index entry that has ended meanwhile: a new chat', { tokenMatches: false, identity: ANNE, live: anneEnded }, config(), { kind: 'new-chat' }],
  ['no identity: the index is not consulted', { tokenMatches: false, live: anneOther }, config(), { kind: 'new-chat' }],
  ['no identity, a signed-in customer\'s chat without its token: token-invalid as ever', { named: resume, conversation: anneLive, tokenMatches: false }, config(), { kind: 'new-chat', reason: 'token-invalid' }],
]

describe('decideHello, signed in', () => {
  it.each(cases)('%s', (_, facts, cfg, expected) => {
    expect(decideHello(facts, NOW, cfg)).toEqual(expected)
  })
})
