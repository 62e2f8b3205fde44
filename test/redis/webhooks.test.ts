/**
 * Webhooks on one redis-server: the events a server queued are delivered by the next one after a
 * restart; a server killed while delivering loses none (its leases run out and another takes them);
 * two server processes deliver one queue, each event processed once, never sent by both at once.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStore, createServer, type HoldlineServer, type ServerOptions } from '../../src/server/index.js'
import { waitFor } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'
import { expectedIds, wholeConversation } from '../server/webhooks/conversation.js'
import { Receiver } from '../server/webhooks/receiver.js'

const SECRET = 'whsec-redis-0123456789'
let redis: RunningRedis
const servers: HoldlineServer[] = []
const children: ChildProcess[] = []
const receivers: Receiver[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  for (const child of children.splice(0)) child.kill('SIGKILL')
  await Promise.all(receivers.splice(0).map((r) => r.down()))
  const { createClient } = await import('redis')
  const c = createClient({ url: redis.url })
  await c.connect()
  await c.flushAll()
  await c.quit()
})

const endpointOf = (r: Receiver) => ({ url: r.url, secret: SECRET, timeoutMs: 400, backoffMs: 50, maxBackoffMs: 300 })

async function receiver(): Promise<Receiver> {
  const r = new Receiver(SECRET)
  receivers.push(r)
  await r.up()
  return r
}

async function server(r: Receiver, options: ServerOptions = {}): Promise<HoldlineServer> {
  const s = await createServer({
    host: '127.0.0.1', port: 0, heartbeatMs: 300, staticRoot: false, distRoot: false, store: redis.url,
    agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 3 } }, adminTokens: ['admin-token'],
    webhookPollMs: 50, webhooks: [endpointOf(r)], ...options,
  })
  servers.push(s)
  return s
}

/** A server in a child process (the CLI from the built bundle), its webhooks from a --webhooks file. */
async function spawnServer(r: Receiver): Promise<{ url: string; child: ChildProcess }> {
  const file = join(mkdtempSync(join(tmpdir(), 'holdline-wh-')), 'webhooks.json')
  writeFileSync(file, JSON.stringify([endpointOf(r)]))
  const child = spawn(globalThis.process.execPath, [
    'bin/holdline.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--heartbeat-ms', '300', '--store', redis.url,
    '--agent-token', 'agent-token:a1:Ana', '--admin-token', 'admin-token', '--api-only', '--webhooks', file,
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

async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const found = text.split('\n').find((l) => l.startsWith(line + ' '))
  return found === undefined ? NaN : Number(found.slice(line.length + 1))
}

async function expectedOf(s: HoldlineServer, ids: string[]): Promise<string[]> {
  return (await Promise.all(ids.map(async (id) => expectedIds(id, await s.store.transcript(id))))).flat()
}

function expectEachProcessedOnce(r: Receiver, expected: string[]): void {
  expect([...r.processed.keys()].sort()).toEqual([...expected].sort())
  for (const id of expected) expect(r.seen().get(id)).toBeGreaterThanOrEqual(1)
  expect(r.deliveries.every((d) => d.valid)).toBe(true)
}

describe('webhooks on Redis', () => {
  it('a restart in the middle: what the first server queued, the next one delivers', async () => {
    const r = await receiver()
    await r.down()
    const first = await server(r)
    const id = await wholeConversation(first.url)
    await waitFor(async () => (await metric(first.url, `holdline_webhook_attempts_total{endpoint="${r.url}",outcome="network-error"}`)) > 0)
    const expected = await expectedOf(first, [id])
    await first.close()
    servers.splice(servers.indexOf(first), 1)
    await r.up()
    // Kept in Redis across the restart.
    const store = await createRedisStore(redis.url)
    expect(await store.webhooks.depth(r.url)).toEqual({ queued: expected.length, dead: 0 })
    await store.close()
    r.script = [500, 'hang', 500]
    const second = await server(r)
    await waitFor(() => expected.every((e) => r.processed.has(e)), 15_000)
    expectEachProcessedOnce(r, expected)
    // Counted once the store has dropped the event, just after the receiver's answer.
    await waitFor(async () => (await metric(second.url, `holdline_webhook_deliveries_total{endpoint="${r.url}",outcome="delivered"}`)) >= expected.length)
    expect(await metric(second.url, `holdline_webhook_deliveries_total{endpoint="${r.url}",outcome="delivered"}`)).toBe(expected.length)
    await waitFor(async () => (await metric(second.url, `holdline_webhook_queue_depth{endpoint="${r.url}"}`)) === 0)
  })

  it('a server killed while delivering loses nothing: its leases run out and another sends the events, same ids', async () => {
    const r = await receiver()
    // The killed process's attempts all hang: none is answered before it dies.
    r.script = Array(50).fill('hang')
    const doomed = await spawnServer(r)
    const id = await wholeConversation(doomed.url)
    await waitFor(() => r.deliveries.length > 0)
    doomed.child.kill('SIGKILL')
    await new Promise((resolve) => doomed.child.once('exit', resolve))
    r.script = []
    const heir = await server(r)
    const expected = await expectedOf(heir, [id])
    await waitFor(() => expected.every((e) => r.processed.has(e)), 15_000)
    expectEachProcessedOnce(r, expected)
    // What the dead process was sending came again with the same id.
    const first = r.deliveries[0]!
    expect(r.deliveries.filter((d) => d.id === first.id).length).toBeGreaterThanOrEqual(2)
  })

  it('two server processes on one redis-server: every event processed once, none sent by both at the same time', async () => {
    const r = await receiver()
    r.okDelayMs = 30
    r.script = [500, 500, 'hang', 500, 500, 500]
    const inProcess = await server(r)
    const child = await spawnServer(r)
    const ids: string[] = []
    for (const url of [inProcess.url, child.url, inProcess.url, child.url]) ids.push(await wholeConversation(url))
    const expected = await expectedOf(inProcess, ids)
    await waitFor(() => expected.every((e) => r.processed.has(e)), 20_000)
    expectEachProcessedOnce(r, expected)
    expect(r.overlaps).toBe(0)
    // Both processes delivered (each claims what is due when it looks); counted just after the answers.
    const delivered = async () => Promise.all([inProcess.url, child.url].map((u) => metric(u, `holdline_webhook_deliveries_total{endpoint="${r.url}",outcome="delivered"}`)))
    await waitFor(async () => (await delivered()).reduce((a, b) => a + b) >= expected.length)
    const [here, there] = await delivered()
    expect(here).toBeGreaterThan(0)
    expect(there).toBeGreaterThan(0)
  })
})
