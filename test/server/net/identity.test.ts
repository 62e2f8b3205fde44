/**
 * Signed customer identity on the wire (raw sockets, a real server): bad tokens refused with their
 * codes and nothing of any conversation told; a second device found by `sub`; another customer's
 * chat refused whatever token is shown; without identity configured, a token changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Raw, customer, type Frame } from '../../helpers/raw.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { IDENTITY_OPTIONS, signIdentity, unsignedIdentity } from '../../helpers/identity.js'

let server: StartedServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const hello = (extra: Record<string, unknown>) => ({ type: 'hello', v: 1, widgetId: 'site', tabId: 'tab-1', ...extra })

/** Says hello and returns every frame until the first answer (error, welcome or offer). */
async function answerTo(url: string, extra: Record<string, unknown>): Promise<{ raw: Raw; answer: Frame }> {
  const raw = await Raw.open(url, '/v1/customer')
  raw.send(hello(extra))
  const answer = await raw.next((f) => ['error', 'welcome', 'reconnect-available'].includes(f.type))
  return { raw, answer }
}

describe('identity tokens', () => {
  it('refuses each bad token with its code, on a socket left open for a new hello, disclosing no conversation', async () => {
    server = await startServer({ identity: IDENTITY_OPTIONS })
    const anne = await customer(server.url, { identity: await signIdentity({ sub: 'anne', name: 'Anne' }) })
    anne.raw.send({ type: 'message', clientId: 'm1', text: 'my secret order 4711' })
    await anne.raw.next((f) => f.type === 'ack')
    const id = String(anne.welcome.conversationId)
    const bad: Array<[string, string, string]> = [
      ['forged signature', await signIdentity({ sub: 'anne' }, { secret: 'another-secret-that-is-long-enough-9876' }), 'identity-invalid'],
      ['alg none', unsignedIdentity({ sub: 'anne' }), 'identity-invalid'],
      ['wrong issuer', await signIdentity({ sub: 'anne' }, { issuer: 'https://evil.example' }), 'identity-invalid'],
      ['wrong audience', await signIdentity({ sub: 'anne' }, { audience: 'someone-else' }), 'identity-invalid'],
      ['no sub', await signIdentity({ name: 'Anne' }), 'identity-invalid'],
      ['expired', await signIdentity({ sub: 'anne' }, { expiresInSec: -60 }), 'identity-expired'],
      ['not a JWT', 'not.a.jwt', 'identity-invalid'],
    ]
    for (const [what, token, code] of bad) {
      const { raw, answer } = await answerTo(server.url, { identity: token })
      expect(answer, what).toMatchObject({ type: 'error', code, ref: 'hello' })
      expect(answer.fatal, what).toBeUndefined()
      const said = JSON.stringify(raw.frames)
      expect(said, what).not.toContain(id)
      expect(said, what).not.toContain('4711')
      // The same socket may say hello again with a good token.
      raw.send(hello({ identity: await signIdentity({ sub: `fresh-${code}-${what}` }) }))
      await raw.next((f) => f.type === 'welcome')
      await raw.close()
    }
  })

  it("refuses a resume of another customer's chat, even with its token, and tells nothing of it", async () => {
    server = await startServer({ identity: IDENTITY_OPTIONS })
    const bob = await customer(server.url, { identity: await signIdentity({ sub: 'bob' }) })
    bob.raw.send({ type: 'message', clientId: 'm1', text: 'bob only' })
    await bob.raw.next((f) => f.type === 'ack')
    const id = String(bob.welcome.conversationId)
    const resume = { conversationId: id, token: String(bob.welcome.token), lastSeq: 0 }
    const { raw, answer } = await answerTo(server.url, { identity: await signIdentity({ sub: 'anne' }), resume })
    expect(answer).toMatchObject({ type: 'error', code: 'identity-mismatch', ref: 'hello' })
    // The answer names the conversation only as the client named it: nothing else (no status, no items).
    const said = JSON.stringify(raw.frames)
    expect(said).not.toContain('bob only')
    expect(raw.frames.filter((f) => f.type !== 'error')).toEqual([])
    expect(said.replace(id, '')).toBe(said) // the id itself is not in the answer either
  })

  it('lets a second device with no token join the live chat by sub, with its transcript; the identity then resumes it', async () => {
    server = await startServer({ identity: IDENTITY_OPTIONS })
    const first = await customer(server.url, { identity: await signIdentity({ sub: 'anne', name: 'Anne', email: 'anne@example.com' }) })
    first.raw.send({ type: 'message', clientId: 'm1', text: 'from the laptop' })
    await first.raw.next((f) => f.type === 'ack')
    const second = await customer(server.url, { tabId: 'phone', identity: await signIdentity({ sub: 'anne' }), start: 'p'.repeat(22) })
    expect(second.welcome).toMatchObject({ conversationId: first.welcome.conversationId, resumed: true })
    // Its own token: the chat's is held as a hash only.
    expect(second.welcome.token).not.toBe(first.welcome.token)
    await second.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'from the laptop')
    const record = await server.server.store.get(String(first.welcome.conversationId))
    expect(record?.customer).toEqual({ sub: 'anne', name: 'Anne', email: 'anne@example.com' })
    expect(new Set(record?.connections.map((c) => c.tabId))).toEqual(new Set(['tab-1', 'phone']))
    // The phone reloads: its stored token is not the chat's, its identity is the credential.
    await second.raw.close()
    const resume = { conversationId: String(second.welcome.conversationId), token: String(second.welcome.token), lastSeq: 2 }
    const again = await customer(server.url, { tabId: 'phone', identity: await signIdentity({ sub: 'anne' }), resume })
    expect(again.welcome).toMatchObject({ conversationId: first.welcome.conversationId, resumed: true })
    // Without the identity, that token opens nothing.
    const anonymous = await customer(server.url, { tabId: 'phone', resume })
    expect(anonymous.welcome).toMatchObject({ resumed: false, newChatReason: 'token-invalid' })
    expect(anonymous.welcome.conversationId).not.toBe(first.welcome.conversationId)
  })

  it('starts one chat when two devices say hello at once', async () => {
    server = await startServer({ identity: IDENTITY_OPTIONS })
    const token = await signIdentity({ sub: 'anne' })
    const [a, b] = await Promise.all([customer(server.url, { identity: token, tabId: 'a' }), customer(server.url, { identity: token, tabId: 'b' })])
    expect(a.welcome.conversationId).toBe(b.welcome.conversationId)
  })

  it('without identity configured, an identity token is ignored: anonymous chats as before', async () => {
    server = await startServer()
    const token = await signIdentity({ sub: 'anne' })
    const a = await customer(server.url, { identity: token, tabId: 'a' })
    const b = await customer(server.url, { identity: token, tabId: 'b' })
    expect(a.welcome.conversationId).not.toBe(b.welcome.conversationId)
    expect((await server.server.store.get(String(a.welcome.conversationId)))?.customer).toEqual({})
  })
})
