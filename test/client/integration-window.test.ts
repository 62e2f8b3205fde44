/** Back after the window: a new chat, and the old one ended on the server (R3, R4, R6, S3, S4). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextEvent, waitFor } from './helpers.js'
import { serverStatus, startEnv, type Env } from './integration-env.js'

const GRACE = 1_500
let env: Env
beforeEach(async () => {
  env = await startEnv({ graceMs: GRACE })
})
afterEach(async () => {
  await env.close()
})

const disconnected = (c: { transcript: Array<{ automated?: string }> }): number =>
  c.transcript.filter((i) => i.automated === 'customer-disconnected').length

describe('after the window', () => {
  it('network back too late: the server moved Active -> Wrap-up, and the client, whose window passed too, starts new (S3)', async () => {
    const chat = env.chat()
    const { id } = await chat.start()
    const agent = await env.agent()
    await agent.offered(id)
    await agent.accept(id)
    env.networkDown()
    const old = await serverStatus(env, id, ['wrap-up'], GRACE + 5_000)
    expect(disconnected(old)).toBe(1)
    const newChat = nextEvent(chat, 'new-chat')
    env.networkBack()
    const info = await newChat
    // Both sides count the same window: the client decides locally and names the old chat.
    expect(info).toMatchObject({ reason: 'local-window-passed', previousConversationId: id })
    expect(info.conversationId).not.toBe(id)
    await waitFor(() => chat.conversation?.id === info.conversationId)
    expect(chat.messages.some((m) => m.text.includes('disconnected'))).toBe(false)
    expect(JSON.parse(env.storage.getItem('holdline:site')!).conversationId).toBe(info.conversationId)
  })

  it('reload after the window, no agent yet: new chat decided locally, the old one Closed with customer-disconnected (S4)', async () => {
    const first = env.chat()
    const { id } = await first.start()
    first.destroy()
    // The local window runs from lastAliveAt; wait past it on this clock.
    await new Promise((resolve) => setTimeout(resolve, GRACE + 300))
    const second = env.chat()
    const newChat = nextEvent(second, 'new-chat')
    const info = await second.start()
    expect(await newChat).toMatchObject({ reason: 'local-window-passed', previousConversationId: id, conversationId: info.id })
    const old = await serverStatus(env, id, ['closed'])
    expect(disconnected(old)).toBe(1)
  })

  it('a client clock hours ahead changes nothing: resumes inside the window, starts new after it', async () => {
    const skewed = () => Date.now() + 5 * 3_600_000
    const first = env.chat({ now: skewed })
    const { id } = await first.start()
    first.destroy()
    const second = env.chat({ now: skewed })
    expect((await second.start()).id).toBe(id)
    second.destroy()
    await new Promise((resolve) => setTimeout(resolve, GRACE + 300))
    const third = env.chat({ now: () => Date.now() - 5 * 3_600_000 })
    // Behind now: a record written by a clock 5 h ahead looks like the future; the server decides.
    const info = await third.start()
    expect(info.id).not.toBe(id)
    expect((await env.conversation(id)).status).toBe('closed')
  })

  it('end() is immediate: Open -> Closed, later sends are refused, the next start is a new chat (R8)', async () => {
    const chat = env.chat()
    const { id } = await chat.start()
    await chat.end()
    expect(chat.conversation?.status).toBe('closed')
    expect(chat.connection).toBe('closed')
    await expect(chat.send('too late')).rejects.toMatchObject({ code: 'conversation-ended' })
    const server = await env.conversation(id)
    expect(server.status).toBe('closed')
    expect(server.transcript.some((i) => i.automated === 'customer-ended')).toBe(true)
    chat.destroy()
    const next = env.chat()
    expect((await next.start()).id).not.toBe(id)
  })
})
