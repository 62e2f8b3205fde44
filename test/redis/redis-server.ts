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
  // A port found free may be taken by another test's redis-server before ours binds it: try another.
  for (let attempt = 1; ; attempt += 1) {
    const redis = await launch(await freePort(), options).catch((error: unknown) => (attempt < 5 ? undefined : Promise.reject(error)))
    if (redis) return redis
  }
}

async function launch(port: number, options: { persist?: boolean }): Promise<RunningRedis> {
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
    await answering(spawned, url).catch((error: unknown) => {
      spawned.kill('SIGKILL')
      child = undefined
      throw error
    })
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
    // Ours, not another test's that took the same free port first (ours then fails to bind and exits).
    const pid = await probe.connect().then(() => probe.info('server')).then((info) => /process_id:(\d+)/.exec(info)?.[1], () => undefined)
    await probe.quit().catch(() => undefined)
    if (pid === String(child.pid)) return
    if (pid !== undefined) throw new Error(`port taken by redis-server ${pid}`)
    if (Date.now() > deadline) throw new Error('redis-server did not answer')
    // The server gives no signal of readiness to a parent; ask again shortly.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
