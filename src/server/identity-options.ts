/**
 * The `identity` option of `createServer`: how the server checks the JWT a site's backend signs for
 * a signed-in customer. Kept apart from options.ts, which only names and checks it.
 */

/** Algorithms an identity token may be signed with. `none` is never one of them. */
export type IdentityAlgorithm = 'HS256' | 'RS256' | 'ES256'

/**
 * Signed customer identity: exactly one of `secret`, `publicKey` or `jwksUrl`.
 * @example
 * const server = await createServer({ identity: { secret: process.env.HOLDLINE_IDENTITY_SECRET, issuer: 'https://shop.example' } })
 */
export interface IdentityOptions {
  /** HS256: the secret shared with the site's backend (at least 32 characters). */
  secret?: string
  /** RS256 or ES256: the site's public key, PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKey?: string
  /** RS256 or ES256: the site's JWKS URL (keys fetched and cached, rotated by `kid`). */
  jwksUrl?: string
  /** The algorithms accepted. @default ['HS256'] with `secret`, else ['RS256', 'ES256'] */
  algorithms?: readonly IdentityAlgorithm[]
  /** The `iss` every token must carry. @default undefined (not checked) */
  issuer?: string
  /** The `aud` every token must carry (one of them). @default undefined (not checked) */
  audience?: string | readonly string[]
  /** Clock skew allowed on `exp` and `nbf`, seconds. @default 5 */
  clockToleranceSec?: number
}

const ALGORITHMS: readonly IdentityAlgorithm[] = ['HS256', 'RS256', 'ES256']

function fail(message: string): never {
  throw new TypeError(`holdline: identity.${message}`)
}

/**
 * Checks `identity` (throws TypeError on the first mistake) and fills in its algorithms.
 * @example checkIdentity({ secret: 'x'.repeat(32) }).algorithms // ['HS256']
 */
export function checkIdentity(identity: IdentityOptions): IdentityOptions & { algorithms: readonly IdentityAlgorithm[] } {
  if (typeof identity !== 'object' || identity === null) fail('must be an object')
  const { secret, publicKey, jwksUrl, issuer, audience, clockToleranceSec } = identity
  const given = [secret, publicKey, jwksUrl].filter((v) => v !== undefined).length
  if (given !== 1) fail('needs exactly one of secret, publicKey, jwksUrl')
  // An HS256 key shorter than its hash is guessable offline from any token the site signs.
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 32)) fail('secret must be a string of at least 32 characters')
  if (publicKey !== undefined && (typeof publicKey !== 'string' || !publicKey.includes('-----BEGIN PUBLIC KEY-----'))) fail('publicKey must be a PEM public key')
  if (jwksUrl !== undefined && !/^https?:\/\//.test(String(jwksUrl))) fail('jwksUrl must be an http(s) URL')
  const algorithms = identity.algorithms ?? (secret !== undefined ? ['HS256'] : ['RS256', 'ES256'])
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => !ALGORITHMS.includes(a))) {
    fail(`algorithms must be a non-empty list of ${ALGORITHMS.join(', ')}`)
  }
  // A shared secret and a public key are different kinds of key: mixing them invites key confusion.
  const symmetric = secret !== undefined
  if (algorithms.some((a) => (a === 'HS256') !== symmetric)) fail(symmetric ? 'algorithms must be HS256 with a secret' : 'algorithms must be RS256 or ES256 with a public key or JWKS')
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '')) fail('issuer must be a non-empty string')
  const audiences = typeof audience === 'string' ? [audience] : audience
  if (audiences !== undefined && (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || a === ''))) {
    fail('audience must be a non-empty string or list of them')
  }
  if (clockToleranceSec !== undefined && !(Number.isSafeInteger(clockToleranceSec) && clockToleranceSec >= 0)) fail('clockToleranceSec must be a whole number >= 0')
  return { ...identity, algorithms }
}
