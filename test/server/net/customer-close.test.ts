/**
 * A page closed while its `hello` is still being handled (the customer shut the tab right after
 * opening the widget, or reloaded while the server was slow): the connection is recorded in the
 * conversation after the socket has gone. Its departure must still be recorded at once: otherwise
 * the customer counts as connected until the dead-connection limit (two heartbeats and 5 s), the
 * agent sees them present, and the window is measured only from then. Here that limit (5.2 s) is
 * longer than the window (0.3 s), so the chat would outlive it.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import type { TransitionEvent } from '../../../src/server/index.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { customer, Raw, waitFor } from '../../helpers/raw.js'

/** Holds the next write back, once armed, until `release()`; `entered` says it has begun. */
class HeldWrites extends MemoryStore {
  private gate: Promise<void> | undefined
  private open: () => void = () => {}
  entered = false

  arm(): void {
    this.entered = false
    this.gate = new Promise((resolve) => (this.open = resolve))
  }

  release(): void {
    this.gate = undefined
    this.open()
  }

  private async held(): Promise<void> {
    if (!this.gate) return
    this.entered = true
    await this.gate
  }

  override async create(...args: Parameters<MemoryStore['create']>): ReturnType<MemoryStore['create']> {
    await this.held()
    return super.create(...args)
  }

  override async transact(...args: Parameters<MemoryStore['transact']>): ReturnType<MemoryStore['transact']> {
    await this.held()
    return super.transact(...args)
  }
}

const GRACE = 300
let s: StartedServer | undefined
const opened: Raw[] = []
afterEach(async () => {
  for (const r of opened.splice(0)) r.drop()
  await s?.close()
})

async function customersOpen(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/holdline_connections\{side="customer"\} (\d+)/.exec(text)?.[1])
}

test.each([
  ['a new chat', false],
  ['a resume', true],
])('%s whose socket closed while its hello was handled ends for the absence after the window', async (_, resuming) => {
  const store = new HeldWrites()
  s = await startServer({ store, graceMs: GRACE, heartbeatMs: 100 })
  const server = s
  const transitions: TransitionEvent[] = []
  server.server.on('transition', (e) => transitions.push(e))
  const hello = { type: 'hello', v: 1, widgetId: 'site', tabId: 'tab-1', start: 'a-start-secret-of-22-chars-or-more' }
  if (resuming) {
    const first = await customer(server.url, hello)
    first.raw.send({ type: 'message', clientId: 'm1', text: 'still here' })
    await first.raw.next((f) => f.type === 'ack')
    const resume = { conversationId: first.welcome.conversationId, token: first.welcome.token, lastSeq: 0 }
    Object.assign(hello, { start: undefined, resume })
    first.raw.drop()
  }

  store.arm()
  const raw = await Raw.open(server.url, '/v1/customer')
  opened.push(raw)
  raw.send(hello)
  await waitFor(() => store.entered)
  raw.drop()
  await waitFor(async () => (await customersOpen(server.url)) === 0)
  store.release()

  await waitFor(() => transitions.some((e) => e.reason === 'customer-disconnected'), GRACE + 3_000)
  expect(transitions.find((e) => e.reason === 'customer-disconnected')).toMatchObject({ to: 'closed' })
})
