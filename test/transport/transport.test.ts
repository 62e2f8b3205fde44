/**
 * The transport in Node, on `ws` (as the agent SDK and server-side clients run it), against a peer
 * that takes the TCP connection and never answers the WebSocket handshake.
 */
import { once } from 'node:events'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createTransport, type Transport, type WebSocketClass } from '../../src/transport/transport.js'
import { waitFor } from '../helpers/raw.js'

const held: Socket[] = []
const silent = createServer((socket) => held.push(socket))
let transport: Transport | undefined
afterEach(async () => {
  transport?.stop()
  for (const socket of held.splice(0)) socket.destroy()
  if (silent.listening) await new Promise((done) => silent.close(done))
})

it('a handshake that never completes is abandoned after connectionTimeoutMs and tried again, with nothing thrown', async () => {
  silent.listen(0, '127.0.0.1')
  await once(silent, 'listening')
  const { port } = silent.address() as AddressInfo
  const uncaught: unknown[] = []
  const record = (error: unknown): void => void uncaught.push(error)
  process.on('uncaughtException', record)
  try {
    const closes: number[] = []
    transport = createTransport({
      url: `ws://127.0.0.1:${port}/v1/agent`,
      WebSocket: WebSocket as unknown as WebSocketClass,
      minDelayMs: 20,
      maxDelayMs: 50,
      factor: 1.5,
      connectionTimeoutMs: 150,
      random: () => 0,
      onOpen: () => undefined,
      onFrame: () => undefined,
      onClose: ({ code }) => void closes.push(code),
    })
    transport.connect()
    await waitFor(() => held.length >= 3)
    expect(closes.length).toBeGreaterThanOrEqual(2)
    expect(transport.open).toBe(false)
    // `ws` reports an aborted handshake on the next tick: give it one before looking.
    await new Promise((done) => setImmediate(done))
    expect(uncaught).toEqual([])
  } finally {
    process.off('uncaughtException', record)
  }
})
