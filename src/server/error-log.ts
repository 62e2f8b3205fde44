/**
 * The operator's view of server errors on the command line: one line each, without flooding. A store
 * outage fails every frame, so the same error repeated is written once per interval, with how many
 * like it were left out.
 */
import type { ServerErrorEvent } from './engine/events.js'

/** Distinct errors remembered; past this the memory of what was written starts over. */
const MAX_KEYS = 1_000

/**
 * @example server.on('error', errorLogger((line) => process.stderr.write(line)))
 */
export function errorLogger(
  write: (line: string) => void,
  { everyMs = 10_000, now = Date.now }: { everyMs?: number; now?: () => number } = {},
): (event: ServerErrorEvent) => void {
  const written = new Map<string, { at: number; skipped: number }>()
  return ({ error, context }) => {
    const line = `${context}: ${error instanceof Error ? error.message : String(error)}`
    const at = now()
    const last = written.get(line)
    if (last && at - last.at < everyMs) {
      last.skipped += 1
      return
    }
    if (written.size >= MAX_KEYS) written.clear()
    written.set(line, { at, skipped: 0 })
    write(`holdline error: ${line}${last?.skipped ? ` (and ${last.skipped} more since)` : ''}\n`)
  }
}
