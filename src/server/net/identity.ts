/**
 * Verifying a signed-in customer's identity token (a JWT signed by the site's backend) with `jose`,
 * an optional peer loaded only when `identity` is configured. Every refusal is one of three stable
 * codes; the reason in words goes to the operator's error message, never a key or a claim value.
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import type { ErrorCode } from '../../protocol/codes.js'
import type { CustomerDetails } from '../engine/types.js'
import { checkIdentity, type IdentityOptions } from '../identity-options.js'
import { loadPeer } from '../peer.js'

/** The outcome of verifying one token. */
export type IdentityResult =
  | { ok: true; customer: CustomerDetails & { sub: string } }
  | { ok: false; code: Extract<ErrorCode, 'identity-invalid' | 'identity-expired'>; message: string }

/** Verifies identity tokens against one configuration. */
export type IdentityVerifier = (token: string) => Promise<IdentityResult>

/** Longest `sub`, `name` and `email` kept: they are shown to agents and indexed by the store. */
const MAX_CLAIM = 256

/**
 * A verifier for `identity` (checked again: throws TypeError on a mistake). Loads `jose` now, so a missing
 * package fails the server's start rather than the first customer.
 * @example const verify = await createIdentityVerifier({ secret, issuer: 'https://shop.example' })
 */
export async function createIdentityVerifier(identity: IdentityOptions): Promise<IdentityVerifier> {
  const options = checkIdentity(identity)
  const jose = await loadPeer('jose', 'signed customer identity', () => import('jose'))
  const verifyOptions = {
    // Explicit, so a token naming `none` or another family (HS256 with a public key as its secret) fails.
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSec ?? 5,
    requiredClaims: ['sub'],
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: typeof options.audience === 'string' ? options.audience : [...options.audience] } : {}),
  }
  const { secret, publicKey, jwksUrl } = options
  // jose types a key and a JWKS getter apart: one verify per kind.
  let verify: (token: string) => Promise<{ payload: Record<string, unknown> }>
  if (jwksUrl !== undefined) {
    const jwks = jose.createRemoteJWKSet(new URL(jwksUrl))
    verify = (token) => jose.jwtVerify(token, jwks, verifyOptions)
  } else {
    const key: Uint8Array | KeyObject = secret !== undefined ? new TextEncoder().encode(secret) : createPublicKey(publicKey as string)
    verify = (token) => jose.jwtVerify(token, key, verifyOptions)
  }
  return async (token) => {
    try {
      return claims((await verify(token)).payload)
    } catch (error) {
      return refusal(error)
    }
  }
}

function claims(payload: Record<string, unknown>): IdentityResult {
  const { sub, name, email } = payload
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_CLAIM) return { ok: false, code: 'identity-invalid', message: 'identity token: sub must be a non-empty string' }
  const customer: CustomerDetails & { sub: string } = { sub }
  if (typeof name === 'string' && name.length <= MAX_CLAIM) customer.name = name
  if (typeof email === 'string' && email.length <= MAX_CLAIM) customer.email = email
  return { ok: true, customer }
}

function refusal(error: unknown): IdentityResult {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'ERR_JWT_EXPIRED') return { ok: false, code: 'identity-expired', message: 'identity token expired' }
  const why = typeof code === 'string' ? WHY[code] : undefined
  return { ok: false, code: 'identity-invalid', message: `identity token refused: ${why ?? 'not a valid token'}` }
}

/** jose's error codes, said in words that name no key and no claim value. */
const WHY: Record<string, string> = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature does not verify',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a claim (iss, aud, nbf or sub) does not match',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWKS_NO_MATCHING_KEY: 'no key of the JWKS matches',
  ERR_JWKS_TIMEOUT: 'the JWKS did not answer in time',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm not supported',
}
