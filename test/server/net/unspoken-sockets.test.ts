/** Sockets held open without speaking the protocol are closed; those that speak it are not. */
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, Raw } from '../../helpers/raw.js'

let s: StartedServer | undefined
const opened: Raw[] = []

afterEach(async () => {
  for (const r of opened.splice(0)) r.drop()
  await s?.close()
})

describe('connections that never say hello', () => {
  it('are refused with not-ready and closed after helloTimeoutMs; greeted ones stay', async () => {
    s = await startServer({ heartbeatMs: 100, limits: { helloTimeoutMs: 300 } })
    const silent = await Raw.open(s.url, '/v1/customer')
    const silentAgent = await Raw.open(s.url, '/v1/agent')
    const greeted = await customer(s.url)
    opened.push(silent, silentAgent, greeted.raw)

    const refusal = await silent.next((f) => f.type === 'error')
    expect(refusal).toMatchObject({ code: 'not-ready', fatal: true })
    await silent.closedPromise
    await silentAgent.closedPromise
    expect(silentAgent.frames.at(-1)).toMatchObject({ type: 'error', code: 'not-ready' })

    greeted.raw.send({ type: 'message', clientId: 'still-here', text: 'hello' })
    await greeted.raw.next((f) => f.type === 'ack' && f.clientId === 'still-here')
    expect(greeted.raw.closed).toBe(false)
  })
})

describe('helloTimeoutMs', () => {
  it('holds to the limit it says, not to the period of the dead-socket sweep (5 s with the default heartbeat)', async () => {
    s = await startServer({ limits: { helloTimeoutMs: 500 } })
    const from = Date.now()
    const silent = await Raw.open(s.url, '/v1/customer')
    opened.push(silent)
    await silent.closedPromise
    const took = Date.now() - from
    expect(silent.frames.at(-1)).toMatchObject({ type: 'error', code: 'not-ready', fatal: true })
    expect(took).toBeGreaterThanOrEqual(490)
    // About 100 ms of slack for a loaded machine; the sweep would have taken up to 5 s.
    expect(took).toBeLessThan(1_000)
  })
})

describe('many unauthenticated connections held open at once', () => {
  it('leave a conversation going, and are all closed with not-ready after helloTimeoutMs', async () => {
    s = await startServer({ heartbeatMs: 200, limits: { helloTimeoutMs: 1_000 } })
    const silent = await Promise.all(
      Array.from({ length: 400 }, (_, i) => Raw.open(s!.url, i % 4 === 0 ? '/v1/agent' : '/v1/customer')),
    )
    opened.push(...silent)
    const a = await agent(s.url)
    const c = await customer(s.url)
    opened.push(a.raw, c.raw)
    const id = c.welcome.conversationId as string
    await a.raw.next((f) => f.type === 'offer')
    a.raw.send({ type: 'accept', conversationId: id })
    for (let i = 0; i < 20; i++) {
      c.raw.send({ type: 'message', clientId: `m${i}`, text: `message ${i}` })
      await c.raw.next((f) => f.type === 'ack' && f.clientId === `m${i}`)
    }
    await Promise.all(silent.map((r) => r.closedPromise))
    for (const r of silent) expect(r.frames.at(-1)).toMatchObject({ type: 'error', code: 'not-ready' })
    const metrics = await (await fetch(`${s.url}/metrics`)).text()
    expect(metrics).toContain('holdline_connections{side="customer"} 1')
    expect(metrics).toContain('holdline_connections{side="agent"} 1')
    const received = a.raw.items(id).filter((i) => i.kind === 'message' && i.from === 'customer')
    expect(received.map((i) => i.text)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i}`))
    expect(c.raw.closed || a.raw.closed).toBe(false)
  })
})

describe('new conversations per address (newChatsPerAddress)', () => {
  const from = (address: string) => ({ 'x-forwarded-for': `198.51.100.250, ${address}` })
  const hello = (extra: Record<string, unknown> = {}) => ({ type: 'hello', v: 1, widgetId: 'site', tabId: 't', ...extra })

  it('past the burst a new chat is refused with rate-limited and the socket closed; resumes, repeated starts and other addresses go on', async () => {
    s = await startServer({ newChatsPerAddress: { perMinute: 1, burst: 2 }, trustProxy: true })
    const open = async (address: string) => {
      const raw = await Raw.open(s!.url, '/v1/customer', from(address))
      opened.push(raw)
      return raw
    }
    const first = await open('203.0.113.7')
    first.send(hello())
    const welcome = await first.next((f) => f.type === 'welcome')
    const start = 'a-start-secret-of-22-chars-or-more'
    const second = await open('203.0.113.7')
    second.send(hello({ start }))
    const secondWelcome = await second.next((f) => f.type === 'welcome')

    const third = await open('203.0.113.7')
    third.send(hello())
    expect(await third.next((f) => f.type === 'error')).toMatchObject({ code: 'rate-limited', ref: 'hello', fatal: true })
    await third.closedPromise

    // Not new conversations: the first one resumed, the second's start said again (its welcome lost).
    const back = await open('203.0.113.7')
    back.send(hello({ resume: { conversationId: welcome.conversationId, token: welcome.token, lastSeq: 0 } }))
    expect(await back.next((f) => f.type === 'welcome')).toMatchObject({ conversationId: welcome.conversationId, resumed: true })
    const again = await open('203.0.113.7')
    again.send(hello({ start }))
    expect(await again.next((f) => f.type === 'welcome')).toMatchObject({ conversationId: secondWelcome.conversationId })

    // The address before the proxy's own entry is the client's to write, so it does not count.
    const other = await open('203.0.113.8')
    other.send(hello())
    await other.next((f) => f.type === 'welcome')
  })

  it('is off by default, and a limit that is not { perMinute, burst? } of positive integers is refused at start', async () => {
    s = await startServer()
    for (let i = 0; i < 5; i++) opened.push((await customer(s.url)).raw)
    await expect(startServer({ newChatsPerAddress: { perMinute: 0 } })).rejects.toThrow(/newChatsPerAddress/)
    await expect(startServer({ trustProxy: 'yes' as unknown as boolean })).rejects.toThrow(/trustProxy/)
  })
})
