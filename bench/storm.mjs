// Reconnect storm: N customers lose the network at once and all come back at once. Reports the time
// until every one is resumed with its conversation, and counts lost and duplicated messages: each
// customer sends one message before the drop, sends it again after (a resend, as the SDK's outbox
// does), and one more; the transcript must hold each exactly once.
import { performance } from 'node:perf_hooks'
import { BENCH_SERVER, openFrames } from './lib.mjs'

export async function reconnectStorm(count = 5_000) {
  const { createServer } = await import('../dist/server.js')
  const server = await createServer(BENCH_SERVER)
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
  return { count, resumed, seconds, lost, duplicated }
}

export function formatStorm({ count, resumed, seconds, lost, duplicated }) {
  return [
    '| customers dropped at once | resumed | time until all resumed | lost | duplicated |',
    '|---:|---:|---:|---:|---:|',
    `| ${count} | ${resumed} | ${seconds.toFixed(2)} s | ${lost} | ${duplicated} |`,
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatStorm(await reconnectStorm(Number(process.argv[2] ?? 5_000))))
}
