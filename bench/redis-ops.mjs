// Redis cost per operation: real holdline processes (A holds the customers, B the agent, C nothing)
// on one real redis-server. Each operation is repeated and counted with INFO commandstats (every
// command Redis ran, those inside scripts included) and MONITOR (what the processes sent, and every
// publish, PUBLISH or SPUBLISH, sent or run by a script: its receivers are the subscribers of its
// channel, plain and sharded). The processes' own background work
// (deadline poll, lease renewal) is measured alone first and its rate subtracted.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createClient } from 'redis'
import { openFrames, startRedis } from './lib.mjs'

const HEARTBEAT_MS = 1_000
/** The SDK's default heartbeat, to state the idle cost per minute as deployed. */
const DEFAULT_HEARTBEAT_MS = 15_000
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function spawnProcess(url) {
  const options = { heartbeatMs: HEARTBEAT_MS, graceMs: 600_000, openAutoCloseMs: 3_600_000 }
  const child = spawn(process.execPath, [fileURLToPath(new URL('./peers/redis-process.mjs', import.meta.url)), url, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  return new Promise((resolve) => lines.once('line', (line) => resolve({ child, url: `ws://127.0.0.1:${JSON.parse(line).port}` })))
}

/** MONITOR on a raw socket, so the bytes it receives can be taken out of Redis's output count. */
function monitor(port) {
  const socket = connect(port, '127.0.0.1')
  const state = { bytes: 0, lines: [], buffer: '' }
  socket.on('data', (chunk) => {
    state.bytes += chunk.length
    state.buffer += chunk.toString('utf8')
    const parts = state.buffer.split('\r\n')
    state.buffer = parts.pop()
    for (const line of parts) if (line.startsWith('+1')) state.lines.push(line)
  })
  socket.write('MONITOR\r\n')
  return { state, close: () => socket.destroy() }
}

/** Parses one MONITOR line: `+1700000000.123 [0 127.0.0.1:5000] "EVALSHA" "..."` (or `[0 lua]`). */
function parseMonitor(line) {
  const m = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line)
  if (!m) return undefined
  const args = [...m[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1])
  return { lua: m[1] === 'lua', command: (args[0] ?? '').toLowerCase(), args }
}

const OURS = new Set(['info', 'pubsub', 'monitor', 'client', 'ping', 'flushall'])

async function snapshot(control) {
  const [commands, stats] = await Promise.all([control.info('commandstats'), control.info('stats')])
  const calls = {}
  for (const m of commands.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) calls[m[1]] = Number(m[2])
  const num = (name) => Number(new RegExp(`${name}:(\\d+)`).exec(stats)?.[1] ?? 0)
  return { calls, in: num('total_net_input_bytes'), out: num('total_net_output_bytes'), at: Date.now() }
}

/** Counts what `body` (run `times` times) costs Redis, per run, background subtracted. */
async function measure(ctx, times, body) {
  const from = ctx.mon.state.lines.length
  const monBytes = ctx.mon.state.bytes
  const before = await snapshot(ctx.control)
  for (let i = 0; i < times; i++) await body(i)
  await settle(300)
  const after = await snapshot(ctx.control)
  const lines = ctx.mon.state.lines.slice(from).map(parseMonitor).filter((l) => l && !OURS.has(l.command))
  const seconds = (after.at - before.at) / 1000
  const bg = ctx.background ?? { sent: 0, run: 0, in: 0, out: 0, publishes: 0, deliveries: 0 }
  let run = 0
  const byCommand = {}
  for (const [name, n] of Object.entries(after.calls)) {
    const base = name.split('|')[0]
    if (OURS.has(base)) continue
    const d = n - (before.calls[name] ?? 0)
    if (d > 0) {
      run += d
      byCommand[name] = d / times
    }
  }
  // A script may publish too (the commit script SPUBLISHes a change to its conversation's channel).
  const publishes = lines.filter((l) => l.command === 'publish' || l.command === 'spublish')
  const channels = [...new Set(publishes.map((p) => p.args[1]))]
  const subscribers = new Map()
  for (const channel of channels) {
    const [plain, sharded] = await Promise.all([ctx.control.pubSubNumSub(channel), ctx.control.pubSubShardNumSub(channel)])
    subscribers.set(channel, (plain[channel] ?? 0) + (sharded[channel] ?? 0))
  }
  const deliveries = publishes.reduce((sum, p) => sum + (subscribers.get(p.args[1]) ?? 0), 0)
  const per = (total, rate) => Math.max(0, (total - rate * seconds) / times)
  return {
    sent: per(lines.filter((l) => !l.lua).length, bg.sent),
    run: per(run, bg.run),
    in: per(after.in - before.in, bg.in),
    out: per(after.out - before.out - (ctx.mon.state.bytes - monBytes), bg.out),
    publishes: per(publishes.length, bg.publishes),
    deliveries: per(deliveries, bg.deliveries),
    byCommand,
    seconds,
  }
}

/** The background rate of the processes alone (per second), to subtract from every measurement. */
async function backgroundRate(ctx, ms) {
  ctx.background = undefined
  const r = await measure(ctx, 1, () => settle(ms))
  const s = r.seconds
  return { sent: r.sent / s, run: r.run / s, in: r.in / s, out: r.out / s, publishes: r.publishes / s, deliveries: r.deliveries / s }
}

async function customerOn(url, heartbeat = true) {
  const c = await openFrames(`${url}/v1/customer`)
  c.send({ type: 'hello', v: 1, widgetId: 'bench', tabId: randomUUID() })
  const welcome = await c.next((f) => f.type === 'welcome')
  // As the SDK: acknowledge every event, ping every heartbeat.
  c.ws.on('message', (data) => {
    const f = JSON.parse(String(data))
    if (f.type === 'event') c.send({ type: 'ack', seq: f.item.seq })
  })
  const timer = heartbeat ? setInterval(() => c.send({ type: 'ping', t: Date.now() }), HEARTBEAT_MS) : undefined
  return { ...c, id: welcome.conversationId, stop: () => (clearInterval(timer), c.ws.terminate()) }
}

async function agentOn(url) {
  const a = await openFrames(`${url}/v1/agent`)
  a.send({ type: 'auth', v: 1, token: 'bench' })
  await a.next((f) => f.type === 'ready')
  return a
}

/** Stores `count` active conversations of another agent (what routing and logins had to read). */
async function seed(url, count) {
  const { createRedisStore } = await import('../dist/server.js')
  const store = await createRedisStore(url)
  const now = Date.now()
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, () => {
        const id = randomUUID()
        const conversation = {
          id, widgetId: 'bench', customer: {}, status: 'active', createdAt: now, statusAt: now, agent: { id: 'seeded', name: 'Seeded' },
          tokenHash: '0'.repeat(64), lastSeq: 0, lastHeardAt: now, connections: [], presence: 'disconnected',
        }
        return store.create({ conversation, drafts: [{ kind: 'message', from: 'customer', text: 'seeded', at: now }] })
      }),
    )
  }
  await store.close()
}

export async function redisOps() {
  const redis = await startRedis()
  const port = Number(new URL(redis.url).port)
  const control = createClient({ url: redis.url })
  await control.connect()
  const [A, B, C] = await Promise.all([spawnProcess(redis.url), spawnProcess(redis.url), spawnProcess(redis.url)])
  const mon = monitor(port)
  const ctx = { control, mon, background: undefined }
  const rows = []
  try {
    await settle(1_000)
    ctx.background = await backgroundRate(ctx, 5_000)
    rows.push(['3 processes, nothing connected (per process per minute)', scale(ctx.background, 60 / 3)])

    // Idle customers: pinging at the bench's heartbeat; stated per minute at the default heartbeat.
    const idle = await Promise.all(Array.from({ length: 20 }, () => customerOn(A.url)))
    await settle(1_500)
    const idleRun = await measure(ctx, 1, () => settle(5_000))
    const perHeartbeat = scale(idleRun, 1 / (20 * (idleRun.seconds * 1000) / HEARTBEAT_MS))
    rows.push([`idle connected customer, per heartbeat`, perHeartbeat])
    rows.push([`idle connected customer, per minute (heartbeat ${DEFAULT_HEARTBEAT_MS / 1000} s)`, scale(perHeartbeat, 60_000 / DEFAULT_HEARTBEAT_MS)])
    for (const c of idle) c.stop()
    await settle(500)

    const agent = await agentOn(B.url)
    const cust = await customerOn(A.url)
    await agent.next((f) => f.type === 'offer' && f.conversation.id === cust.id)
    agent.send({ type: 'accept', conversationId: cust.id })
    await agent.next((f) => f.type === 'event' && f.conversationId === cust.id && f.item.kind === 'status' && f.item.status === 'active')
    await settle(300)
    rows.push(['customer message (A -> agent on B, with the customer\'s ack)', await measure(ctx, 20, async (i) => {
      const text = `c${i}`
      cust.send({ type: 'message', clientId: randomUUID(), text })
      await Promise.all([
        agent.next((f) => f.type === 'event' && f.item.text === text),
        cust.next((f) => f.type === 'event' && f.item.text === text),
      ])
      await settle(50)
    })])
    rows.push(['agent message (B -> customer on A, with the customer\'s ack)', await measure(ctx, 20, async (i) => {
      const text = `a${i}`
      agent.send({ type: 'message', conversationId: cust.id, clientId: randomUUID(), text })
      await cust.next((f) => f.type === 'event' && f.item.text === text)
      await settle(50)
    })])
    cust.stop()

    for (const stored of [1_000, 10_000]) {
      await seed(redis.url, stored - (await storedCount(control)))
      await settle(500)
      rows.push([`new chat and its routing step, ${stored / 1000}k stored`, await measure(ctx, 5, async () => {
        const c = await customerOn(A.url, false)
        await agent.next((f) => f.type === 'offer' && f.conversation.id === c.id)
        await settle(100)
        c.stop()
      })])
      rows.push([`agent login, ${stored / 1000}k stored`, await measure(ctx, 3, async () => {
        const a = await agentOn(B.url)
        await settle(100)
        a.ws.terminate()
        await settle(100)
      })])
    }
    agent.ws.terminate()
  } finally {
    mon.close()
    for (const p of [A, B, C]) p.child.kill('SIGKILL')
    await control.quit()
    await redis.stop()
  }
  return rows
}

async function storedCount(control) {
  // Counted by revision keys, whatever the layout of the rest: one per conversation.
  let n = 0
  for await (const keys of control.scanIterator({ MATCH: '*', COUNT: 1000 })) n += (Array.isArray(keys) ? keys : [keys]).filter((k) => /(^|[:}])r:|:r:/.test(k) && !k.includes('agr')).length
  return n
}

function scale(r, k) {
  const byCommand = Object.fromEntries(Object.entries(r.byCommand ?? {}).map(([c, n]) => [c, n * k]))
  return { ...r, byCommand, sent: r.sent * k, run: r.run * k, in: r.in * k, out: r.out * k, publishes: r.publishes * k, deliveries: r.deliveries * k }
}

export function formatRedisOps(rows) {
  const f = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1))
  const kb = (n) => (n >= 10_240 ? `${(n / 1024).toFixed(0)} KB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n.toFixed(0)} B`)
  const top = (by) => Object.entries(by ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([c, n]) => `${c} ${f(n)}`).join(', ')
  return [
    '| operation | commands sent | commands run (scripts included) | bytes into Redis | bytes out of Redis | publishes | deliveries to processes | most run |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(([name, r]) => `| ${name} | ${f(r.sent)} | ${f(r.run)} | ${kb(r.in)} | ${kb(r.out)} | ${f(r.publishes)} | ${f(r.deliveries)} | ${top(r.byCommand)} |`),
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatRedisOps(await redisOps()))
}
