/**
 * SIGTERM on a real `holdline serve` over a real Redis, with customers sending: every message the
 * server acknowledged is in Redis afterwards, and every message it recorded was acknowledged first
 * (the writes in flight finish and their acks go out before the sockets are told `server-closing`).
 */
import { afterEach, expect, test } from 'vitest'
import { createRedisStore } from '../../src/server/store/redis-store.js'
import { runCli, type RunningCli } from '../helpers/cli-process.js'
import { customer, type Raw } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis | undefined
let cli: RunningCli | undefined
afterEach(async () => {
  if (cli?.child.exitCode === null) cli.child.kill('SIGKILL')
  await redis?.stop()
})

test('SIGTERM with customers sending: exit 0, each told server-closing, no acknowledged message lost, none recorded unacknowledged', async () => {
  redis = await startRedis()
  cli = runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--store', redis.url, '--log-format', 'json'])
  const { port } = JSON.parse(await cli.line((l) => l.includes('listening on'))) as { port: number }
  const url = `http://127.0.0.1:${port}`
  const customers: Array<{ raw: Raw; id: string }> = []
  for (let i = 0; i < 3; i += 1) {
    const c = await customer(url)
    customers.push({ raw: c.raw, id: c.welcome.conversationId as string })
  }
  // Within the burst allowance, sent at once: most are still queued or in flight at the signal.
  for (const { raw } of customers) for (let m = 0; m < 30; m += 1) raw.send({ type: 'message', clientId: `m${m}`, text: `message ${m}` })
  await customers[0]?.raw.next((f) => f.type === 'ack')
  cli.child.kill('SIGTERM')
  for (const { raw } of customers) expect(await raw.next((f) => f.type === 'error' && f.code === 'server-closing' && f.fatal === true)).toBeDefined()
  await Promise.all(customers.map(({ raw }) => raw.closedPromise))
  expect(await cli.exited).toBe(0)

  const store = await createRedisStore(redis.url)
  try {
    for (const { raw, id } of customers) {
      const acked = raw.frames.filter((f) => f.type === 'ack').map((f) => f.clientId)
      const recorded = (await store.transcript(id)).flatMap((item) => (item.kind === 'message' ? [item.clientId] : []))
      expect(recorded).toEqual(acked)
      // Nothing was answered after the close was announced.
      const closing = raw.frames.findIndex((f) => f.type === 'error' && f.code === 'server-closing' && f.fatal === true)
      expect(raw.frames.slice(closing + 1)).toEqual([])
    }
  } finally {
    await store.close()
  }
})
