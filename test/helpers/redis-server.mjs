/**
 * A real redis-server (Debian's package) on a free port on 127.0.0.1, for tests. No persistence unless asked.
 *
 * Shared by the tests and the benchmarks (plain JavaScript, so `node bench/run.mjs` runs it as it is).
 *
 * @example
 * const redis = await startRedis()
 * const store = await createRedisStore(redis.url)
 * await redis.stop()
 */
import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'

/** A port free on 127.0.0.1 now (another process may take it before it is bound). @returns {Promise<number>} */
export async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  await new Promise((resolve) => server.close(() => resolve()))
  return port
}

/**
 * @param {{ persist?: boolean }} [options] `persist`: keep every write in an append-only file (fsync always) in a temporary
 *   folder, so a `stop()` then `start()` comes back with the data, as a Redis with persistence does.
 */
export async function startRedis(options = {}) {
  // A port found free may be taken by another test's redis-server before ours binds it: try another.
  for (let attempt = 1; ; attempt += 1) {
    const redis = await launch(await freePort(), options).catch((error) => (attempt < 5 ? undefined : Promise.reject(error)))
    if (redis) return redis
  }
}

/**
 * @param {number} port
 * @param {{ persist?: boolean }} options
 */
async function launch(port, options) {
  const url = `redis://127.0.0.1:${port}`
  const dir = options.persist ? await mkdtemp(join(tmpdir(), 'holdline-redis-')) : undefined
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
  /** @type {Promise<void>} */
  let exited = Promise.resolve()
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child
  const start = async () => {
    if (child) return
    const spawned = spawn(
      process.env.HOLDLINE_REDIS_SERVER ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      { stdio: 'ignore' },
    )
    child = spawned
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()))
    await answering(spawned, url).catch((error) => {
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

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} url
 */
async function answering(child, url) {
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
