/** Sockets held open without speaking the protocol are closed; those that speak it are not. */
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type StartedServer } from '../helpers/server.js'
import { customer, Raw } from './raw.js'

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
