/** The CLI's identity flags: a PEM public key file, a secret file, and the mistakes said as usage errors. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { SignJWT, exportSPKI, generateKeyPair } from 'jose'
import { main } from '../../src/server/cli.js'
import { customer } from '../helpers/raw.js'
import { IDENTITY_SECRET, signIdentity } from '../helpers/identity.js'

const dir = mkdtempSync(join(tmpdir(), 'holdline-identity-'))
const quiet = { out: () => {}, err: () => {} }
afterEach(() => {
  process.exitCode = undefined
})

describe('holdline serve --identity-*', () => {
  test('--identity-public-key FILE with --identity-issuer verifies RS256 tokens', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
    const file = join(dir, 'site.pem')
    writeFileSync(file, await exportSPKI(publicKey))
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only', '--identity-public-key', file, '--identity-issuer', 'https://shop.example'], quiet)
    try {
      const token = await new SignJWT({ sub: 'anne' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://shop.example').setExpirationTime('5m').sign(privateKey)
      const { welcome } = await customer(server?.url ?? '', { identity: token })
      expect((await server?.store.get(String(welcome.conversationId)))?.customer).toEqual({ sub: 'anne' })
    } finally {
      await server?.close()
    }
  })

  test('--identity-secret-file FILE with --identity-audience verifies HS256 tokens', async () => {
    const file = join(dir, 'secret')
    writeFileSync(file, `${IDENTITY_SECRET}\n`)
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only', '--identity-secret-file', file, '--identity-issuer', 'https://shop.example', '--identity-audience', 'holdline'], quiet)
    try {
      const { welcome } = await customer(server?.url ?? '', { identity: await signIdentity({ sub: 'lee' }) })
      expect((await server?.store.get(String(welcome.conversationId)))?.customer).toEqual({ sub: 'lee' })
    } finally {
      await server?.close()
    }
  })

  test.each([
    [['--identity-public-key', '/nonexistent/key.pem'], /--identity-public-key: cannot read/],
    [['--identity-issuer', 'https://shop.example'], /need --identity-secret-file, --identity-public-key or --identity-jwks-url/],
    [['--identity-jwks-url', 'https://shop.example/jwks', '--identity-algorithm', 'none'], /algorithms must be/],
  ])('%j is a usage error (exit code 2)', async (flags, message) => {
    const err: string[] = []
    expect(await main(['serve', '--port', '0', ...flags], { out: () => {}, err: (t) => err.push(t) })).toBeUndefined()
    expect(process.exitCode).toBe(2)
    expect(err.join('')).toMatch(message)
  })
})
