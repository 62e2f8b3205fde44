import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, Raw, waitFor } from '../../helpers/raw.js'

const root = mkdtempSync(join(tmpdir(), 'holdline-static-'))
const examples = join(root, 'examples')
const dist = join(root, 'dist')
mkdirSync(examples)
mkdirSync(dist)
writeFileSync(join(examples, 'index.html'), '<!doctype html><title>demo</title>')
writeFileSync(join(examples, 'agent.html'), '<!doctype html><title>agent</title>')
writeFileSync(join(dist, 'holdline.iife.js'), 'window.Holdline={}')
writeFileSync(join(root, 'secret.txt'), 'do not serve')

let s: StartedServer
beforeAll(async () => {
  s = await startServer({ staticRoot: examples, distRoot: dist, allowedOrigins: ['https://shop.example'] })
})
afterAll(async () => {
  await s.close()
})

/** Raw GET, so that `..` reaches the server unnormalised. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(s.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('HTTP routes', () => {
  test('GET /healthz', async () => {
    const res = await fetch(`${s.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  test('static files with content types; path traversal refused', async () => {
    const page = await fetch(`${s.url}/`)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toContain('demo')
    expect((await fetch(`${s.url}/agent.html`)).status).toBe(200)
    const bundle = await fetch(`${s.url}/dist/holdline.iife.js`)
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/)
    for (const path of ['/../secret.txt', '/dist/../../secret.txt', '/%2e%2e/secret.txt', '/dist/..%2f..%2fsecret.txt']) {
      const res = await rawGet(path)
      expect(res.status, path).toBe(404)
      expect(res.body).not.toContain('do not serve')
    }
    expect((await fetch(`${s.url}/missing.html`)).status).toBe(404)
  })

  test('GET /api/conversations/:id needs an agent or admin token: 401, 404, 200', async () => {
    const c = await customer(s.url)
    const id = c.welcome.conversationId as string
    c.raw.send({ type: 'message', clientId: 'm1', text: 'hello' })
    await c.raw.next((f) => f.type === 'ack')
    expect((await fetch(`${s.url}/api/conversations/${id}`)).status).toBe(401)
    const wrong = await fetch(`${s.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' })
    const missing = await fetch(`${s.url}/api/conversations/c_missing`, { headers: { authorization: 'Bearer admin-token' } })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: 'not-found' })
    const ok = await fetch(`${s.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer agent-token' } })
    expect(ok.status).toBe(200)
    const view = await ok.json()
    expect(view).toMatchObject({ id, status: 'open', presence: { state: 'connected' }, history: [{ status: 'open', reason: 'customer-started' }] })
    expect(view.transcript.map((i: { text?: string }) => i.text)).toContain('hello')
    expect(JSON.stringify(view)).not.toContain(c.welcome.token as string)
  })

  test("an agent token reads the queue and its own conversations over HTTP, not another agent's", async () => {
    const own = await startServer({
      agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 1 }, 'other-token': { id: 'a2', name: 'Bo', capacity: 1 } },
    })
    const c = await customer(own.url)
    const a = await agent(own.url)
    try {
      const id = c.welcome.conversationId as string
      const read = async (token: string) => (await fetch(`${own.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })).status
      expect([await read('agent-token'), await read('other-token')]).toEqual([200, 200])
      a.raw.send({ type: 'accept', conversationId: id })
      await c.raw.next((f) => f.type === 'event' && (f.item as { status?: string }).status === 'active')
      expect([await read('agent-token'), await read('other-token'), await read('admin-token')]).toEqual([200, 403, 200])
      const refused = await fetch(`${own.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer other-token' } })
      expect(await refused.json()).toMatchObject({ error: 'forbidden' })
    } finally {
      c.raw.drop()
      a.raw.drop()
      await own.close()
    }
    c.raw.drop()
  })

  test('POST /v1/away (text/plain, as sendBeacon sends it) marks the tab gone; CORS for allowed origins', async () => {
    const c = await customer(s.url)
    const id = c.welcome.conversationId as string
    const preflight = await fetch(`${s.url}/v1/away`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    const forbidden = await fetch(`${s.url}/v1/away`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: '{}' })
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toEqual({ error: 'origin-forbidden' })
    const badToken = await fetch(`${s.url}/v1/away`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ conversationId: id, token: 'B'.repeat(43), tabId: 'tab-1' }) })
    expect(badToken.status).toBe(403)
    const beacon = await fetch(`${s.url}/v1/away`, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ conversationId: id, token: c.welcome.token, tabId: 'tab-1' }),
    })
    expect(beacon.status).toBe(204)
    expect(beacon.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    const view = async () => (await fetch(`${s.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).json()
    expect((await view()).presence.state).toBe('disconnected')
    // A later frame from the same tab revives it.
    c.raw.send({ type: 'ping', t: 1 })
    await c.raw.nextOfType('pong')
    await waitFor(async () => (await view()).presence.state === 'connected')
    c.raw.drop()
  })

  test('a WebSocket from a forbidden origin gets origin-forbidden', async () => {
    const raw = await Raw.open(s.url, '/v1/customer', { origin: 'https://evil.example' })
    expect(await raw.error('origin-forbidden')).toMatchObject({ fatal: true })
    await raw.closedPromise
    const ok = await Raw.open(s.url, '/v1/customer', { origin: 'https://shop.example' })
    ok.send({ type: 'hello', v: 1, widgetId: 'w', tabId: 't' })
    await ok.next((f) => f.type === 'welcome')
    ok.drop()
  })

  test('GET /metrics in Prometheus text', async () => {
    const res = await fetch(`${s.url}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/holdline_connections\{side="customer"\} \d+/)
    expect(text).toMatch(/holdline_store_conversations\{state="open"\} [1-9]/)
    expect(text).toMatch(/holdline_transitions_total\{reason="customer-started"\} [1-9]/)
    expect(text).toMatch(/holdline_frames_refused_total\{code="origin-forbidden"\} [1-9]/)
  })
})

test('a closed conversation is removed after retainClosedMs: the API answers 404', async () => {
  const own = await startServer({ retainClosedMs: 300 })
  const c = await customer(own.url)
  try {
    const id = c.welcome.conversationId as string
    const read = async () => (await fetch(`${own.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token' } })).status
    c.raw.send({ type: 'end' })
    await c.raw.next((f) => f.type === 'event' && (f.item as { status?: string }).status === 'closed')
    expect(await read()).toBe(200)
    await waitFor(async () => (await read()) === 404)
    expect(await own.server.store.listConversations()).toEqual([])
  } finally {
    c.raw.drop()
    await own.close()
  }
})
