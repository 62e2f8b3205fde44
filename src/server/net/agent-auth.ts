/**
 * Agent and admin tokens: constant-time lookup of who a token belongs to.
 */
import type { AgentTokenConfig } from '../options.js'
import { safeEqual } from './tokens.js'

/** Who an agent is, with its capacity. */
export interface AgentIdentity {
  id: string
  name: string
  capacity: number
}

/**
 * The agent a token names, or undefined. Every configured token is compared, in constant time.
 * @example findAgent({ t1: 'ana' }, 't1', 3) // { id: 'ana', name: 'ana', capacity: 3 }
 */
export function findAgent(
  tokens: Record<string, AgentTokenConfig>,
  token: string,
  defaultCapacity: number,
): AgentIdentity | undefined {
  let found: AgentIdentity | undefined
  for (const [candidate, config] of Object.entries(tokens)) {
    if (!safeEqual(token, candidate)) continue
    found =
      typeof config === 'string'
        ? { id: config, name: config, capacity: defaultCapacity }
        : { id: config.id, name: config.name ?? config.id, capacity: config.capacity ?? defaultCapacity }
  }
  return found
}

/** True when `token` is one of the admin tokens. */
export function isAdmin(adminTokens: readonly string[], token: string): boolean {
  let ok = false
  for (const candidate of adminTokens) if (safeEqual(token, candidate)) ok = true
  return ok
}
