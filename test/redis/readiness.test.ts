/**
 * Health during a real Redis outage: `/healthz` (liveness) stays 200, `/readyz` (readiness) goes 503
 * while Redis is away and 200 once it is back; the outage and the recovery are each logged once, in
 * words that say what failed; `/metrics` still answers, with `holdline_store_up 0`.
 */
import { afterEach, expect, test } from 'vitest'
import type { ServerLogger } from '../../src/server/logger.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { customer, waitFor } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'

let redis: RunningRedis | undefined
let server: StartedServer | undefined
afterEach(async () => {
  await redis?.start().catch(() => undefined)
  await server?.close()
  await redis?.stop()
})

function capture(): { logger: ServerLogger; lines: string[] } {
  const lines: string[] = []
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`)
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status
}

test('readiness follows Redis: 503 during an outage, 200 after; liveness stays 200; both changes logged', async () => {
  redis = await startRedis()
  const { logger, lines } = capture()
  server = await startServer({ store: redis.url, logger })
  const { url } = server
  expect(lines).toEqual([expect.stringMatching(new RegExp(`^info holdline \\S+ listening on ${url} \\(store ${redis.url};`))])
  expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ready: true })

  const c = await customer(url)
  await redis.stop()
  await waitFor(async () => (await status(`${url}/readyz`)) === 503)
  // A frame that needs Redis: its error is logged in words that say what failed.
  c.raw.send({ type: 'message', clientId: 'm1', text: 'during' })
  await c.raw.next((f) => f.type === 'error' && f.ref === 'm1')
  expect(lines).toContain('error customer:message: redis unreachable (The client is offline)')
  c.raw.drop()
  expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ready: false, reason: 'store-unavailable' })
  expect(await status(`${url}/healthz`)).toBe(200)
  const metrics = await (await fetch(`${url}/metrics`)).text()
  expect(metrics).toMatch(/^holdline_store_up 0$/m)
  expect(metrics).not.toMatch(/^holdline_store_conversations\{/m)
  expect(lines.filter((l) => l.startsWith(`error redis unreachable at ${redis?.url} (`))).toHaveLength(1)

  await redis.start()
  await waitFor(async () => (await status(`${url}/readyz`)) === 200, 10_000)
  await waitFor(() => lines.includes(`info redis reachable again at ${redis?.url}`))
  expect(lines.filter((l) => l.startsWith('error redis unreachable'))).toHaveLength(1)
})
