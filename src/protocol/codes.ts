/**
 * Stable error codes. The same strings travel in `error` frames, appear as `ChatError.code` in the
 * client and as the `code` label of the server's `holdline_frames_refused_total` metric, and are
 * listed in the README. Add new codes at the end; never rename one.
 */
export const ERROR_CODES = [
  /** The frame was not valid JSON, or not a JSON object. */
  'bad-json',
  /** The frame's `type` is not one this endpoint understands. */
  'unknown-type',
  /** A field is missing, of the wrong type, or out of range. */
  'bad-frame',
  /** The frame is larger than `limits.maxFrameBytes`. */
  'frame-too-large',
  /** The message text is longer than `limits.maxTextLength` (or empty). */
  'text-too-long',
  /** More frames per second than `limits.maxFramesPerSecond` on this connection. */
  'rate-limited',
  /** The protocol version in `hello`/`auth` is not supported. */
  'unsupported-version',
  /** A frame that needs a session (a `hello` answered by `welcome`, an agent `auth`) came before it. */
  'not-ready',
  /** A second `hello` or `auth` on a connection that already has a session. */
  'already-started',
  /** The resume token does not belong to the named conversation. */
  'token-invalid',
  /** The conversation to resume is unknown to the server. */
  'resume-unknown',
  /** The conversation to resume has ended (Wrap-up or Closed): a new chat begins. */
  'resume-expired',
  /** An acknowledgement of a sequence number the server never sent on this conversation. */
  'ack-invalid',
  /** The conversation has ended: no more customer messages are accepted. */
  'conversation-ended',
  /** The agent token is missing or unknown. */
  'unauthorized',
  /** The agent acted on a conversation it is not assigned to (or that is not offered to it). */
  'forbidden',
  /** The conversation named by the agent does not exist. */
  'not-found',
  /** The agent has no free capacity to accept another conversation. */
  'capacity-full',
  /** The conversation was already taken or is no longer in a state that allows this action. */
  'conflict',
  /** The browser's Origin is not in `allowedOrigins`. */
  'origin-forbidden',
  /** Too many simultaneous connections for one conversation (`limits.maxConnectionsPerConversation`). */
  'too-many-connections',
  /** The store failed; the frame was not applied and may be retried. */
  'store-unavailable',
  /** The server is shutting down. */
  'server-closing',
  /** Reconnection to a previous chat was asked for but is not allowed (disabled, too late, or ended by the customer). */
  'reconnect-unavailable',
  /**
   * The server failed on this frame for a reason of its own (a bug, not the store): nothing was
   * applied, and the SDKs do not retry it (a retry would fail the same way).
   */
  'internal-error',
  /** A transfer named an agent the server does not know. */
  'unknown-agent',
  /** A transfer named the agent the conversation is already with. */
  'transfer-to-self',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** True when `value` is a known error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/** Refusals a later attempt may get past: both SDKs send the refused request again, in order. */
export const RETRYABLE_CODES: readonly ErrorCode[] = ['rate-limited', 'store-unavailable']

/** Refusals of a session no retry can cure: the SDK stops and says so. */
export const FINAL_CODES: readonly ErrorCode[] = ['origin-forbidden', 'unsupported-version', 'unauthorized']
