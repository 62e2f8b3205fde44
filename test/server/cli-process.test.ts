/**
 * The `holdline` command as operators meet it, in real processes: every start-up failure says what
 * failed and exits non-zero, the start-up line says what runs, and SIGTERM shuts down cleanly.
 */
import { readFileSync } from 'node:fs'
import { createServer as createNetServer, type Server } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { runCli, type RunningCli } from '../helpers/cli-process.js'

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
const running: RunningCli[] = []
const blockers: Server[] = []

afterEach(async () => {
  for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
  await Promise.all(blockers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

function cli(args: string[]): RunningCli {
  const started = runCli(args)
  running.push(started)
  return started
}

/** A port something already listens on. */
async function takenPort(): Promise<number> {
  const server = createNetServer()
  blockers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

/** A port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((r) => server.close(r))
  return port
}

describe('holdline (a real process)', () => {
  test('--version prints the version', async () => {
    const c = cli(['--version'])
    expect(await c.exited).toBe(0)
    expect(c.stdout).toBe(`${VERSION}\n`)
  })

  test.each([
    [['serve', '--nope'], 'unknown option --nope'],
    [['serve', '--port'], '--port needs a value'],
    [['serve', '--port', 'abc'], '--port must be a whole number'],
    [['serve', '--port', '70000'], '--port must be at most 65535'],
    [['serve', '--demo=yes'], '--demo takes no value'],
    [['serve', '--store', 'mysql://db'], "store must be a Store, 'memory', a redis:// or a redis-cluster:// URL"],
    [['serve', '--log-format', 'xml'], '--log-format must be one of text, json'],
    [['start'], 'unknown command "start" (the command is "holdline serve")'],
  ])('bad arguments %j: one clear line and exit code 2', async (args, message) => {
    const c = cli(args)
    expect(await c.exited).toBe(2)
    expect(c.stderr).toBe(`holdline: ${message}\nRun "holdline --help" for the options.\n`)
    expect(c.stdout).toBe('')
  })

  test('an unreachable Redis: each retry logged, then "redis unreachable" and exit 1 within the wait', async () => {
    const port = await closedPort()
    const startedAt = Date.now()
    const c = cli(['serve', '--port', '0', '--host', '127.0.0.1', '--store', `redis://127.0.0.1:${port}`, '--store-wait-ms', '1500'])
    expect(await c.exited).toBe(1)
    // Well inside the default bound (10 s) for a 1.5 s wait, even with the machine busy.
    expect(Date.now() - startedAt).toBeLessThan(10_000)
    const where = `redis://127.0.0.1:${port}`
    const retries = c.stderr.split('\n').filter((l) => l.startsWith(`holdline warn: redis unreachable at ${where} (connect ECONNREFUSED 127.0.0.1:${port}); retry `))
    expect(retries.length).toBeGreaterThanOrEqual(2)
    expect(retries[0]).toMatch(/; retry 1 in \d+ ms$/)
    const gaveUp = new RegExp(`holdline error: cannot start: redis unreachable at ${where.replace(/[/.]/g, '\\$&')} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\): gave up after (\\d+(?:\\.\\d)?) s \\(--store-wait-ms waits longer\\)\\n$`).exec(c.stderr)
    // The wait asked for, or a little more on a loaded machine; never less.
    expect(Number(gaveUp?.[1])).toBeGreaterThanOrEqual(1.5)
    expect(c.stdout).toBe('')
  })

  test('a port in use: said so, exit 1', async () => {
    const port = await takenPort()
    const c = cli(['serve', '--port', String(port), '--host', '127.0.0.1'])
    expect(await c.exited).toBe(1)
    expect(c.stderr).toBe(`holdline error: cannot start: port ${port} on 127.0.0.1 is already in use (another holdline, or another server?)\n`)
  })

  test('the start-up line (version, store, port, origins, windows) in JSON lines; SIGTERM exits 0', async () => {
    const c = cli(['serve', '--port', '0', '--host', '127.0.0.1', '--log-format', 'json', '--allowed-origin', 'https://shop.example', '--reconnect-ms', '600000'])
    const first = JSON.parse(await c.line((l) => l.includes('listening on'))) as Record<string, unknown>
    expect(first).toMatchObject({ level: 'info', version: VERSION, store: 'memory' })
    expect(first.msg).toBe(
      `holdline ${VERSION} listening on http://127.0.0.1:${first.port as number} (store memory; origins https://shop.example; ` +
        'grace 180 s, agent grace 60 s, wrap-up 900 s, queue 1200 s, reconnect 600 s; static files on)',
    )
    const health = await fetch(`http://127.0.0.1:${first.port as number}/readyz`)
    expect(await health.json()).toEqual({ ready: true })
    c.child.kill('SIGTERM')
    expect(await c.exited).toBe(0)
    const lines = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string })
    expect(lines.map((l) => l.msg).slice(-2)).toEqual(['SIGTERM: shutting down (finishing writes in flight, telling clients server-closing)', 'shut down'])
    expect(c.stderr).toBe('')
  })
})
