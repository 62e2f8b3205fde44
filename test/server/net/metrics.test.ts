/**
 * `GET /metrics` read by promtool (the Prometheus project's own linter and parser) and by a parser
 * here: process metrics, counters present at 0 for every code and reason, the three latency
 * histograms, and figures that add up across processes sharing one store.
 */
import { afterEach, expect, test } from 'vitest'
import { ERROR_CODES } from '../../../src/protocol/codes.js'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { promtoolCheck, samples } from '../../helpers/promtool.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { customer, waitFor, type Raw } from '../../helpers/raw.js'

const REASONS = ['customer-started', 'agent-accepted', 'customer-disconnected', 'customer-ended', 'agent-ended', 'wrap-up-timeout', 'agent-closed', 'queue-timeout', 'agent-disconnected', 'customer-reconnected']
const servers: StartedServer[] = []
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return res.text()
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}

test('promtool finds nothing to say; every counter label is there from the start', async () => {
  const s = await startServer()
  servers.push(s)
  const text = await scrape(s.url)
  expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' })
  for (const code of ERROR_CODES) expect(value(text, 'holdline_frames_refused_total', { code }), code).toBe(0)
  for (const reason of REASONS) expect(value(text, 'holdline_transitions_total', { reason }), reason).toBe(0)
  expect(value(text, 'holdline_errors_total', { area: 'scheduler' })).toBe(0)
  expect(value(text, 'holdline_message_ack_seconds_count', { side: 'customer' })).toBe(0)
  expect(value(text, 'holdline_store_up')).toBe(1)
  expect(value(text, 'process_cpu_seconds_total')).toBeGreaterThan(0)
  expect(value(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
})

test('message acknowledgement, resume and deadline lateness are measured', async () => {
  const s = await startServer({ graceMs: 300, heartbeatMs: 200 })
  servers.push(s)
  const c = await customer(s.url)
  sockets.push(c.raw)
  c.raw.send({ type: 'message', clientId: 'm1', text: 'hello' })
  await c.raw.next((f) => f.type === 'ack')
  const resume = { conversationId: c.welcome.conversationId, token: c.welcome.token, lastSeq: 0 }
  c.raw.drop()
  const back = await customer(s.url, { resume })
  expect(back.welcome.resumed).toBe(true)
  back.raw.drop()
  // Gone past the grace window: the grace deadline fires.
  await waitFor(async () => (value(await scrape(s.url), 'holdline_transitions_total', { reason: 'customer-disconnected' }) ?? 0) > 0)
  const text = await scrape(s.url)
  expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' })
  expect(value(text, 'holdline_message_ack_seconds_count', { side: 'customer' })).toBe(1)
  expect(value(text, 'holdline_message_ack_seconds_bucket', { side: 'customer', le: '+Inf' })).toBe(1)
  expect(value(text, 'holdline_resume_seconds_count')).toBe(1)
  expect(value(text, 'holdline_deadline_lateness_seconds_count', { kind: 'grace' })).toBeGreaterThanOrEqual(1)
  expect(value(text, 'holdline_transitions_total', { reason: 'customer-started' })).toBe(1)
})

test('two processes on one store: per-process counts sum to the truth; store-wide figures are the same in each (max)', async () => {
  const store = new MemoryStore()
  const a = await startServer({ store })
  const b = await startServer({ store })
  servers.push(a, b)
  const c = await customer(a.url)
  sockets.push(c.raw)
  const [ta, tb] = [await scrape(a.url), await scrape(b.url)]
  const started = (t: string) => value(t, 'holdline_transitions_total', { reason: 'customer-started' }) ?? NaN
  expect(started(ta) + started(tb)).toBe(1)
  expect(value(ta, 'holdline_connections', { side: 'customer' })! + value(tb, 'holdline_connections', { side: 'customer' })!).toBe(1)
  expect(value(ta, 'holdline_store_conversations', { state: 'open' })).toBe(1)
  expect(value(tb, 'holdline_store_conversations', { state: 'open' })).toBe(1)
  expect(ta).toContain('aggregate with max, not sum')
})
