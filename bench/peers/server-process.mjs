// A server in its own process for the benchmarks: `node --expose-gc server-process.mjs holdline|socketio`.
// Prints `{ port }` once listening, then answers each line on stdin ("measure") with its memory after GC.
import { createInterface } from 'node:readline'

const kind = process.argv[2]
let port

if (kind === 'holdline') {
  const { createServer } = await import('../../dist/server.js')
  const server = await createServer({ host: '127.0.0.1', port: 0, staticRoot: false, distRoot: false })
  port = server.port
} else if (kind === 'socketio') {
  const { createServer } = await import('node:http')
  const { Server } = await import('socket.io')
  const http = createServer()
  // Connection state recovery is Socket.IO's equivalent of resuming: 2 minutes by default.
  const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 180_000 } })
  io.on('connection', (socket) => {
    socket.join(`conversation:${socket.id}`)
    socket.on('message', (text, ack) => {
      io.to(`conversation:${socket.id}`).emit('message', text)
      if (typeof ack === 'function') ack()
    })
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  port = http.address().port
} else {
  console.error('usage: server-process.mjs holdline|socketio')
  process.exit(2)
}

process.stdout.write(`${JSON.stringify({ port })}\n`)
createInterface({ input: process.stdin }).on('line', () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.()
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  process.stdout.write(`${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`)
})
