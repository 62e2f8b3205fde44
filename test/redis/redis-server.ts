/**
 * A real redis-server (Debian's package) on a free port on 127.0.0.1, for tests. No persistence unless asked.
 *
 * @example
 * const redis = await startRedis()
 * const store = await createRedisStore(redis.url)
 * await redis.stop()
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'

export interface RunningRedis {
  url: string
  stop(): Promise<void>
  /** Starts it again on the same port (after `stop()`); with `persist`, with the data it had. */
  start(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * @param options.persist keep every write in an append-only file (fsync always) in a temporary
 *   folder, so a `stop()` then `start()` comes back with the data, as a Redis with persistence does.
 */
export async function startRedis(options: { persist?: boolean } = {}): Promise<RunningRedis> {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  const dir = options.persist ? await mkdtemp(join(tmpdir(), 'holdline-redis-')) : undefined
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
  let exited: Promise<void> = Promise.resolve()
  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    if (child) return
    const spawned = spawn(
      process.env.HOLDLINE_REDIS_SERVER ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      { stdio: 'ignore' },
    )
    child = spawned
    exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()))
    await answering(spawned, url)
  }
  await start()
  return {
    url,
    start,
    async stop() {
      child?.kill('SIGKILL')
      child = undefined
      await exited
    },
  }
}

async function answering(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    const probe = createClient({ url, socket: { reconnectStrategy: false } })
    probe.on('error', () => undefined)
    const ready = await probe.connect().then(() => probe.ping()).then(() => true, () => false)
    await probe.quit().catch(() => undefined)
    if (ready) return
    if (Date.now() > deadline) throw new Error('redis-server did not answer')
    // The server gives no signal of readiness to a parent; ask again shortly.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
