/**
 * `holdline serve --store redis-cluster://...` in real processes on a real three-master cluster: the
 * start-up line names the cluster, /readyz answers from it, and a chat between a customer on one
 * process and an agent on another goes through it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { runCli, type RunningCli } from '../helpers/cli-process.js'
import { agent, customer, type Raw } from '../helpers/raw.js'
import { startRedisCluster, type RunningRedisCluster } from '../helpers/redis-cluster.mjs'

let cluster: RunningRedisCluster
const running: RunningCli[] = []
const sockets: Raw[] = []

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 30_000)
afterEach(async () => {
  for (const raw of sockets.splice(0)) raw.drop()
  for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
})
afterAll(async () => {
  await cluster?.stop()
})

/** A `holdline serve` on the cluster; resolves with its start-up line once it listens. */
async function serve(): Promise<{ cli: RunningCli; line: { msg: string; store: string; port: number } }> {
  const cli = runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only', '--log-format', 'json', '--store', cluster.url, '--agent-token', 'agent-token:a1:Ana'])
  running.push(cli)
  const line = JSON.parse(await cli.line((l) => l.includes('listening on'), 20_000)) as { msg: string; store: string; port: number }
  return { cli, line }
}

describe('holdline serve on a Redis Cluster (real processes)', () => {
  test('names the cluster, is ready, and carries a chat between two processes; SIGTERM exits 0', async () => {
    const [one, two] = await Promise.all([serve(), serve()])
    expect(one.line.store).toBe(cluster.url)
    expect(one.line.msg).toContain(`(store ${cluster.url}; `)
    const ready = await fetch(`http://127.0.0.1:${one.line.port}/readyz`)
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true }])

    const url = (port: number): string => `http://127.0.0.1:${port}`
    const ana = await agent(url(two.line.port))
    sockets.push(ana.raw)
    const kim = await customer(url(one.line.port))
    sockets.push(kim.raw)
    const id = String(kim.welcome.conversationId)
    // The offer crosses from one process to the other through the cluster's bus.
    await ana.raw.next((f) => f.type === 'offer' && (f.conversation as { id?: string }).id === id, { timeoutMs: 10_000 })
    ana.raw.send({ type: 'accept', conversationId: id })
    kim.raw.send({ type: 'message', clientId: 'm1', text: 'hello over the cluster' })
    await kim.raw.next((f) => f.type === 'ack' && f.clientId === 'm1')
    await ana.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'hello over the cluster', { timeoutMs: 10_000 })

    for (const { cli } of [one, two]) cli.child.kill('SIGTERM')
    expect(await Promise.all([one.cli.exited, two.cli.exited])).toEqual([0, 0])
    expect(one.cli.stderr + two.cli.stderr).toBe('')
  })
})
