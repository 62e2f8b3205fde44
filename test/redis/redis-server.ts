/**
 * A real redis-server (Debian's package) on a free port on 127.0.0.1, for tests. No persistence.
 *
 * @example
 * const redis = await startRedis()
 * const store = await createRedisStore(redis.url)
 * await redis.stop()
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createClient } from 'redis'

export interface RunningRedis {
  url: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.env.HOLDLINE_REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    const probe = createClient({ url, socket: { reconnectStrategy: false } })
    probe.on('error', () => undefined)
    const ready = await probe.connect().then(() => probe.ping()).then(() => true, () => false)
    await probe.quit().catch(() => undefined)
    if (ready) break
    if (Date.now() > deadline) throw new Error('redis-server did not answer')
    // The server gives no signal of readiness to a parent; ask again shortly.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url,
    async stop() {
      child.kill('SIGKILL')
      await exited
    },
  }
}
