// Customer -> agent messages per second: many customers send as fast as their acks come back, one
// agent receives; through one server (memory store), and through two servers on Redis (customers on
// one, the agent on the other, so every message crosses Redis). Beside it, Socket.IO 4 relaying the
// same messages to an agent's room, with connection state recovery on, alone and on two servers with
// its Redis streams adapter (the Redis adapter that keeps recovery working).
import { createServer as createHttpServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { BENCH_SERVER, openFrames, startRedis } from './lib.mjs'

const CUSTOMERS = 50
const SECONDS = 5

async function run(customerServer, agentServer) {
  const ws = (s, path) => `${s.url.replace('http', 'ws')}${path}`
  const agent = await openFrames(ws(agentServer, '/v1/agent'))
  agent.send({ type: 'auth', v: 1, token: 'bench' })
  await agent.next((f) => f.type === 'ready')
  let received = 0
  agent.ws.on('message', (data) => {
    if (String(data).includes('"from":"customer"')) received += 1
  })
  const customers = []
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = await openFrames(ws(customerServer, '/v1/customer'))
    c.send({ type: 'hello', v: 1, widgetId: 'bench', tabId: `t${i}` })
    const { conversationId } = await c.next((f) => f.type === 'welcome')
    await agent.next((f) => f.type === 'offer' && f.conversation.id === conversationId)
    agent.send({ type: 'accept', conversationId })
    customers.push(c)
  }
  await new Promise((resolve) => setTimeout(resolve, 500))
  received = 0
  const start = performance.now()
  const end = start + SECONDS * 1000
  await Promise.all(
    customers.map(async (c, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const clientId = `c${i}-${n}`
        c.send({ type: 'message', clientId, text: 'hello agent' })
        await c.next((f) => f.type === 'ack' && f.clientId === clientId)
      }
    }),
  )
  const rate = received / ((performance.now() - start) / 1000)
  for (const c of customers) c.ws.terminate()
  agent.ws.terminate()
  return rate
}

/** A Socket.IO server relaying each customer message to the agents' room, acknowledged once sent. */
async function socketioServer(redisUrl) {
  const { Server } = await import('socket.io')
  const http = createHttpServer()
  const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 180_000 } })
  let redis
  if (redisUrl) {
    const { createClient } = await import('redis')
    const { createAdapter } = await import('@socket.io/redis-streams-adapter')
    redis = createClient({ url: redisUrl })
    await redis.connect()
    io.adapter(createAdapter(redis))
  }
  io.on('connection', (socket) => {
    if (socket.handshake.auth.agent) return void socket.join('agents')
    socket.on('message', (text, ack) => {
      io.to('agents').emit('message', { from: 'customer', text })
      ack()
    })
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${http.address().port}`
  return {
    url,
    close: async () => {
      io.close()
      // The adapter's blocking stream reads end on their own clients' disconnect.
      await redis?.quit().catch(() => undefined)
    },
  }
}

async function socketioRun(customerServer, agentServer) {
  const { io } = await import('socket.io-client')
  const connect = (url, auth) =>
    new Promise((resolve, reject) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth })
      socket.once('connect', () => resolve(socket)).once('connect_error', reject)
    })
  const agent = await connect(agentServer.url, { agent: true })
  let received = 0
  agent.on('message', (m) => {
    if (m.from === 'customer') received += 1
  })
  const customers = await Promise.all(Array.from({ length: CUSTOMERS }, () => connect(customerServer.url, {})))
  // The agent's room join travels to the other server through Redis; wait until a message arrives.
  await new Promise((resolve) => {
    const probe = () => (received > 0 ? resolve() : (customers[0].emit('message', 'probe', () => undefined), setTimeout(probe, 50)))
    probe()
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  received = 0
  const start = performance.now()
  const end = start + SECONDS * 1000
  await Promise.all(
    customers.map(async (c) => {
      while (performance.now() < end) await new Promise((resolve) => c.emit('message', 'hello agent', resolve))
    }),
  )
  const rate = received / ((performance.now() - start) / 1000)
  for (const c of customers) c.close()
  agent.close()
  return rate
}

async function socketio(redisUrl) {
  const single = await socketioServer()
  const one = await socketioRun(single, single)
  await single.close()
  const a = await socketioServer(redisUrl)
  const b = await socketioServer(redisUrl)
  const two = await socketioRun(a, b)
  await Promise.all([a.close(), b.close()])
  return { one, two }
}

export async function throughput() {
  const { createServer } = await import('../dist/server.js')
  const single = await createServer(BENCH_SERVER)
  const one = await run(single, single)
  await single.close()

  const redis = await startRedis()
  try {
    const a = await createServer({ ...BENCH_SERVER, store: redis.url })
    const b = await createServer({ ...BENCH_SERVER, store: redis.url })
    const two = await run(a, b)
    await Promise.all([a.close(), b.close()])
    return { holdline: { one, two }, socketio: await socketio(redis.url) }
  } finally {
    await redis.stop()
  }
}

export function formatThroughput({ holdline, socketio }) {
  const row = (path, key) => `| ${path} | ${holdline[key].toFixed(0)} | ${socketio[key].toFixed(0)} | ${(holdline[key] / socketio[key]).toFixed(2)} |`
  return [
    `${CUSTOMERS} customers sending for ${SECONDS} s, each waiting for its ack; one agent receiving:`,
    '',
    '| path | holdline messages / s at the agent | Socket.IO 4 + recovery | holdline / Socket.IO |',
    '|---|---:|---:|---:|',
    row('one server', 'one'),
    row('two servers on Redis (customers on A, agent on B)', 'two'),
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatThroughput(await throughput()))
}
