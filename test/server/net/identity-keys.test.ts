/**
 * Identity tokens signed with a key pair: RS256 with the public key as PEM, ES256 from a JWKS served
 * by a local HTTP server (keys picked by `kid`), and the key confusion a public key invites (an
 * HS256 token "signed" with the public key as its secret) refused.
 */
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey } from 'jose'
import { Raw, customer, type Frame } from '../../helpers/raw.js'
import { startServer, type StartedServer } from '../../helpers/server.js'

let server: StartedServer | undefined
let jwksServer: Server | undefined
afterEach(async () => {
  await server?.close()
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)))
  server = jwksServer = undefined
})

const sign = (alg: string, key: CryptoKey | Uint8Array, claims: Record<string, unknown>, kid?: string): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuer('https://shop.example').setExpirationTime('10m').sign(key)

async function refusal(url: string, identity: string): Promise<Frame> {
  const raw = await Raw.open(url, '/v1/customer')
  raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't', identity })
  const answer = await raw.next((f) => f.type === 'error' || f.type === 'welcome')
  await raw.close()
  return answer
}

describe('identity with key pairs', () => {
  it('RS256 with a PEM public key: its tokens accepted, another key\'s and an HS256 forgery refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
    const pem = await exportSPKI(publicKey)
    server = await startServer({ identity: { publicKey: pem, issuer: 'https://shop.example' } })
    const ok = await customer(server.url, { identity: await sign('RS256', privateKey, { sub: 'anne', email: 'anne@example.com' }) })
    expect((await server.server.store.get(String(ok.welcome.conversationId)))?.customer).toEqual({ sub: 'anne', email: 'anne@example.com' })
    const other = await generateKeyPair('RS256')
    expect(await refusal(server.url, await sign('RS256', other.privateKey, { sub: 'anne' }))).toMatchObject({ type: 'error', code: 'identity-invalid' })
    // Key confusion: the PEM text as an HMAC secret.
    expect(await refusal(server.url, await sign('HS256', new TextEncoder().encode(pem), { sub: 'anne' }))).toMatchObject({ type: 'error', code: 'identity-invalid' })
  })

  it('ES256 from a JWKS on 127.0.0.1, the key found by kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
    let fetched = 0
    jwksServer = createHttpServer((_, res) => {
      fetched += 1
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>((resolve) => jwksServer?.listen(0, '127.0.0.1', resolve))
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`
    server = await startServer({ identity: { jwksUrl, issuer: 'https://shop.example', algorithms: ['ES256'] } })
    const a = await customer(server.url, { tabId: 'a', identity: await sign('ES256', privateKey, { sub: 'anne' }, 'k1') })
    const b = await customer(server.url, { tabId: 'b', identity: await sign('ES256', privateKey, { sub: 'anne' }, 'k1') })
    expect(b.welcome.conversationId).toBe(a.welcome.conversationId)
    // Cached: the second token needed no second fetch.
    expect(fetched).toBe(1)
    const stranger = await generateKeyPair('ES256')
    expect(await refusal(server.url, await sign('ES256', stranger.privateKey, { sub: 'anne' }, 'k1'))).toMatchObject({ type: 'error', code: 'identity-invalid' })
  })

  it('refuses identity options that mix key kinds or name no key, at once', async () => {
    await expect(startServer({ identity: {} })).rejects.toThrow(/exactly one of secret, publicKey, jwksUrl/)
    await expect(startServer({ identity: { secret: 'short' } })).rejects.toThrow(/at least 32/)
    await expect(startServer({ identity: { secret: 'x'.repeat(32), algorithms: ['RS256'] } })).rejects.toThrow(/HS256 with a secret/)
    await expect(startServer({ identity: { jwksUrl: 'http://127.0.0.1:1/jwks', algorithms: ['HS256'] } })).rejects.toThrow(/RS256 or ES256/)
    await expect(startServer({ identity: { secret: 'x'.repeat(32), algorithms: ['none' as never] } })).rejects.toThrow(/algorithms/)
  })
})
