// Small pieces the benchmarks share: a frame reader over a `ws` socket, and the tests' redis-server helper.
import WebSocket from 'ws'

export { startRedis } from '../test/helpers/redis-server.mjs'

/** Opens a socket; `next(test)` resolves with the first frame (queued or coming) that passes `test`. */
export async function openFrames(url) {
  const ws = new WebSocket(url)
  const queue = []
  const waiters = []
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data))
    const i = waiters.findIndex((w) => w.test(frame))
    if (i >= 0) waiters.splice(i, 1)[0].resolve(frame)
    else queue.push(frame)
  })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const next = (test) => {
    const i = queue.findIndex(test)
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0])
    return new Promise((resolve) => waiters.push({ test, resolve }))
  }
  return { ws, next, send: (frame) => ws.send(JSON.stringify(frame)) }
}

/** Server options for benchmarks: loopback, no static files, limits lifted so the load is the point. */
export const BENCH_SERVER = {
  host: '127.0.0.1',
  port: 0,
  staticRoot: false,
  distRoot: false,
  agentTokens: { bench: { id: 'bench', name: 'Bench', capacity: 1000 } },
  limits: { maxFramesPerSecond: 100_000, burstFrames: 100_000 },
}
