/**
 * Operator logs: four levels, as plain lines or as JSON lines for log collectors, and error texts
 * that say what failed ("redis unreachable") rather than what a library calls it ("The client is
 * offline", which reads as if the customer were offline).
 */
import { fromRedis } from './store/redis-errors.js'

/** Log levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Extra fields of a log entry (in JSON lines, beside `time`, `level` and `msg`). */
export type LogFields = Record<string, string | number | boolean | undefined>

/**
 * Where the server writes what it does: start-up, store outages and recoveries, errors. `console`
 * fits. @example createServer({ logger: console })
 */
export interface ServerLogger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** A logger that writes nothing (the default of `createServer`). */
export const SILENT_LOGGER: ServerLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Entries below this level are dropped. @default 'info' */
  level?: LogLevel
  /** `text`: one readable line; `json`: one JSON object per line. @default 'text' */
  format?: 'text' | 'json'
  /** Writes info and debug lines (and every JSON line). */
  out: (line: string) => void
  /** Writes warn and error text lines. */
  err: (line: string) => void
  now?: () => number
}

/**
 * @example const logger = createLogger({ format: 'json', out: (l) => process.stdout.write(l), err: (l) => process.stderr.write(l) })
 */
export function createLogger({ level = 'info', format = 'text', out, err, now = Date.now }: LoggerOptions): ServerLogger {
  const min = LOG_LEVELS.indexOf(level)
  const entry = (at: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(at) < min) return
    if (format === 'json') return out(`${JSON.stringify({ time: new Date(now()).toISOString(), level: at, msg: message, ...fields })}\n`)
    if (at === 'warn' || at === 'error') err(`holdline ${at}: ${message}\n`)
    else out(`${message}\n`)
  }
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') }
}

/**
 * What failed, in words an operator reads right.
 * @example describeError(new ClientOfflineError()) // 'redis unreachable (The client is offline)'
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // A store that could not be reached says so already (fromRedis); a raw node-redis error is worded here.
  const unavailable = fromRedis(error)
  return unavailable instanceof Error ? unavailable.message : String(unavailable)
}
