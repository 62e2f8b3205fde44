/**
 * Webhooks on the memory store, against a real receiver on 127.0.0.1 that answers 500, times out and
 * is down for a while: every event arrives, signed, and is processed once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { verifyWebhookSignature, type ServerOptions } from '../../../src/server/index.js'
import { promtoolCheck } from '../../helpers/promtool.js'
import { waitFor } from '../../helpers/raw.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { expectedIds, wholeConversation } from './conversation.js'
import { Receiver } from './receiver.js'

const SECRET = 'whsec-test-0123456789'
const servers: StartedServer[] = []
const receivers: Receiver[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await Promise.all(receivers.splice(0).map((r) => r.down()))
})

async function receiver(): Promise<Receiver> {
  const r = new Receiver(SECRET)
  receivers.push(r)
  await r.up()
  return r
}

async function server(r: Receiver, endpoint: Record<string, unknown> = {}, options: ServerOptions = {}): Promise<StartedServer> {
  const s = await startServer({
    staticRoot: false,
    distRoot: false,
    webhookPollMs: 50,
    webhooks: [{ url: r.url, secret: SECRET, timeoutMs: 300, backoffMs: 40, maxBackoffMs: 200, ...endpoint }],
    ...options,
  })
  servers.push(s)
  return s
}

async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const found = text.split('\n').find((l) => l.startsWith(line + ' '))
  return found === undefined ? NaN : Number(found.slice(line.length + 1))
}

describe('webhooks (memory store)', () => {
  it('delivers every event of a conversation through 500s, a timeout and an outage, each processed once', async () => {
    const r = await receiver()
    r.script = [500, 500, 'hang', 500]
    const s = await server(r)
    // Down while the conversation is under way: the first attempts find nothing listening.
    await r.down()
    const id = await wholeConversation(s.url)
    await waitFor(async () => (await metric(s.url, `holdline_webhook_attempts_total{endpoint="${r.url}",outcome="network-error"}`)) > 0)
    await r.up()
    const transcript = await s.server.store.transcript(id)
    const expected = expectedIds(id, transcript)
    await waitFor(() => expected.every((e) => r.processed.has(e)), 10_000)
    expect([...r.processed.keys()].sort()).toEqual([...expected].sort())
    // At least once: every id seen, some more than once; never an unverifiable signature.
    for (const e of expected) expect(r.seen().get(e)).toBeGreaterThanOrEqual(1)
    expect(r.deliveries.some((d) => d.answer === 500)).toBe(true)
    expect(r.deliveries.some((d) => d.answer === 'hang')).toBe(true)
    expect(r.deliveries.every((d) => d.valid)).toBe(true)
    // The events are what happened, and the close carries the transcript.
    const types = [...r.processed.values()].map((e) => e.type)
    expect(types.filter((t) => t === 'conversation.created')).toHaveLength(1)
    expect(types.filter((t) => t === 'message.created')).toHaveLength(transcript.filter((i) => i.kind === 'message').length)
    const closed = r.processed.get(expected.find((e) => e.endsWith('.closed'))!) as { type: string; data: { transcript: unknown[]; conversation: { status: string } } }
    expect(closed.type).toBe('conversation.closed')
    expect(closed.data.conversation.status).toBe('closed')
    expect(closed.data.transcript).toEqual(transcript)
    const accepted = [...r.processed.values()].find((e) => (e.data as { to?: string }).to === 'active') as { data: Record<string, unknown> }
    expect(accepted.data).toMatchObject({ conversationId: id, from: 'open', to: 'active', reason: 'agent-accepted' })
    // The figures.
    const m = (l: string) => metric(s.url, l)
    // Counted once the outbox has dropped the event, just after the receiver's answer.
    await waitFor(async () => (await m(`holdline_webhook_queue_depth{endpoint="${r.url}"}`)) === 0)
    expect(await m(`holdline_webhook_deliveries_total{endpoint="${r.url}",outcome="delivered"}`)).toBeGreaterThanOrEqual(expected.length)
    expect(await m(`holdline_webhook_attempts_total{endpoint="${r.url}",outcome="http-error"}`)).toBeGreaterThanOrEqual(3)
    expect(await m(`holdline_webhook_attempts_total{endpoint="${r.url}",outcome="timeout"}`)).toBeGreaterThanOrEqual(1)
    await waitFor(async () => (await m(`holdline_webhook_queue_depth{endpoint="${r.url}"}`)) === 0)
    expect(await promtoolCheck(await (await fetch(`${s.url}/metrics`)).text())).toEqual({ code: 0, output: '' })
    // One scrape: every attempt is timed, whatever its outcome.
    const text = await (await fetch(`${s.url}/metrics`)).text()
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line + ' '))?.slice(line.length + 1))
    const outcomes = ['success', 'http-error', 'timeout', 'network-error'].map((o) => value(`holdline_webhook_attempts_total{endpoint="${r.url}",outcome="${o}"}`))
    expect(value(`holdline_webhook_attempt_seconds_count{endpoint="${r.url}"}`)).toBe(outcomes.reduce((a, b) => a + b))
    expect(outcomes[0]).toBeGreaterThanOrEqual(expected.length)
  })

  it('signs so that the receiver can check it, and a tampered body or another secret fails', async () => {
    const r = await receiver()
    const s = await server(r)
    await wholeConversation(s.url)
    await waitFor(() => r.processed.size > 0)
    const d = r.deliveries[0]!
    expect(d.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(verifyWebhookSignature(SECRET, d.body, d.signature)).toBe(true)
    expect(verifyWebhookSignature(SECRET, d.body.replace('"type"', '"typ\\u0065"'), d.signature)).toBe(false)
    expect(verifyWebhookSignature(SECRET, `${d.body} `, d.signature)).toBe(false)
    expect(verifyWebhookSignature('another-secret-0123456789', d.body, d.signature)).toBe(false)
    // An old signature (a replay) fails once outside the tolerance.
    const t = Number(/t=(\d+)/.exec(d.signature)![1])
    expect(verifyWebhookSignature(SECRET, d.body, d.signature, 300, t + 301)).toBe(false)
    // The id in the header is the one in the body.
    expect((JSON.parse(d.body) as { id: string }).id).toBe(d.id)
  })

  it('sends only the events an endpoint asked for', async () => {
    const r = await receiver()
    const s = await server(r, { events: ['conversation.closed'] })
    const id = await wholeConversation(s.url)
    // Every event was queued before the close reached the customer: an empty queue has sent them all.
    await waitFor(async () => r.processed.size > 0 && (await metric(s.url, `holdline_webhook_queue_depth{endpoint="${r.url}"}`)) === 0)
    expect([...r.processed.values()].map((e) => e.type)).toEqual(['conversation.closed'])
    expect([...r.processed.keys()][0]).toMatch(new RegExp(`^${id}\\.\\d+\\.closed$`))
  })

  it('dead-letters an event after its last attempt, and counts it', async () => {
    const r = await receiver()
    r.script = Array(1_000).fill(500)
    const s = await server(r, { maxAttempts: 2, events: ['conversation.created'] })
    await wholeConversation(s.url)
    const dead = `holdline_webhook_deliveries_total{endpoint="${r.url}",outcome="dead-lettered"}`
    await waitFor(async () => (await metric(s.url, dead)) === 1)
    expect(r.deliveries).toHaveLength(2)
    expect(await metric(s.url, `holdline_webhook_dead_letters{endpoint="${r.url}"}`)).toBe(1)
    expect(await metric(s.url, `holdline_webhook_queue_depth{endpoint="${r.url}"}`)).toBe(0)
  })
})
