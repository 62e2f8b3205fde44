/**
 * The operator's view of server errors: one log entry each, without flooding. A store outage fails
 * every frame, so the same error repeated is written once per interval, with how many like it were
 * left out.
 */
import type { ServerErrorEvent } from './engine/events.js'
import { describeError, type ServerLogger } from './logger.js'

/** Distinct errors remembered; past this the memory of what was written starts over. */
const MAX_KEYS = 1_000

/**
 * @example server.on('error', errorLogger(logger))
 */
export function errorLogger(
  logger: Pick<ServerLogger, 'error'>,
  { everyMs = 10_000, now = Date.now }: { everyMs?: number; now?: () => number } = {},
): (event: ServerErrorEvent) => void {
  const written = new Map<string, { at: number; skipped: number }>()
  return ({ error, context }) => {
    const line = `${context}: ${describeError(error)}`
    const at = now()
    const last = written.get(line)
    if (last && at - last.at < everyMs) {
      last.skipped += 1
      return
    }
    if (written.size >= MAX_KEYS) written.clear()
    written.set(line, { at, skipped: 0 })
    const skipped = last?.skipped ?? 0
    logger.error(`${line}${skipped ? ` (and ${skipped} more since)` : ''}`, { context, ...(skipped ? { skipped } : {}) })
  }
}
