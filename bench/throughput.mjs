// Customer -> agent messages per second: many customers send as fast as their acks come back, one
// agent receives; through one process (memory store), and through two processes on Redis (customers
// on one, the agent on the other, so every message crosses Redis pub/sub).
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
    return { one, two }
  } finally {
    redis.stop()
  }
}

export function formatThroughput({ one, two }) {
  return [
    `${CUSTOMERS} customers sending for ${SECONDS} s, each waiting for its ack; one agent receiving:`,
    '',
    '| path | messages / s at the agent |',
    '|---|---:|',
    `| one process, memory store | ${one.toFixed(0)} |`,
    `| two processes on Redis (customers on A, agent on B) | ${two.toFixed(0)} |`,
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatThroughput(await throughput()))
}
