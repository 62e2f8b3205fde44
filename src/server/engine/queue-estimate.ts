/**
 * The estimated wait of a queued customer: its position times the mean interval between the recent
 * accepts (how fast the queue moves now). Undefined until two accepts inside `horizonMs` were seen.
 *
 * @example estimateWaitMs(2, [0, 60_000, 120_000], 130_000) // 120_000: two places, one a minute
 */
export function estimateWaitMs(position: number, acceptTimes: readonly number[], now: number, horizonMs = 3_600_000): number | undefined {
  const recent = acceptTimes.filter((t) => t >= now - horizonMs && t <= now)
  if (recent.length < 2) return undefined
  const interval = (recent[recent.length - 1]! - recent[0]!) / (recent.length - 1)
  return Math.round(position * interval)
}

/** How many accept times are kept for the estimate. */
export const RECENT_ACCEPTS = 20
