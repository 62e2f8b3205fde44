/** R10: reconnecting to a previous chat after the grace window (S10). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextEvent } from './helpers.js'
import { serverStatus, startEnv, type Env } from './integration-env.js'

const GRACE = 1_000
let env: Env
beforeEach(async () => {
  env = await startEnv({ graceMs: GRACE, reconnectWindowMs: 30_000 })
})
afterEach(async () => {
  await env.close()
})

async function leftTooLong(): Promise<string> {
  env.storage.map.clear()
  const first = env.chat()
  const { id } = await first.start()
  const agent = await env.agent()
  await agent.offered(id)
  await agent.accept(id)
  first.destroy()
  await serverStatus(env, id, ['wrap-up'], GRACE + 5_000)
  return id
}

describe('reconnect to a previous chat', () => {
  it("'prompt': offers it, resumePrevious() reopens it with its transcript", async () => {
    const id = await leftTooLong()
    const chat = env.chat({ reconnect: 'prompt' })
    const offer = nextEvent(chat, 'reconnect-available')
    const started = chat.start()
    expect((await offer).conversationId).toBe(id)
    const resumed = nextEvent(chat, 'resumed')
    const info = await chat.resumePrevious()
    expect(info.id).toBe(id)
    expect(await resumed).toMatchObject({ conversationId: id, reconnected: true })
    expect((await started).id).toBe(id)
    expect(chat.messages.some((m) => m.automated === 'customer-reconnected')).toBe(true)
    // The replayed history holds the old Wrap-up: it must not end the reopened chat again.
    expect(chat.conversation?.status).toBe('open')
    expect(JSON.parse(env.storage.getItem('holdline:site')!).conversationId).toBe(id)
  })

  it("'prompt': startNew() begins a new chat instead", async () => {
    const id = await leftTooLong()
    const chat = env.chat({ reconnect: 'prompt' })
    const offer = nextEvent(chat, 'reconnect-available')
    void chat.start()
    await offer
    const info = await chat.startNew()
    expect(info.id).not.toBe(id)
  })

  it("'auto' reopens it without asking; 'off' starts new", async () => {
    const id = await leftTooLong()
    const auto = env.chat({ reconnect: 'auto' })
    expect((await auto.start()).id).toBe(id)
    auto.destroy()
    const id2 = await leftTooLong()
    const off = env.chat({ reconnect: 'off' })
    expect((await off.start()).id).not.toBe(id2)
  })
})
