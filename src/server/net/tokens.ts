/**
 * Resume tokens: 32 random bytes, base64url. Only a hash is stored, and comparisons take constant time.
 */
import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto'

// Every new conversation takes three draws (token, conversation id, connection id). They come from
// one pool of random bytes refilled 4 KiB at a time, as randomUUID() does, rather than a Buffer per
// draw. Each byte is handed out once.
const pool = Buffer.alloc(4096)
let used = pool.length

function random(bytes: number, encoding: 'hex' | 'base64url'): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool)
    used = 0
  }
  const text = pool.toString(encoding, used, used + bytes)
  used += bytes
  return text
}

/** A new resume token. @example newToken().length // 43 */
export function newToken(): string {
  return random(32, 'base64url')
}

/** SHA-256 hex of a token: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** True when `token` hashes to `hash`, compared in constant time. */
export function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex')
  const b = Buffer.from(hash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Constant-time string equality (agent and admin tokens). */
export function safeEqual(a: string, b: string): boolean {
  return tokenMatches(a, hashToken(b))
}

// Ids live as long as their conversation or socket, so they are made as flat strings: randomUUID()
// and template literals give V8 ropes of concatenated pieces (up to ~450 bytes for one id), while
// Buffer#toString and Array#join give one piece.

/**
 * A new conversation id; from a client's start secret, always the same one (hashed apart from the
 * token's hash, so neither reveals the other).
 */
export function newConversationId(start?: string): string {
  const hex = start ? createHash('sha256').update(`conversation:${start}`).digest().subarray(0, 16).toString('hex') : random(16, 'hex')
  return ['c_', hex].join('')
}

/** A new connection id (unique across processes). */
export function newConnectionId(): string {
  return random(16, 'hex')
}
