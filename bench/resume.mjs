// Resume latency: from the moment a dropped customer connects again to the moment the conversation is
// resumed with the messages it missed replayed (3 per drop), p50 and p99 over many drops. holdline
// (hello with resume -> welcome + replay) beside Socket.IO 4's connection state recovery, both servers
// in this process on 127.0.0.1, each with one customer and the messages emitted while it was away.
import { createServer as createHttp } from 'node:http'
import { performance } from 'node:perf_hooks'
import { openFrames as open } from './lib.mjs'

const MISSED = 3

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export async function holdlineResume(drops) {
  const { createServer } = await import('../dist/server.js')
  const server = await createServer({ host: '127.0.0.1', port: 0, staticRoot: false, distRoot: false, agentTokens: { bench: { id: 'b', name: 'Bench', capacity: 10 } }, limits: { maxFramesPerSecond: 10_000, burstFrames: 10_000 } })
  const base = server.url.replace('http', 'ws')
  const agent = await open(`${base}/v1/agent`)
  agent.ws.send(JSON.stringify({ type: 'auth', v: 1, token: 'bench' }))
  await agent.next((f) => f.type === 'ready')
  let customer = await open(`${base}/v1/customer`)
  customer.ws.send(JSON.stringify({ type: 'hello', v: 1, widgetId: 'bench', tabId: 't' }))
  const welcome = await customer.next((f) => f.type === 'welcome')
  const id = welcome.conversationId
  await agent.next((f) => f.type === 'offer')
  agent.ws.send(JSON.stringify({ type: 'accept', conversationId: id }))
  await agent.next((f) => f.type === 'event' && f.item.kind === 'status' && f.item.status === 'active')
  let lastSeq = 0
  const samples = []
  let n = 0
  for (let i = 0; i < drops; i++) {
    customer.ws.terminate()
    let target = 0
    for (let k = 0; k < MISSED; k++) {
      const clientId = `m${n++}`
      agent.ws.send(JSON.stringify({ type: 'message', conversationId: id, clientId, text: 'missed' }))
      target = (await agent.next((f) => f.type === 'ack' && f.clientId === clientId)).seq
    }
    const t0 = performance.now()
    customer = await open(`${base}/v1/customer`)
    customer.ws.send(JSON.stringify({ type: 'hello', v: 1, widgetId: 'bench', tabId: 't', resume: { conversationId: id, token: welcome.token, lastSeq } }))
    await customer.next((f) => f.type === 'welcome' && f.resumed)
    await customer.next((f) => f.type === 'event' && f.item.seq === target)
    samples.push(performance.now() - t0)
    lastSeq = target
  }
  customer.ws.terminate()
  agent.ws.terminate()
  await server.close()
  return samples
}

export async function socketioResume(drops) {
  const { Server } = await import('socket.io')
  const { io } = await import('socket.io-client')
  const http = createHttp()
  const server = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 180_000 } })
  const disconnected = []
  server.on('connection', (socket) => {
    socket.join('conversation')
    socket.on('disconnect', () => disconnected.shift()?.())
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  const client = io(`http://127.0.0.1:${http.address().port}`, { transports: ['websocket'], reconnection: false })
  await new Promise((resolve) => client.once('connect', resolve))
  let received = 0
  let waiting
  client.on('message', () => {
    received += 1
    waiting?.()
  })
  // Recovery needs an offset: the client must have received one event before its first drop.
  const primed = new Promise((resolve) => (waiting = resolve))
  server.to('conversation').emit('message', 'welcome')
  await primed
  const samples = []
  let recovered = 0
  for (let i = 0; i < drops; i++) {
    const gone = new Promise((resolve) => disconnected.push(resolve))
    // An abrupt transport drop, as a lost network: recoverable, unlike a client-side disconnect().
    client.io.engine.transport.ws.terminate()
    await gone
    for (let k = 0; k < MISSED; k++) server.to('conversation').emit('message', 'missed')
    const target = received + MISSED
    const t0 = performance.now()
    const back = new Promise((resolve) => client.once('connect', resolve))
    client.connect()
    await back
    if (client.recovered) recovered += 1
    if (received < target) await new Promise((resolve) => (waiting = () => received >= target && resolve()))
    waiting = undefined
    samples.push(performance.now() - t0)
  }
  client.close()
  server.close()
  await new Promise((resolve) => http.close(resolve))
  if (recovered !== drops) throw new Error(`Socket.IO recovered ${recovered} of ${drops} drops`)
  return samples
}

export async function resumeLatency(drops = 1_000) {
  const holdline = await holdlineResume(drops)
  const socketio = await socketioResume(drops)
  return { drops, holdline, socketio }
}

export function formatResume({ drops, holdline, socketio }) {
  const ms = (n) => `${n.toFixed(2)} ms`
  const row = (name, s, base) =>
    `| ${name} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 99))} | ${base ? (percentile(s, 50) / percentile(base, 50)).toFixed(2) : '1.00'} |`
  return [
    `${drops} drops, ${MISSED} messages missed each, loopback:`,
    '',
    '| resume | p50 | p99 | p50 vs holdline |',
    '|---|---:|---:|---:|',
    row('holdline (hello + replay)', holdline),
    row('Socket.IO 4 connection state recovery', socketio, holdline),
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatResume(await resumeLatency(Number(process.argv[2] ?? 1_000))))
}
