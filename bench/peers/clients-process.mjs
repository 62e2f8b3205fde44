// Idle customers in their own process: `node clients-process.mjs holdline|socketio PORT N`.
// Connects N customers (each with its own conversation), prints `{ connected }`, then stays idle,
// keeping each one alive the way the real client does (holdline: an application ping per heartbeat).
import WebSocket from 'ws'

const [kind, portText, countText] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)
const sockets = []

async function holdlineCustomer(i) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/customer`)
  await new Promise((resolve, reject) => {
    ws.once('error', reject)
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, widgetId: 'bench', tabId: `t${i}` })))
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'welcome') resolve()
    })
  })
  sockets.push(ws)
}

async function socketioCustomer(io) {
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false })
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  sockets.push(socket)
}

const io = kind === 'socketio' ? (await import('socket.io-client')).io : undefined
// Pinging from the first connection on: connecting thousands can take longer than the dead limit
// (two heartbeats and 5 s) on a busy machine, and the first customers would be (rightly) taken for
// dead before the others are connected, their windows over long before the leave.
if (kind === 'holdline') {
  setInterval(() => {
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', t: Date.now() }))
  }, 10_000).unref()
}
const batch = 200
for (let i = 0; i < count; i += batch) {
  const n = Math.min(batch, count - i)
  await Promise.all(Array.from({ length: n }, (_, j) => (io ? socketioCustomer(io) : holdlineCustomer(i + j))))
}
process.stdout.write(`${JSON.stringify({ connected: sockets.length })}\n`)
// "leave": every customer is heard once more, then all connections die at once (the process exits).
process.stdin.on('data', (data) => {
  if (!String(data).includes('leave')) return
  if (kind !== 'holdline') process.exit(0)
  for (const ws of sockets) ws.send(JSON.stringify({ type: 'ping', t: Date.now() }))
  setTimeout(() => process.exit(0), 200)
})
// Stay alive until the parent ends us.
setInterval(() => {}, 1 << 30)
