/**
 * Limits and timings shared by both sides. The server may be configured with other values; the
 * durations a client needs (grace window, heartbeat interval) reach it in `welcome`.
 */
export interface Limits {
  /** Largest accepted frame, in bytes of UTF-8. @default 16384 */
  maxFrameBytes: number
  /** Longest accepted message text, in characters. @default 4000 */
  maxTextLength: number
  /** Frames per second per connection, averaged over one second (a token bucket). @default 20 */
  maxFramesPerSecond: number
  /** Short bursts allowed above the rate. @default 40 */
  burstFrames: number
  /** Simultaneous customer connections (tabs) per conversation. @default 10 */
  maxConnectionsPerConversation: number
  /** A connection that has sent no `hello`/`auth` within this is closed (idle sockets cost memory). @default 10000 */
  helloTimeoutMs: number
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 16_384,
  maxTextLength: 4_000,
  maxFramesPerSecond: 20,
  burstFrames: 40,
  maxConnectionsPerConversation: 10,
  helloTimeoutMs: 10_000,
}

/** Default grace window (R1): three minutes. */
export const DEFAULT_GRACE_MS = 180_000

/** Default heartbeat interval the server asks clients to use. */
export const DEFAULT_HEARTBEAT_MS = 15_000

/** Longest id (conversation, client, tab, widget) accepted on the wire. */
export const MAX_ID_LENGTH = 128
