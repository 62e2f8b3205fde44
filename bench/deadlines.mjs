// Deadline precision: N customers connected from another process leave at once (the process exits);
// every conversation must close when its grace window ends, counted from the last moment it was heard.
// Reports how late each transition fired after its deadline (p50, p99, max).
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const GRACE_MS = 5_000

export async function deadlinePrecision(count = 10_000) {
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
  const child = spawn(process.execPath, [fileURLToPath(new URL('./peers/clients-process.mjs', import.meta.url)), 'holdline', String(server.port), String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  await new Promise((resolve) => lines.once('line', resolve))
  child.stdin.write('leave\n')
  await done
  await server.close()
  return { count, lags }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

export function formatDeadlines({ count, lags }) {
  const sorted = [...lags].sort((a, b) => a - b)
  return [
    `${count} conversations, grace ${GRACE_MS} ms, all customers gone at once:`,
    '',
    '| transition after its deadline | p50 | p99 | max | early (must be 0) |',
    '|---|---:|---:|---:|---:|',
    `| holdline | ${pct(sorted, 50)} ms | ${pct(sorted, 99)} ms | ${sorted.at(-1)} ms | ${sorted.filter((l) => l < 0).length} |`,
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatDeadlines(await deadlinePrecision(Number(process.argv[2] ?? 10_000))))
}
