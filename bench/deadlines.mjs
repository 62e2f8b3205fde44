// Deadline precision: N customers connected from another process leave at once (the process exits);
// every conversation must close when its grace window ends, counted from the last moment it was heard.
// Reports how late each transition fired after its deadline (p50, p99, max). Beside it, Socket.IO 4's
// connection state recovery with the same window: its only server-side expiry is discarding the
// session (no event is emitted), which its adapter does on a sweep; measured by watching its sessions.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const GRACE_MS = 5_000

function spawnClients(kind, port, count) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./peers/clients-process.mjs', import.meta.url)), kind, String(port), String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  const connected = new Promise((resolve) => lines.once('line', resolve))
  return { connected, leave: () => child.stdin.write('leave\n') }
}

async function socketioPrecision(count) {
  const { createServer } = await import('node:http')
  const { Server } = await import('socket.io')
  const http = createServer()
  const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: GRACE_MS } })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  const clients = spawnClients('socketio', http.address().port, count)
  await clients.connected
  const { sessions } = io.of('/').adapter
  clients.leave()
  // Every session is kept at its disconnection; then each is watched until the adapter drops it.
  while (sessions.size < count) await new Promise((resolve) => setTimeout(resolve, 5))
  const pending = new Map([...sessions].map(([pid, session]) => [pid, session.disconnectedAt + GRACE_MS]))
  const lags = []
  while (pending.size > 0) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    const now = Date.now()
    for (const [pid, deadline] of pending) {
      if (sessions.has(pid)) continue
      lags.push(now - deadline)
      pending.delete(pid)
    }
  }
  io.close()
  return lags
}

export async function deadlinePrecision(count = 10_000) {
  return { count, holdline: await holdlinePrecision(count), socketio: await socketioPrecision(count) }
}

async function holdlinePrecision(count) {
  const { createServer } = await import('../dist/server.js')
  const server = await createServer({ host: '127.0.0.1', port: 0, graceMs: GRACE_MS, staticRoot: false, distRoot: false })
  const lags = []
  const done = new Promise((resolve) => {
    server.on('transition', (t) => {
      if (t.reason !== 'customer-disconnected') return
      // The record's lastHeardAt is what the deadline was built from.
      void server.store.get(t.conversationId).then((c) => {
        lags.push(t.at - (c.lastHeardAt + GRACE_MS))
        if (lags.length === count) resolve()
      })
    })
  })
  const clients = spawnClients('holdline', server.port, count)
  await clients.connected
  clients.leave()
  await done
  await server.close()
  return lags
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

export function formatDeadlines({ count, holdline, socketio }) {
  const row = (name, lags) => {
    const sorted = [...lags].sort((a, b) => a - b)
    return `| ${name} | ${pct(sorted, 50)} ms | ${pct(sorted, 99)} ms | ${sorted.at(-1)} ms | ${sorted.filter((l) => l < 0).length} |`
  }
  const p50 = (lags) => Math.max(1, pct([...lags].sort((a, b) => a - b), 50))
  return [
    `${count} conversations, grace ${GRACE_MS} ms, all customers gone at once:`,
    '',
    '| acted on after its deadline | p50 | p99 | max | early (must be 0) |',
    '|---|---:|---:|---:|---:|',
    row('holdline: conversation closed, agents told', holdline),
    row('Socket.IO 4 + recovery: session discarded (no event)', socketio),
    '',
    `p50 ratio Socket.IO / holdline: ${(p50(socketio) / p50(holdline)).toFixed(0)}x`,
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatDeadlines(await deadlinePrecision(Number(process.argv[2] ?? 10_000))))
}
