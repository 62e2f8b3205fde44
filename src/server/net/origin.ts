/**
 * Origin check against `allowedOrigins` (undefined allows every origin; a request without an
 * Origin header, i.e. not from a browser page, is allowed).
 * @example originAllowed(['https://shop.example'], 'https://evil.example') // false
 */
export function originAllowed(allowed: readonly string[] | undefined, origin: string | undefined): boolean {
  if (allowed === undefined || origin === undefined) return true
  return allowed.includes(origin) || allowed.includes('*')
}
