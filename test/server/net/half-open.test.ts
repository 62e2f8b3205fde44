import WebSocket from 'ws'
import { afterEach, expect, test } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, Raw, type Frame } from '../../helpers/raw.js'

let s: StartedServer | undefined
afterEach(async () => {
  await s?.close()
})

/** A customer socket that answers nothing, not even protocol pings: a half-open socket. */
async function halfOpen(url: string, autoPong: boolean): Promise<{ ws: WebSocket; closed: Promise<void>; frames: Frame[] }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/customer`, { autoPong })
  const frames: Frame[] = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame))
  const closed = new Promise<void>((r) => ws.on('close', () => r()))
  await new Promise((r) => ws.once('open', r))
  ws.send(JSON.stringify({ type: 'hello', v: 1, widgetId: 'site', tabId: autoPong ? 'alive' : 'dead' }))
  return { ws, closed, frames }
}

test('a silent socket that does not answer pings is dropped after heartbeat*2+5s; one that answers is kept', async () => {
  s = await startServer({ heartbeatMs: 100, graceMs: 60_000 })
  const a = await agent(s.url)
  const dead = await halfOpen(s.url, false)
  const alive = await halfOpen(s.url, true)
  const started = Date.now()
  await dead.closed
  const elapsed = Date.now() - started
  expect(elapsed).toBeGreaterThanOrEqual(5_000)
  expect(elapsed).toBeLessThan(6_500)
  expect(alive.ws.readyState).toBe(WebSocket.OPEN)
  // The customer is disconnected for presence purposes, measured from when last heard.
  const deadId = dead.frames.find((f) => f.type === 'welcome')?.conversationId
  const presence = await a.raw.next((f) => f.type === 'presence' && (f.presence as Frame).conversationId === deadId)
  const told = presence.presence as { since: number; deadline: number; remainingMs: number }
  expect(told.since).toBeLessThanOrEqual(started)
  // Found dead about 5 s after it was last heard: that much of the window is already gone.
  expect(told.remainingMs).toBeLessThanOrEqual(told.deadline - told.since - 5_000)
  alive.ws.terminate()
  a.raw.drop()
}, 15_000)

test('the raw agent helper is kept by its automatic pongs', async () => {
  s = await startServer({ heartbeatMs: 100 })
  const a = await Raw.open(s.url, '/v1/agent')
  a.send({ type: 'auth', v: 1, token: 'agent-token' })
  await a.next((f) => f.type === 'ready')
  await new Promise((r) => setTimeout(r, 5_600))
  expect(a.closed).toBe(false)
  a.drop()
}, 15_000)
