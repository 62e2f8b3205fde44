/**
 * When a failed delivery is tried again: exponential backoff with jitter (half of each delay is
 * random), so that the events queued while an endpoint was down do not all come back at the same
 * instant, from every process, once it is up.
 */

/**
 * Delay before attempt `attempt + 1`, after `attempt` (from 1) failed: uniform in
 * [bound / 2, bound], bound = min(maxMs, baseMs * 2^(attempt - 1)).
 * @example retryDelay(3, 1_000, 60_000, () => 1) // 4000
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 40))
  // Half fixed, half random: never a retry at once, never all at the same time.
  return Math.round(bound / 2 + (bound / 2) * random())
}
