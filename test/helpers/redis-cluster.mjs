/**
 * A real Redis Cluster for tests: three `redis-server` masters in cluster mode on free ports on
 * 127.0.0.1 (Debian's package), joined by `redis-cli --cluster create`, no persistence, no replicas.
 *
 * Plain JavaScript like redis-server.mjs, so the benchmarks can run it as it is.
 *
 * @example
 * const cluster = await startRedisCluster()
 * const store = await createRedisStore(cluster.url)
 * await cluster.stop()
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createClient } from 'redis'
import { freePort } from './redis-server.mjs'

const run = promisify(execFile)
const MASTERS = 3

export async function startRedisCluster() {
  // A port found free may be taken by another test's server before ours binds it: try other ports.
  for (let attempt = 1; ; attempt += 1) {
    const cluster = await launch().catch((error) => (attempt < 5 ? undefined : Promise.reject(error)))
    if (cluster) return cluster
  }
}

async function launch() {
  const dir = await mkdtemp(join(tmpdir(), 'holdline-cluster-'))
  /** @type {Array<{ port: number; busPort: number; child: import('node:child_process').ChildProcess | undefined; exited: Promise<void> }>} */
  const nodes = []
  const startNode = async (/** @type {typeof nodes[number]} */ node) => {
    if (node.child) return
    const child = spawn(process.env.HOLDLINE_REDIS_SERVER ?? 'redis-server', [
      '--port', String(node.port), '--bind', '127.0.0.1', '--dir', dir,
      '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${node.port}.conf`),
      // The bus defaults to port + 10000, which may be taken or past 65535 for a port found free.
      '--cluster-port', String(node.busPort),
      // How long a silent master is given before the others mark it failed and the cluster refuses
      // every command (there is no replica to promote) until it is back.
      '--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no',
    ], { stdio: 'ignore' })
    node.child = child
    node.exited = new Promise((resolve) => child.once('exit', () => resolve()))
    await answering(child, node.port).catch((error) => {
      child.kill('SIGKILL')
      node.child = undefined
      throw error
    })
  }
  const stop = async () => {
    for (const node of nodes) node.child?.kill('SIGKILL')
    await Promise.all(nodes.map((node) => node.exited))
    for (const node of nodes) node.child = undefined
    await rm(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < MASTERS; i += 1) {
      const node = { port: await freePort(), busPort: await freePort(), child: undefined, exited: Promise.resolve() }
      nodes.push(node)
      await startNode(node)
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`)
    await run(process.env.HOLDLINE_REDIS_CLI ?? 'redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'])
    await Promise.all(nodes.map((node) => clusterOk(node.port)))
    return {
      url: `redis-cluster://${addresses.join(',')}`,
      nodes: addresses,
      /** Kills the master at `index` (its slots are then unserved until it comes back). */
      async stopNode(/** @type {number} */ index) {
        const node = nodes[index]
        node?.child?.kill('SIGKILL')
        node.child = undefined
        await node?.exited
      },
      /**
       * Starts the master at `index` again on its port, with its cluster config (its slots, no data);
       * once every master runs, waits until the cluster is ok again.
       */
      async startNode(/** @type {number} */ index) {
        const node = nodes[index]
        if (!node) throw new Error(`no node ${index}`)
        await startNode(node)
        if (nodes.every((n) => n.child)) await Promise.all(nodes.map((n) => clusterOk(n.port)))
      },
      /** How many keys each master holds (DBSIZE), in the order of `nodes`. */
      async dbSizes() {
        return Promise.all(nodes.map((node) => ask(node.port, (probe) => probe.dbSize())))
      },
      /** Empties every master (FLUSHALL on each: a cluster client has no command for all of them). */
      async flushAll() {
        await Promise.all(nodes.map((node) => ask(node.port, (probe) => probe.flushAll())))
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} port
 */
async function answering(child, port) {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`)
    const pid = await ask(port, (probe) => probe.info('server')).then((info) => /process_id:(\d+)/.exec(info)?.[1], () => undefined)
    // Ours, not another test's that took the same free port first (ours then fails to bind and exits).
    if (pid === String(child.pid)) return
    if (pid !== undefined) throw new Error(`port taken by redis-server ${pid}`)
    if (Date.now() > deadline) throw new Error('redis-server did not answer')
    // The server gives no signal of readiness to a parent; ask again shortly.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Waits until the node at `port` says the cluster is ok with all 16384 slots assigned. @param {number} port */
async function clusterOk(port) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const info = await ask(port, (probe) => probe.clusterInfo()).catch(() => '')
    if (/cluster_state:ok/.test(info) && /cluster_slots_assigned:16384\b/.test(info)) return
    if (Date.now() > deadline) throw new Error(`cluster not ok on 127.0.0.1:${port}: ${info.replace(/\r?\n/g, ' ')}`)
    // CLUSTER INFO has no wait: the nodes agree over their bus in their own time.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * One question to the node at `port` on a connection of its own.
 * @template T
 * @param {number} port
 * @param {(client: ReturnType<typeof createClient>) => Promise<T>} question
 * @returns {Promise<T>}
 */
async function ask(port, question) {
  const probe = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } })
  probe.on('error', () => undefined)
  try {
    await probe.connect()
    return await question(probe)
  } finally {
    probe.destroy()
  }
}
