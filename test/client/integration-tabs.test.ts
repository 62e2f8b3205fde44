/** Two tabs, one conversation; closing one starts no window (S7). Silent but connected (S6). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextEvent, waitFor } from './helpers.js'
import { startEnv, type Env } from './integration-env.js'

const GRACE = 1_500
let env: Env
beforeEach(async () => {
  env = await startEnv({ graceMs: GRACE, heartbeatMs: 300 })
})
afterEach(async () => {
  await env.close()
})

describe('tabs and silence', () => {
  it('two tabs opened at the same instant start one conversation, not two', async () => {
    const [first, second] = await Promise.all([env.chat().start(), env.chat().start()])
    expect(second.id).toBe(first.id)
    const metrics = await (await fetch(`${env.url}/metrics`)).text()
    expect(metrics).toContain('holdline_store_conversations{state="open"} 1')
  })

  it('two tabs share one conversation; closing one does not start the window', async () => {
    const tab1 = env.chat()
    const tab2 = env.chat()
    const { id } = await tab1.start()
    expect((await tab2.start()).id).toBe(id)
    const agent = await env.agent()
    await agent.offered(id)
    await agent.accept(id)
    const fromTab1 = await tab1.send('from tab 1')
    await waitFor(() => tab2.messages.some((m) => m.clientId === fromTab1.clientId), 5_000, 'tab 2 sees tab 1')
    tab1.destroy()
    await new Promise((resolve) => setTimeout(resolve, GRACE * 2))
    expect((await env.conversation(id)).status).toBe('active')
    await tab2.send('still here')
    expect(tab2.conversation?.id).toBe(id)
  })

  it('connected and silent longer than the window: still the same live chat (S6)', async () => {
    const chat = env.chat()
    const { id } = await chat.start()
    await new Promise((resolve) => setTimeout(resolve, GRACE * 2))
    expect(chat.connection).toBe('connected')
    expect((await env.conversation(id)).status).toBe('open')
    const sent = await chat.send('after a long silence')
    expect(sent.seq).toBeGreaterThan(0)
  })

  it('a dead (half-open) socket is replaced within heartbeat + pong timeout and the chat resumes', async () => {
    const chat = env.chat({ pongTimeoutMs: 300 })
    const { id } = await chat.start()
    env.proxy.pause()
    const t0 = Date.now()
    await nextEvent(chat, 'connection', ({ state }) => state === 'reconnecting')
    expect(Date.now() - t0).toBeLessThan(300 + 300 + 400)
    env.proxy.resume()
    expect((await nextEvent(chat, 'resumed')).conversationId).toBe(id)
  })
})
