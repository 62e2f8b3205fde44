// Server memory per idle, connected customer: holdline vs Socket.IO 4 with connection state recovery,
// each server in its own process, clients in another process, all on 127.0.0.1.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))

function start(args, options = {}) {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], ...options })
  const lines = createInterface({ input: child.stdout })
  const queue = []
  const waiters = []
  lines.on('line', (line) => (waiters.length ? waiters.shift()(JSON.parse(line)) : queue.push(JSON.parse(line))))
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve)))
  return { child, next, send: (line) => child.stdin.write(`${line}\n`) }
}

async function measure(kind, count) {
  const server = start(['--expose-gc', here('./peers/server-process.mjs'), kind])
  const { port } = await server.next()
  server.send('measure')
  const before = await server.next()
  const clients = start([here('./peers/clients-process.mjs'), kind, String(port), String(count)])
  const { connected } = await clients.next()
  // Let handshakes settle, then measure after GC.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  server.send('measure')
  const after = await server.next()
  clients.child.kill()
  server.child.kill()
  return {
    kind,
    count: connected,
    perSessionRss: (after.rss - before.rss) / connected,
    perSessionHeap: (after.heapUsed + after.external - before.heapUsed - before.external) / connected,
  }
}

export async function idleMemory(counts = [2_000, 10_000]) {
  const rows = []
  for (const count of counts) {
    const holdline = await measure('holdline', count)
    const socketio = await measure('socketio', count)
    rows.push({ count, holdline, socketio })
  }
  return rows
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`

export function formatIdleMemory(rows) {
  const lines = [
    '| idle customers | holdline RSS / session | Socket.IO 4 + recovery RSS / session | ratio | holdline heap / session | Socket.IO heap / session |',
    '|---:|---:|---:|---:|---:|---:|',
  ]
  for (const { count, holdline, socketio } of rows) {
    lines.push(`| ${count} | ${kib(holdline.perSessionRss)} | ${kib(socketio.perSessionRss)} | ${(holdline.perSessionRss / socketio.perSessionRss).toFixed(2)} | ${kib(holdline.perSessionHeap)} | ${kib(socketio.perSessionHeap)} |`)
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = process.argv[2] ? process.argv.slice(2).map(Number) : undefined
  console.log(formatIdleMemory(await idleMemory(counts)))
}
