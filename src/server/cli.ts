/**
 * The `holdline` command line: `holdline serve --port 8080 [options]`.
 */
import { parseArgs } from 'node:util'
import { createServer, type HoldlineServer } from './create-server.js'
import { createLogger, LOG_LEVELS, type LogLevel, type ServerLogger } from './logger.js'
import { resolveOptions, type AgentTokenConfig, type ServerOptions } from './options.js'
import { packageVersion } from './package-info.js'
import type { WrapUpCapacity } from './engine/types.js'
import { readWebhooksFile } from './webhooks/config-file.js'
import type { WebhookEndpoint } from './webhooks/types.js'
import { readCannedFile } from './canned.js'
import { DEFAULT_LIMITS } from '../protocol/limits.js'
import { readFileSync } from 'node:fs'
import type { IdentityAlgorithm, IdentityOptions } from './identity-options.js'

const HELP = `Usage: holdline serve [options]
       holdline --version

Serves the customer and agent WebSocket endpoints, the demo pages and the bundles.

Options:
  --port N                  TCP port (default 8080)
  --host H                  interface to listen on (default 0.0.0.0)
  --grace-ms N              grace window in ms (default 180000)
  --agent-grace-ms N        agent grace window in ms (default 60000)
  --affinity-ms N           a requeued chat waits this long for its previous agent alone (default 30000)
  --retain-closed-ms N      closed conversations are removed after this long (default 86400000)
  --heartbeat-ms N          heartbeat interval clients are asked to use (default 15000)
  --wrap-up-ms N            wrap-up auto-close in ms (default 900000)
  --wrap-up-capacity P      block | release | N ms (default block)
  --open-ms N               queue auto-close in ms (default 1200000)
  --reconnect-ms N          reconnect window in ms (default: off)
  --store URL               memory (default), redis://host:port or a cluster's
                            redis-cluster://host:port[,host:port...] (needs the redis package)
  --store-wait-ms N         how long start-up waits for Redis before giving up (default 10000)
  --listen-backlog N        queue of connections not yet accepted (default 4096; capped by net.core.somaxconn)
  --agent-token T[:id[:name]]  accept an agent token (repeatable)
  --admin-token T           accept an admin token for the HTTP API (repeatable)
  --allowed-origin O        allow this Origin (repeatable; default: all)
  --new-chats-per-minute N  new conversations one address may start per minute (default: no limit)
  --trust-proxy             take that address from the last X-Forwarded-For entry
  --canned FILE             canned responses for agents: a JSON array of { id, title, text }
  --api-only                serve no static files (no demo pages, no /dist/ bundles)
  --webhooks FILE           JSON array of webhook endpoints { url, secret, events? } (see docs/operations.md)
  --log-level L             debug | info | warn | error (default info)
  --log-format F            text | json (JSON lines, for log collectors; default text)
  --demo                    accept the agent token "demo" (agent "Demo agent", capacity 3)
  --identity-secret-file F  signed customer identity, HS256: the shared secret, read from file F
                            (or from the environment variable HOLDLINE_IDENTITY_SECRET)
  --identity-public-key F   signed customer identity, RS256/ES256: the site's public key, PEM file F
  --identity-jwks-url URL   signed customer identity, RS256/ES256: the site's JWKS
  --identity-issuer ISS     the iss every identity token must carry
  --identity-audience AUD   an aud an identity token may carry (repeatable; default: not checked)
  --identity-algorithm A    HS256 | RS256 | ES256 (repeatable; default: HS256 with a secret, else RS256 and ES256)
  --version                 print the version
  --help                    show this help

Exit codes: 0 after a clean shutdown (SIGTERM, SIGINT), 1 when start-up fails, 2 for bad arguments.
`

/** Output streams, injectable for tests. */
export interface CliIO {
  out: (text: string) => void
  err: (text: string) => void
}

const defaultIO: CliIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }

/** A mistake in the command line: said in one line, with exit code 2. */
class UsageError extends Error {}

/** A second signal, or a shutdown longer than this, exits at once with code 1. */
const SHUTDOWN_LIMIT_MS = 15_000

/**
 * Runs the CLI. Resolves with the running server for `serve` (undefined for `--help`, `--version` or
 * errors, which set `process.exitCode`: 2 for bad arguments, 1 when start-up failed).
 * @example await main(['serve', '--port', '8080', '--demo'])
 */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<HoldlineServer | undefined> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
    // Options the flags spelled but the server refuses (a bad --store URL) are usage errors too.
    if (typeof parsed === 'object') resolveOptions(parsed.options)
  } catch (error) {
    io.err(`holdline: ${usageMessage(error).replace(/^holdline: /, '')}\nRun "holdline --help" for the options.\n`)
    process.exitCode = 2
    return undefined
  }
  if (parsed === 'help') return void io.out(HELP)
  if (parsed === 'version') return void io.out(`${packageVersion()}\n`)
  const { options, log } = parsed
  const logger = createLogger({ ...log, out: io.out, err: io.err })
  let server: HoldlineServer
  try {
    server = await createServer({ ...options, logger })
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^holdline: /, '') : String(error)
    const hint = (error as { code?: unknown }).code === 'store-unreachable' ? ' (--store-wait-ms waits longer)' : ''
    logger.error(`cannot start: ${message}${hint}`)
    process.exitCode = 1
    return undefined
  }
  const base = server.url
  if (options.staticRoot !== false) {
    logger.info(`  customer page: ${base}/`)
    logger.info(`  agent console: ${base}/agent.html${tokensHint(options)}`)
  }
  const stop = (signal: NodeJS.Signals): void => shutdown(server, logger, signal)
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const close = server.close.bind(server)
  return {
    ...server,
    on: server.on.bind(server),
    close: async () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      await close()
    },
  }
}

/** SIGTERM/SIGINT: a clean shutdown, exit 0; a second signal or a stuck one exits 1 at once. */
function shutdown(server: HoldlineServer, logger: ServerLogger, signal: NodeJS.Signals): void {
  logger.info(`${signal}: shutting down (finishing writes in flight, telling clients server-closing)`)
  const force = (why: string): void => {
    logger.error(`${why}: exiting without finishing the shutdown`)
    process.exit(1)
  }
  process.once('SIGINT', () => force('second signal'))
  process.once('SIGTERM', () => force('second signal'))
  setTimeout(() => force(`shutdown took longer than ${SHUTDOWN_LIMIT_MS / 1_000} s`), SHUTDOWN_LIMIT_MS).unref()
  void server.close().then(
    () => {
      logger.info('shut down')
      process.exit(0)
    },
    (error: unknown) => force(`shutdown failed (${error instanceof Error ? error.message : String(error)})`),
  )
}

/** parseArgs says what is wrong at length and in its own terms; one line in ours instead. */
function usageMessage(error: unknown): string {
  if (error instanceof UsageError || error instanceof TypeError && !('code' in error)) return (error as Error).message
  const { code, message } = error as { code?: string; message: string }
  const option = /'(-[^' ]+)/.exec(message)?.[1]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? message}`
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(message) ? `${option} needs a value` : `${option} takes no value`
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return message
  return message
}

function tokensHint(options: ServerOptions): string {
  return options.agentTokens && 'demo' in options.agentTokens ? '#token=demo' : ''
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number`)
  return n
}

/** `--webhooks FILE`, its errors worded as usage errors. */
function webhooksFrom(path: string): WebhookEndpoint[] {
  try {
    return readWebhooksFile(path)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

interface Parsed {
  options: ServerOptions
  log: { level: LogLevel; format: 'text' | 'json' }
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`)
  return value as T
}

function parse(argv: string[]): Parsed | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, 'grace-ms': { type: 'string' },
      'agent-grace-ms': { type: 'string' }, 'affinity-ms': { type: 'string' }, 'retain-closed-ms': { type: 'string' }, 'heartbeat-ms': { type: 'string' }, 'wrap-up-ms': { type: 'string' }, 'wrap-up-capacity': { type: 'string' },
      'open-ms': { type: 'string' }, 'reconnect-ms': { type: 'string' }, store: { type: 'string' },
      'agent-token': { type: 'string', multiple: true }, 'admin-token': { type: 'string', multiple: true },
      'allowed-origin': { type: 'string', multiple: true }, 'new-chats-per-minute': { type: 'string' }, 'trust-proxy': { type: 'boolean' }, demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' }, 'store-wait-ms': { type: 'string' }, 'listen-backlog': { type: 'string' }, 'api-only': { type: 'boolean' },
      'log-level': { type: 'string' }, 'log-format': { type: 'string' }, canned: { type: 'string' },
      // --- webhooks ---
      webhooks: { type: 'string' },
      ...IDENTITY_FLAGS,
    },
  })
  if (values.help) return 'help'
  if (values.version) return 'version'
  if (positionals.length === 0) return 'help'
  if (positionals[0] !== 'serve' || positionals.length > 1) throw new UsageError(`unknown command "${positionals.join(' ')}" (the command is "holdline serve")`)
  const log = { level: oneOf('log-level', values['log-level'], LOG_LEVELS, 'info'), format: oneOf('log-format', values['log-format'], ['text', 'json'] as const, 'text') }
  const agentTokens: Record<string, AgentTokenConfig> = {}
  for (const spec of values['agent-token'] ?? []) {
    const [token = '', id, ...name] = spec.split(':')
    agentTokens[token] = { id: id || token, ...(name.length ? { name: name.join(':') } : {}) }
  }
  if (values.demo) agentTokens['demo'] = { id: 'demo', name: 'Demo agent', capacity: 3 }
  const perMinute = num('new-chats-per-minute', values['new-chats-per-minute'])
  const cap = values['wrap-up-capacity']
  const wrapUpCapacity: WrapUpCapacity | undefined = cap === undefined || cap === 'block' || cap === 'release' ? cap : num('wrap-up-capacity', cap)
  const port = num('port', values.port) ?? 8080
  if (port > 65_535) throw new UsageError('--port must be at most 65535')
  const options: ServerOptions = {
    port,
    host: values.host ?? '0.0.0.0',
    graceMs: num('grace-ms', values['grace-ms']),
    agentGraceMs: num('agent-grace-ms', values['agent-grace-ms']),
    affinityMs: num('affinity-ms', values['affinity-ms']),
    retainClosedMs: num('retain-closed-ms', values['retain-closed-ms']),
    heartbeatMs: num('heartbeat-ms', values['heartbeat-ms']),
    wrapUpAutoCloseMs: num('wrap-up-ms', values['wrap-up-ms']),
    wrapUpCapacity,
    openAutoCloseMs: num('open-ms', values['open-ms']),
    reconnectWindowMs: num('reconnect-ms', values['reconnect-ms']),
    store: values.store ?? 'memory',
    storeWaitMs: num('store-wait-ms', values['store-wait-ms']),
    listenBacklog: num('listen-backlog', values['listen-backlog']),
    ...(values['api-only'] ? { staticRoot: false, distRoot: false } : {}),
    agentTokens,
    adminTokens: values['admin-token'] ?? [],
    allowedOrigins: values['allowed-origin'],
    newChatsPerAddress: perMinute === undefined ? undefined : { perMinute },
    trustProxy: values['trust-proxy'] ?? false,
    // --- webhooks ---
    ...(values.webhooks === undefined ? {} : { webhooks: webhooksFrom(values.webhooks) }),
    ...(values.canned !== undefined ? { cannedResponses: readCannedFile(values.canned, DEFAULT_LIMITS.maxTextLength) } : {}),
    identity: identityOf(values),
  }
  return { options, log }
}

// Signed customer identity -----------------------------------------------------------------------

const IDENTITY_FLAGS = {
  'identity-secret-file': { type: 'string' }, 'identity-public-key': { type: 'string' }, 'identity-jwks-url': { type: 'string' },
  'identity-issuer': { type: 'string' }, 'identity-audience': { type: 'string', multiple: true }, 'identity-algorithm': { type: 'string', multiple: true },
} as const

type IdentityFlags = { [K in keyof typeof IDENTITY_FLAGS]?: (typeof IDENTITY_FLAGS)[K] extends { multiple: true } ? string[] : string }

function readKeyFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
}

/** The identity option from the flags (a secret from a file or the environment, never the command line, which `ps` shows). */
function identityOf(values: IdentityFlags): IdentityOptions | undefined {
  const secretFile = values['identity-secret-file']
  const secret = secretFile !== undefined ? readKeyFile('identity-secret-file', secretFile) : process.env['HOLDLINE_IDENTITY_SECRET'] || undefined
  const keyFile = values['identity-public-key']
  const publicKey = keyFile !== undefined ? readKeyFile('identity-public-key', keyFile) : undefined
  const jwksUrl = values['identity-jwks-url']
  const rest = [values['identity-issuer'], values['identity-audience'], values['identity-algorithm']]
  if (secret === undefined && publicKey === undefined && jwksUrl === undefined) {
    if (rest.some((v) => v !== undefined)) throw new UsageError('--identity-* options need --identity-secret-file, --identity-public-key or --identity-jwks-url')
    return undefined
  }
  const identity: IdentityOptions = {}
  if (secret !== undefined) identity.secret = secret
  if (publicKey !== undefined) identity.publicKey = publicKey
  if (jwksUrl !== undefined) identity.jwksUrl = jwksUrl
  if (values['identity-issuer'] !== undefined) identity.issuer = values['identity-issuer']
  if (values['identity-audience'] !== undefined) identity.audience = values['identity-audience']
  if (values['identity-algorithm'] !== undefined) identity.algorithms = values['identity-algorithm'] as IdentityAlgorithm[]
  return identity
}
