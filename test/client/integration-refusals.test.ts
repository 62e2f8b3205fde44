/**
 * Refusals end in one answer, never a loop: a stored token that is not the conversation's becomes a
 * new chat at once; a server fault (internal-error) is said to the app and not retried.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ChatError } from '../../src/client/index.js'
import { recordKey } from '../../src/client/record.js'
import { MemoryStore } from '../../src/server/store/memory-store.js'
import type { Mutator, Schedule, TransactResult } from '../../src/server/store/types.js'
import type { Step } from '../../src/server/engine/types.js'
import { mapStorage, nextEvent, record } from './helpers.js'
import { startEnv, type Env } from './integration-env.js'

let env: Env
afterEach(async () => {
  await env.close()
})

const KEY = recordKey('site')

/** A memory store with a bug: a message whose text is `boom` makes it throw, as a bug would. */
class BuggyStore extends MemoryStore {
  boomAttempts = 0
  createFails = false
  override async transact(id: string, mutate: Mutator, schedule?: Schedule): Promise<TransactResult | undefined> {
    return super.transact(id, (conv) => {
      const step = mutate(conv)
      if (step?.drafts.some((d) => d.kind === 'message' && d.text === 'boom')) {
        this.boomAttempts += 1
        throw new TypeError('cannot read properties of undefined')
      }
      return step
    }, schedule)
  }
  override async create(step: Step, schedule?: Schedule): Promise<TransactResult> {
    if (this.createFails) throw new TypeError('a bug in create')
    return super.create(step, schedule)
  }
}

describe('a stored token that does not belong to its conversation', () => {
  for (const [when, age] of [['inside the local window (resume)', 0], ['past the local window (previous)', 60_000]] as const) {
    it(`${when}: one hello, a new chat with token-invalid, the named chat untouched`, async () => {
      env = await startEnv({ graceMs: 10_000 })
      const mine = env.chat()
      const { id: mineId } = await mine.start()
      const otherStorage = mapStorage()
      const { id: otherId } = await env.chat({ storage: otherStorage }).start()
      const stored = JSON.parse(env.storage.getItem(KEY)!)
      const otherToken: string = JSON.parse(otherStorage.getItem(KEY)!).token
      mine.destroy()
      // Edited storage: the conversation's id with another chat's token.
      env.storage.setItem(KEY, JSON.stringify({ ...stored, token: otherToken, lastAliveAt: stored.lastAliveAt - age }))

      const before = env.proxy.accepted
      const chat = env.chat()
      const log = record(chat, ['new-chat', 'error'])
      const started = await chat.start()
      expect(started.id).not.toBe(mineId)
      expect(started.id).not.toBe(otherId)
      expect(log).toEqual([['new-chat', { conversationId: started.id, reason: 'token-invalid', previousConversationId: mineId }]])
      expect(env.proxy.accepted - before).toBe(1)
      expect(chat.connection).toBe('connected')
      expect(JSON.parse(env.storage.getItem(KEY)!)).toMatchObject({ conversationId: started.id, newChatReason: 'token-invalid' })
      // The chat it named goes on as it was: neither ended nor linked.
      expect((await env.conversation(mineId)).status).toBe('open')
    })
  }
})

describe('a server fault (internal-error)', () => {
  it('refuses that message once: send() rejects, the app hears an error, the next message goes on; the server reports it', async () => {
    const store = new BuggyStore()
    env = await startEnv({ store })
    const reported: string[] = []
    env.server.on('error', (e) => reported.push(e.context))
    const chat = env.chat()
    await chat.start()
    const errors = record(chat, ['error'])
    const boom = chat.send('boom').catch((e: unknown) => e)
    const ok = chat.send('fine')
    const refused = await boom
    expect(refused).toBeInstanceOf(ChatError)
    expect((refused as ChatError).code).toBe('internal-error')
    expect((await ok).text).toBe('fine')
    // In order: had the refused one been retried, it would have gone again before 'fine'.
    expect(store.boomAttempts).toBe(1)
    expect(errors.map(([, e]) => (e as ChatError).code)).toEqual(['internal-error'])
    expect(chat.messages.map((m) => m.text)).not.toContain('boom')
    expect(reported).toContain('customer:message')
    const metrics = await (await fetch(`${env.url}/metrics`)).text()
    expect(metrics).toMatch(/holdline_frames_refused_total\{code="internal-error"\} 1\b/)
  })

  it('on hello: start() rejects with internal-error and the SDK does not try again', async () => {
    const store = new BuggyStore()
    store.createFails = true
    env = await startEnv({ store })
    const chat = env.chat()
    const errors = record(chat, ['error'])
    const refused = await chat.start().catch((e: unknown) => e)
    expect((refused as ChatError).code).toBe('internal-error')
    expect(errors.map(([, e]) => (e as ChatError).code)).toEqual(['internal-error'])
    // Nothing more happens: no reconnection within several of its backoff delays.
    const again = await nextEvent(chat, 'connection', ({ state }) => state !== 'closed', 1_000).then(() => true, () => false)
    expect(again).toBe(false)
    expect(chat.connection).toBe('closed')
    expect(env.proxy.accepted).toBe(1)
  })
})
