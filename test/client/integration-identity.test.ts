/**
 * One signed-in customer on two devices (two SDKs, separate storages, one identity) over real
 * sockets: one live chat, every message once on each; one device leaving keeps the chat alive past
 * the window; both gone past the window ends it once. The SDK's identity function is asked again
 * once after `identity-expired`, never in a loop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Chat, ChatErrorShape } from '../../src/client/types.js'
import { IDENTITY_OPTIONS, signIdentity } from '../helpers/identity.js'
import { mapStorage, nextEvent, waitFor } from './helpers.js'
import { serverStatus, startEnv, type Env } from './integration-env.js'

const GRACE = 1_500
let env: Env
beforeEach(async () => {
  env = await startEnv({ graceMs: GRACE, heartbeatMs: 300, identity: IDENTITY_OPTIONS })
})
afterEach(async () => {
  await env.close()
})

/** A device of the customer `sub`: its own storage, a fresh token for every connection. */
function device(sub: string): Chat {
  return env.chat({ storage: mapStorage(), identity: () => signIdentity({ sub, name: 'Anne' }) })
}

const texts = (chat: Chat): string[] => chat.messages.filter((m) => m.from !== 'system').map((m) => m.text)
const once = (chat: Chat): boolean => new Set(chat.messages.map((m) => m.id)).size === chat.messages.length
const refusals = async (code: string): Promise<number> => {
  const metrics = await (await fetch(`${env.url}/metrics`)).text()
  return Number(new RegExp(`holdline_frames_refused_total\\{code="${code}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0)
}

describe('one customer, two devices', () => {
  it('share one live chat: both see its transcript and every message once', async () => {
    const laptop = device('anne')
    const { id } = await laptop.start()
    const agent = await env.agent()
    await agent.offered(id)
    await agent.accept(id)
    await laptop.send('from the laptop')
    const phone = device('anne')
    expect((await phone.start()).id).toBe(id)
    await waitFor(() => texts(phone).includes('from the laptop'), 5_000, 'the phone has the transcript')
    await phone.send('from the phone')
    await agent.say(id, 'hello both')
    for (const chat of [laptop, phone]) {
      await waitFor(() => ['from the laptop', 'from the phone', 'hello both'].every((t) => texts(chat).includes(t)), 5_000, 'every message')
      expect(once(chat)).toBe(true)
    }
    expect(agent.items(id).filter((i) => i.kind === 'message' && i.text === 'from the phone')).toHaveLength(1)
  })

  it('one device leaving does not start the window while the other stays; both gone past it: Wrap-up once', async () => {
    const laptop = device('anne')
    const { id } = await laptop.start()
    const agent = await env.agent()
    await agent.offered(id)
    await agent.accept(id)
    const phone = device('anne')
    expect((await phone.start()).id).toBe(id)
    laptop.destroy()
    // Past the window with the phone still there: the chat lives on.
    await new Promise((resolve) => setTimeout(resolve, GRACE * 2))
    expect((await env.conversation(id)).status).toBe('active')
    expect((await phone.send('still here')).seq).toBeGreaterThan(0)
    phone.destroy()
    const ended = await serverStatus(env, id, ['wrap-up'], GRACE + 5_000)
    expect(ended.transcript.filter((i) => i.automated === 'customer-disconnected')).toHaveLength(1)
    expect(ended.transcript.filter((i) => i.text === 'Customer has disconnected.')).toHaveLength(1)
    expect(ended.transcript.filter((i) => i.kind === 'status' && i.status === 'wrap-up')).toHaveLength(1)
  })

  it('a device of another customer starts its own chat, and a later device of the first gets its earlier chats as history', async () => {
    const first = device('anne')
    const { id } = await first.start()
    await first.send('my earlier question')
    const bob = device('bob')
    expect((await bob.start()).id).not.toBe(id)
    await first.end()
    const later = device('anne')
    const history = nextEvent(later, 'history')
    expect((await later.start()).id).not.toBe(id)
    const { conversations } = await history
    expect(conversations.map((c) => c.id)).toEqual([id])
    expect(conversations[0]?.transcript.some((i) => i.kind === 'message' && i.text === 'my earlier question')).toBe(true)
    expect(JSON.stringify(conversations)).not.toContain((bob.conversation as { id: string }).id)
  })
})

describe('identity tokens from the SDK', () => {
  it('an expired token from the function: asked once more, and the chat starts', async () => {
    let calls = 0
    const chat = env.chat({ identity: () => signIdentity({ sub: 'anne' }, { expiresInSec: ++calls === 1 ? -60 : 600 }) })
    const errors: ChatErrorShape[] = []
    chat.on('error', (e) => errors.push(e))
    await chat.start()
    expect(calls).toBe(2)
    expect(errors).toEqual([])
  })

  it('a function that keeps giving expired tokens: asked twice, then one identity-expired error, no loop', async () => {
    let calls = 0
    const chat = env.chat({ identity: () => (calls++, signIdentity({ sub: 'anne' }, { expiresInSec: -60 })) })
    const started = chat.start()
    await expect(started).rejects.toMatchObject({ code: 'identity-expired' })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(calls).toBe(2)
    expect(await refusals('identity-expired')).toBe(2)
    expect(chat.connection).toBe('closed')
  })

  it('a fixed token that has expired: one error, never retried', async () => {
    const chat = env.chat({ identity: await signIdentity({ sub: 'anne' }, { expiresInSec: -60 }) })
    const error = nextEvent(chat, 'error')
    void chat.start()
    expect(await error).toMatchObject({ code: 'identity-expired' })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await refusals('identity-expired')).toBe(1)
  })

  it("a stored chat of another customer (a shared browser): identity-mismatch, forgotten, and the next start is the new customer's own", async () => {
    const storage = mapStorage()
    const bob = env.chat({ storage, identity: () => signIdentity({ sub: 'bob' }) })
    const { id } = await bob.start()
    bob.destroy()
    const anne = env.chat({ storage, identity: () => signIdentity({ sub: 'anne' }) })
    await expect(anne.start()).rejects.toMatchObject({ code: 'identity-mismatch' })
    expect(storage.getItem('holdline:site')).toBeNull()
    anne.destroy()
    const again = env.chat({ storage, identity: () => signIdentity({ sub: 'anne' }) })
    expect((await again.start()).id).not.toBe(id)
  })
})
