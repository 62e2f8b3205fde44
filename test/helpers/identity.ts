/**
 * Identity tokens for tests, signed with `jose` the way a site's backend would sign them.
 * @example const token = await signIdentity({ sub: 'anne' })
 */
import { SignJWT, type JWTPayload } from 'jose'

/** The HS256 secret the tests configure (32+ characters, as the server requires). */
export const IDENTITY_SECRET = 'test-secret-that-is-long-enough-0123456789'
export const ISSUER = 'https://shop.example'
export const AUDIENCE = 'holdline'

/** The server option matching {@link signIdentity}'s defaults. */
export const IDENTITY_OPTIONS = { secret: IDENTITY_SECRET, issuer: ISSUER, audience: AUDIENCE }

export interface SignOptions {
  secret?: string
  issuer?: string
  audience?: string
  /** Seconds from now; negative for an expired token. @default 600 */
  expiresInSec?: number
}

/** An HS256 token with `claims`, issuer, audience and expiry. */
export async function signIdentity(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1_000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresInSec ?? 600))
    .sign(new TextEncoder().encode(options.secret ?? IDENTITY_SECRET))
}

/** An unsigned token (`alg: none`), as an attacker would forge one. */
export function unsignedIdentity(claims: JWTPayload): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1_000)
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: ISSUER, aud: AUDIENCE, exp: now + 600, ...claims })}.`
}
