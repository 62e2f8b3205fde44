/**
 * Several server processes on one Redis, or on one Redis Cluster, act as one: resume on another
 * process, agents and customers on different processes, each deadline fired once, and a process
 * killed with SIGKILL loses nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createAgent, type Agent } from '../../src/agent/index.js'
import { createServer, type HoldlineServer, type ServerOptions } from '../../src/server/index.js'
import { customer, waitFor, type Raw } from '../helpers/raw.js'
import { startRedisCluster, type RunningRedisCluster } from '../helpers/redis-cluster.mjs'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

const GRACE = 1_500
let redis: RunningRedis
let cluster: RunningRedisCluster
/** The store URL of the processes of the tests running now. */
let storeUrl = ''
const servers: HoldlineServer[] = []
const children: ChildProcess[] = []
const agents: Agent[] = []
const customers: Raw[] = []

beforeAll(async () => {
  ;[redis, cluster] = await Promise.all([startRedis(), startRedisCluster()])
}, 30_000)
afterAll(async () => {
  await Promise.all([redis?.stop(), cluster?.stop()])
})
afterEach(async () => {
  for (const a of agents.splice(0)) a.disconnect()
  for (const c of customers.splice(0)) await c.close().catch(() => undefined)
  await Promise.all(servers.splice(0).map((s) => s.close()))
  for (const child of children.splice(0)) child.kill('SIGKILL')
  // Each test starts from an empty Redis so deadlines of one cannot fire in the next.
  if (storeUrl === cluster.url) return cluster.flushAll()
  const { createClient } = await import('redis')
  const c = createClient({ url: redis.url })
  await c.connect()
  await c.flushAll()
  await c.quit()
})

const OPTIONS: ServerOptions = {
  host: '127.0.0.1',
  port: 0,
  graceMs: GRACE,
  heartbeatMs: 300,
  agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 3 } },
  adminTokens: ['admin-token'],
  staticRoot: false,
  distRoot: false,
}

async function process(options: ServerOptions = {}): Promise<HoldlineServer> {
  const server = await createServer({ ...OPTIONS, store: storeUrl, ...options })
  servers.push(server)
  return server
}

async function agentOn(server: { url: string }): Promise<Agent> {
  const agent = createAgent({ url: server.url, token: 'agent-token', WebSocket: WebSocket as never })
  agents.push(agent)
  await agent.connect()
  return agent
}

async function customerOn(url: string, hello: Record<string, unknown> = {}) {
  const c = await customer(url, hello)
  customers.push(c.raw)
  return c
}

const texts = (raw: Raw) => raw.items().filter((i) => i.kind === 'message').map((i) => String(i.text))

describe.each(['redis', 'redis-cluster'] as const)('several server processes on one %s', (kind) => {
  beforeAll(() => {
    storeUrl = kind === 'redis' ? redis.url : cluster.url
  })

  it('a customer who drops from A resumes on B with nothing lost, nothing twice', async () => {
    const a = await process()
    const b = await process()
    const agent = await agentOn(a)
    const first = await customerOn(a.url)
    const id = String(first.welcome.conversationId)
    await waitFor(() => agent.offers.has(id))
    await agent.accept(id)
    first.raw.send({ type: 'message', clientId: 'm1', text: 'before the drop' })
    await first.raw.nextOfType('ack')
    // Its own event comes through Redis pub/sub, on another connection than the ack: either may be first.
    await first.raw.next((f) => f.type === 'event' && (f.item as { clientId?: string }).clientId === 'm1')
    const lastSeq = Math.max(...first.raw.items().map((i) => Number(i.seq)))
    first.raw.drop()

    await agent.send(id, 'written while the customer was away')
    const second = await customerOn(b.url, { resume: { conversationId: id, token: first.welcome.token, lastSeq } })
    expect(second.welcome).toMatchObject({ conversationId: id, resumed: true })
    await second.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'written while the customer was away')
    second.raw.send({ type: 'message', clientId: 'm1', text: 'before the drop' }) // a resend after the drop
    second.raw.send({ type: 'message', clientId: 'm2', text: 'after the resume' })
    await second.raw.next((f) => f.type === 'ack' && f.clientId === 'm2')

    await waitFor(() => (agent.conversations.get(id)?.transcript ?? []).some((i) => i.kind === 'message' && i.text === 'after the resume'))
    const messages = (agent.conversations.get(id)?.transcript ?? []).flatMap((i) => (i.kind === 'message' && i.from !== 'system' ? [i.text] : []))
    expect(messages).toEqual(['before the drop', 'written while the customer was away', 'after the resume'])
    expect(texts(second.raw)).toEqual(['written while the customer was away', 'after the resume'])
  })

  it('with three processes, a grace deadline fires exactly once', async () => {
    const [a, b, c] = [await process(), await process(), await process()]
    const agent = await agentOn(b)
    const { raw, welcome } = await customerOn(a.url)
    const id = String(welcome.conversationId)
    await waitFor(() => agent.offers.has(id))
    await agent.accept(id)
    const transitions: string[] = []
    for (const s of [a, b, c]) s.on('transition', (t) => transitions.push(`${t.to}:${t.reason}`))
    raw.drop()

    await waitFor(() => agent.conversations.get(id)?.status === 'wrap-up', GRACE + 10_000)
    // Let every process's scheduler poll past the deadline once more before counting.
    await new Promise((resolve) => setTimeout(resolve, 600))
    const res = await fetch(`${c.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })
    const view = (await res.json()) as { transcript: Array<{ kind: string; status?: string; automated?: string }> }
    expect(view.transcript.filter((i) => i.kind === 'status' && i.status === 'wrap-up')).toHaveLength(1)
    expect(view.transcript.filter((i) => i.automated === 'customer-disconnected')).toHaveLength(1)
    expect(transitions.filter((t) => t === 'wrap-up:customer-disconnected')).toHaveLength(1)
  })

  it('a process killed with SIGKILL loses no accepted message, and its customers still time out', async () => {
    const doomed = await spawnServer()
    const survivor = await process()
    const agent = await agentOn(survivor)
    const { raw, welcome } = await customerOn(doomed.url)
    const id = String(welcome.conversationId)
    await waitFor(() => agent.offers.has(id))
    await agent.accept(id)
    for (let n = 1; n <= 5; n++) {
      raw.send({ type: 'message', clientId: `k${n}`, text: `accepted ${n}` })
      await raw.next((f) => f.type === 'ack' && f.clientId === `k${n}`)
    }
    doomed.child.kill('SIGKILL')

    // The dead process never closed its sockets: its customer's connection expires by silence.
    await waitFor(() => agent.conversations.get(id)?.status === 'wrap-up', 20_000)
    const messages = (agent.conversations.get(id)?.transcript ?? []).flatMap((i) => (i.kind === 'message' && i.from === 'customer' ? [i.text] : []))
    expect(messages).toEqual(['accepted 1', 'accepted 2', 'accepted 3', 'accepted 4', 'accepted 5'])
    const last = agent.conversations.get(id)?.transcript.filter((i) => i.kind === 'status').at(-1)
    expect(last).toMatchObject({ status: 'wrap-up', reason: 'customer-disconnected' })
  })

  it("a process killed with SIGKILL under an agent's console: the agent counts as gone, its chat goes back to the queue", async () => {
    const doomed = await spawnServer(['--agent-grace-ms', '500'])
    const survivor = await process({ agentGraceMs: 500 })
    const { raw, welcome } = await customerOn(survivor.url)
    const id = String(welcome.conversationId)
    const agent = await agentOn(doomed)
    await waitFor(() => agent.offers.has(id))
    await agent.accept(id)
    const ping = setInterval(() => raw.send({ type: 'ping', t: Date.now() }), 200)
    try {
      doomed.child.kill('SIGKILL')
      // Nobody closed the console's socket: its process's lease runs out, then R11 as usual.
      await raw.next((f) => f.type === 'event' && (f.item as { automated?: string }).automated === 'agent-disconnected', { timeoutMs: 20_000 })
      const requeued = (f: { type: string; item?: unknown }) => f.type === 'event' && (f.item as { reason?: string }).reason === 'agent-disconnected'
      expect((await raw.next(requeued, { timeoutMs: 5_000 })).item).toMatchObject({ kind: 'status', status: 'open' })
      expect((await survivor.store.getAgent('a1'))?.connections).toEqual([])
    } finally {
      clearInterval(ping)
    }
  }, 30_000)

  it('a restarted process picks up where it left off', async () => {
    const first = await spawnServer()
    const { raw, welcome } = await customerOn(first.url)
    raw.send({ type: 'message', clientId: 'r1', text: 'kept across a restart' })
    await raw.next((f) => f.type === 'ack')
    first.child.kill('SIGKILL')

    const again = await spawnServer()
    const resumed = await customerOn(again.url, { resume: { conversationId: welcome.conversationId, token: welcome.token, lastSeq: 0 } })
    expect(resumed.welcome).toMatchObject({ conversationId: welcome.conversationId, resumed: true })
    await resumed.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'kept across a restart')
  })
})

/** A server in a child process (the CLI from the built bundle), so SIGKILL kills it for real. */
async function spawnServer(extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(globalThis.process.execPath, [
    'bin/holdline.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--grace-ms', String(GRACE),
    '--heartbeat-ms', '300', '--store', storeUrl, '--agent-token', 'agent-token:a1:Ana', '--admin-token', 'admin-token', ...extra,
  ], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line)
      if (match?.[1]) resolve(match[1])
    })
  })
  return { url, child }
}
