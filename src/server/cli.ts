/**
 * The `holdline` command line: `holdline serve --port 8080 [options]`.
 */
import { parseArgs } from 'node:util'
import { createServer, type HoldlineServer } from './create-server.js'
import { errorLogger } from './error-log.js'
import type { AgentTokenConfig, ServerOptions } from './options.js'
import type { WrapUpCapacity } from './engine/types.js'

const HELP = `Usage: holdline serve [options]

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
  --store URL               memory (default) or redis://host:port
  --agent-token T[:id[:name]]  accept an agent token (repeatable)
  --admin-token T           accept an admin token for the HTTP API (repeatable)
  --allowed-origin O        allow this Origin (repeatable; default: all)
  --new-chats-per-minute N  new conversations one address may start per minute (default: no limit)
  --trust-proxy             take that address from the last X-Forwarded-For entry
  --demo                    accept the agent token "demo" (agent "Demo agent", capacity 3)
  --help                    show this help
`

/** Output streams, injectable for tests. */
export interface CliIO {
  out: (text: string) => void
  err: (text: string) => void
}

const defaultIO: CliIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }

/**
 * Runs the CLI. Resolves with the running server for `serve` (undefined for `--help` or errors,
 * which set `process.exitCode`).
 * @example await main(['serve', '--port', '8080', '--demo'])
 */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<HoldlineServer | undefined> {
  let options: ServerOptions
  try {
    const parsed = parse(argv)
    if (parsed === 'help') {
      io.out(HELP)
      return undefined
    }
    options = parsed
  } catch (error) {
    io.err(`holdline: ${(error as Error).message}\n\n${HELP}`)
    process.exitCode = 2
    return undefined
  }
  const server = await createServer(options)
  server.on('error', errorLogger(io.err))
  const base = server.url
  io.out(`holdline listening on ${base}\n  customer page: ${base}/\n  agent console: ${base}/agent.html${tokensHint(options)}\n`)
  const stop = (): void => void server.close().then(() => process.exit(0))
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

function tokensHint(options: ServerOptions): string {
  return options.agentTokens && 'demo' in options.agentTokens ? '#token=demo' : ''
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`--${name} must be a whole number`)
  return n
}

function parse(argv: string[]): ServerOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, 'grace-ms': { type: 'string' },
      'agent-grace-ms': { type: 'string' }, 'affinity-ms': { type: 'string' }, 'retain-closed-ms': { type: 'string' }, 'heartbeat-ms': { type: 'string' }, 'wrap-up-ms': { type: 'string' }, 'wrap-up-capacity': { type: 'string' },
      'open-ms': { type: 'string' }, 'reconnect-ms': { type: 'string' }, store: { type: 'string' },
      'agent-token': { type: 'string', multiple: true }, 'admin-token': { type: 'string', multiple: true },
      'allowed-origin': { type: 'string', multiple: true }, 'new-chats-per-minute': { type: 'string' }, 'trust-proxy': { type: 'boolean' }, demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help || positionals.length === 0) return 'help'
  if (positionals[0] !== 'serve' || positionals.length > 1) throw new TypeError(`unknown command ${positionals.join(' ')}`)
  const agentTokens: Record<string, AgentTokenConfig> = {}
  for (const spec of values['agent-token'] ?? []) {
    const [token = '', id, ...name] = spec.split(':')
    agentTokens[token] = { id: id || token, ...(name.length ? { name: name.join(':') } : {}) }
  }
  if (values.demo) agentTokens['demo'] = { id: 'demo', name: 'Demo agent', capacity: 3 }
  const perMinute = num('new-chats-per-minute', values['new-chats-per-minute'])
  const cap = values['wrap-up-capacity']
  const wrapUpCapacity: WrapUpCapacity | undefined = cap === undefined || cap === 'block' || cap === 'release' ? cap : num('wrap-up-capacity', cap)
  return {
    port: num('port', values.port) ?? 8080,
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
    agentTokens,
    adminTokens: values['admin-token'] ?? [],
    allowedOrigins: values['allowed-origin'],
    newChatsPerAddress: perMinute === undefined ? undefined : { perMinute },
    trustProxy: values['trust-proxy'] ?? false,
  }
}
