/** Resume inside the grace window, in Node against the real server (R5, S1, S2). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextEvent, record, waitFor } from './helpers.js'
import { startEnv, serverStatus, type Env } from './integration-env.js'

let env: Env
beforeEach(async () => {
  env = await startEnv({ graceMs: 3_000 })
})
afterEach(async () => {
  await env.close()
})

describe('resume inside the window', () => {
  it('after a forced drop: same conversation, agent gap messages delivered once and in order', async () => {
    const chat = env.chat()
    const log = record(chat, ['message', 'resumed', 'new-chat', 'connection'])
    const { id } = await chat.start()
    const agent = await env.agent()
    await agent.offered(id)
    await agent.accept(id)
    await waitFor(() => chat.conversation?.status === 'active', 5_000, 'active on the customer side')

    env.networkDown()
    await nextEvent(chat, 'connection', ({ state }) => state === 'reconnecting')
    for (const text of ['gap 1', 'gap 2', 'gap 3']) await agent.say(id, text)
    const resumed = nextEvent(chat, 'resumed')
    env.networkBack()
    expect(await resumed).toMatchObject({ conversationId: id, reconnected: false })

    const agentTexts = chat.messages.filter((m) => m.from === 'agent').map((m) => m.text)
    expect(agentTexts).toEqual(['gap 1', 'gap 2', 'gap 3'])
    const emitted = log.filter(([e, p]) => e === 'message' && (p as { from: string }).from === 'agent').map(([, p]) => (p as { text: string }).text)
    expect(emitted).toEqual(['gap 1', 'gap 2', 'gap 3'])
    expect(log.some(([e]) => e === 'new-chat')).toBe(false)
    const seqs = chat.messages.map((m) => m.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(seqs.length)
    expect((await env.conversation(id)).status).toBe('active')
  })

  it('messages sent while offline are queued, then delivered once, in order (S2)', async () => {
    const chat = env.chat()
    const { id } = await chat.start()
    env.networkDown()
    await nextEvent(chat, 'connection', ({ state }) => state === 'reconnecting')
    const sends = ['one', 'two', 'three'].map((t) => chat.send(t))
    expect(chat.messages.filter((m) => m.pending).map((m) => m.text)).toEqual(['one', 'two', 'three'])
    env.networkBack()
    const delivered = await Promise.all(sends)
    expect(delivered.map((m) => m.text)).toEqual(['one', 'two', 'three'])
    const server = await env.conversation(id)
    const texts = server.transcript.filter((i) => i.kind === 'message' && i.from === 'customer').map((i) => i.text)
    expect(texts).toEqual(['one', 'two', 'three'])
  })

  it('a reload (destroy + new createChat over the same storage) resumes and delivers the persisted outbox (S1)', async () => {
    const first = env.chat()
    const { id } = await first.start()
    const agent = await env.agent()
    await agent.offered(id)
    await agent.accept(id)
    await agent.say(id, 'before reload')
    await waitFor(() => first.messages.some((m) => m.text === 'before reload'))
    env.networkDown()
    await nextEvent(first, 'connection', ({ state }) => state === 'reconnecting')
    void first.send('typed before the reload')
    void first.send('and another')
    first.destroy()
    await agent.say(id, 'during the reload')

    env.networkBack()
    const second = env.chat()
    const resumed = nextEvent(second, 'resumed')
    expect(second.messages.map((m) => [m.text, m.pending])).toEqual([['typed before the reload', true], ['and another', true]])
    const info = await second.start()
    expect(info.id).toBe(id)
    expect((await resumed).conversationId).toBe(id)
    await waitFor(() => second.messages.every((m) => !m.pending), 5_000, 'outbox delivered')
    const texts = second.messages.filter((m) => m.from !== 'system').map((m) => m.text)
    expect(texts).toEqual(['before reload', 'during the reload', 'typed before the reload', 'and another'])
    const server = await serverStatus(env, id, ['active'])
    const customer = server.transcript.filter((i) => i.kind === 'message' && i.from === 'customer').map((i) => i.text)
    expect(customer).toEqual(['typed before the reload', 'and another'])
    await waitFor(() => agent.items(id).filter((i) => i.kind === 'message' && i.text === 'and another').length === 1)
  })
})
