// Reconnect storm: N customers lose the network at once and all come back at once. Reports the time
// until every one is resumed with its conversation, and counts lost and duplicated messages: each
// customer sends one message before the drop, sends it again after (a resend, as the SDK's outbox
// does), and one more; the transcript must hold each exactly once.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { BENCH_SERVER, openFrames } from './lib.mjs'

/** Both servers listen with this backlog, so the storm measures them, not the kernel's queue (Node's default is 511). */
const BACKLOG = 4096

/**
 * The kernel's count of connections refused for a full listen queue (TcpExt ListenOverflows and
 * ListenDrops, machine-wide). Each one is a SYN the client's kernel retries 1, 3, 7... s later, so
 * a storm with overflows measures the SYN-retry timer. Undefined where /proc/net/netstat is absent.
 */
export function listenOverflows() {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'))
    const names = lines[0].split(/\s+/)
    const values = lines[1].split(/\s+/).map(Number)
    const at = (name) => values[names.indexOf(name)] ?? 0
    return at('ListenOverflows') + at('ListenDrops')
  } catch {
    return undefined
  }
}

function overflowsSince(before) {
  const after = listenOverflows()
  return before === undefined || after === undefined ? undefined : after - before
}

export async function reconnectStorm(count = 5_000) {
  const { createServer } = await import('../dist/server.js')
  const server = await createServer({ ...BENCH_SERVER, listenBacklog: BACKLOG })
  const url = `${server.url.replace('http', 'ws')}/v1/customer`
  const sessions = []
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, async (_, j) => {
        const c = await openFrames(url)
        c.send({ type: 'hello', v: 1, widgetId: 'bench', tabId: `t${i + j}` })
        const welcome = await c.next((f) => f.type === 'welcome')
        c.send({ type: 'message', clientId: 'before', text: 'before the drop' })
        const ack = await c.next((f) => f.type === 'ack')
        sessions.push({ c, id: welcome.conversationId, token: welcome.token, lastSeq: ack.seq })
      }),
    )
  }
  for (const s of sessions) s.c.ws.terminate()

  const overflowsBefore = listenOverflows()
  const start = performance.now()
  let resumed = 0
  await Promise.all(
    sessions.map(async (s) => {
      const c = await openFrames(url)
      c.send({ type: 'hello', v: 1, widgetId: 'bench', tabId: 'again', resume: { conversationId: s.id, token: s.token, lastSeq: s.lastSeq } })
      const welcome = await c.next((f) => f.type === 'welcome')
      if (welcome.resumed && welcome.conversationId === s.id) resumed += 1
      c.send({ type: 'message', clientId: 'before', text: 'before the drop' })
      c.send({ type: 'message', clientId: 'after', text: 'after the drop' })
      await c.next((f) => f.type === 'ack' && f.clientId === 'after')
      s.c = c
    }),
  )
  const seconds = (performance.now() - start) / 1000
  const overflows = overflowsSince(overflowsBefore)

  let lost = 0
  let duplicated = 0
  for (const s of sessions) {
    const texts = (await server.store.transcript(s.id)).filter((i) => i.kind === 'message' && i.from === 'customer').map((i) => i.text)
    for (const text of ['before the drop', 'after the drop']) {
      const n = texts.filter((t) => t === text).length
      if (n === 0) lost += 1
      if (n > 1) duplicated += n - 1
    }
    s.c.ws.terminate()
  }
  await server.close()
  return { count, resumed, seconds, lost, duplicated, overflows }
}

/**
 * The same storm on Socket.IO 4 with connection state recovery: each client got one event before the
 * drop; one event per client is emitted while all are away; all reconnect at once. Counts recovered
 * sessions and the missed events received (lost: not received; duplicated: received twice).
 */
export async function socketioStorm(count = 5_000) {
  const { createServer } = await import('node:http')
  const { Server } = await import('socket.io')
  const { io } = await import('socket.io-client')
  const http = createServer()
  const server = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 180_000 } })
  let away = 0
  let allAway
  server.on('connection', (socket) => {
    socket.join(`c:${socket.handshake.auth.n}`)
    socket.on('disconnect', () => (++away === count ? allAway?.() : undefined))
    if (!socket.recovered) socket.emit('message', 'before')
  })
  await new Promise((resolve) => http.listen({ port: 0, host: '127.0.0.1', backlog: BACKLOG }, resolve))
  const url = `http://127.0.0.1:${http.address().port}`
  const clients = []
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, (_, j) => {
        const client = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { n: i + j } })
        const state = { client, missed: 0 }
        clients.push(state)
        return new Promise((resolve) => {
          client.on('message', (m) => (m === 'before' ? resolve() : (state.missed += 1)))
        })
      }),
    )
  }
  const gone = new Promise((resolve) => (allAway = resolve))
  for (const { client } of clients) client.io.engine.transport.ws.terminate()
  await gone
  for (let n = 0; n < count; n++) server.to(`c:${n}`).emit('message', 'missed')

  const overflowsBefore = listenOverflows()
  const start = performance.now()
  let resumed = 0
  await Promise.all(
    clients.map(
      (state) =>
        new Promise((resolve) => {
          state.client.once('connect', () => {
            if (state.client.recovered) resumed += 1
            // Recovered events arrive right after the connect packet.
            const check = () => (state.missed >= 1 ? resolve() : setTimeout(check, 5))
            check()
          })
          state.client.connect()
        }),
    ),
  )
  const seconds = (performance.now() - start) / 1000
  const overflows = overflowsSince(overflowsBefore)
  const lost = clients.filter((s) => s.missed === 0).length
  const duplicated = clients.reduce((sum, s) => sum + Math.max(0, s.missed - 1), 0)
  for (const { client } of clients) client.close()
  server.close()
  return { count, resumed, seconds, lost, duplicated, overflows }
}

export function formatStorm({ holdline, socketio }) {
  const row = (name, r) => `| ${name} | ${r.count} | ${r.resumed} | ${r.seconds.toFixed(2)} s | ${r.lost} | ${r.duplicated} | ${r.overflows ?? 'n/a'} |`
  return [
    `Both servers listen with a backlog of ${BACKLOG} (the kernel caps it at net.core.somaxconn). Listen-queue overflows`,
    'are SYNs the kernel refused (TcpExt ListenOverflows + ListenDrops, machine-wide): with any, the time includes SYN retries.',
    '',
    '| | customers dropped at once | resumed | time until all resumed | lost | duplicated | listen-queue overflows |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('holdline', holdline),
    row('Socket.IO 4 + recovery', socketio),
    '',
    `Time ratio Socket.IO / holdline: ${(socketio.seconds / holdline.seconds).toFixed(2)}`,
  ].join('\n')
}

export async function storms(count = 5_000) {
  return { holdline: await reconnectStorm(count), socketio: await socketioStorm(count) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatStorm(await storms(Number(process.argv[2] ?? 5_000))))
}
