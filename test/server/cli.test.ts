import { connect } from 'node:net'
import { describe, expect, test } from 'vitest'
import { main } from '../../src/server/cli.js'
import { Raw, waitFor } from '../helpers/raw.js'

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } }
}

describe('holdline CLI', () => {
  test('--help prints usage', async () => {
    const { out, io: streams } = io()
    expect(await main(['--help'], streams)).toBeUndefined()
    expect(out.join('')).toContain('holdline serve')
    expect(out.join('')).toContain('--grace-ms')
  })

  test('serve --demo prints the page URLs and accepts the demo agent token', async () => {
    const { out, io: streams } = io()
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--demo', '--grace-ms', '2000', '--agent-token', 'tok:a9:Bo Bo'], streams)
    expect(server).toBeDefined()
    try {
      const text = out.join('')
      expect(text).toContain(`${server?.url}/`)
      expect(text).toContain(`${server?.url}/agent.html#token=demo`)
      for (const [token, id, name] of [['demo', 'demo', 'Demo agent'], ['tok', 'a9', 'Bo Bo']]) {
        const raw = await Raw.open(server?.url ?? '', '/v1/agent')
        raw.send({ type: 'auth', v: 1, token })
        const ready = await raw.next((f) => f.type === 'ready')
        expect(ready).toMatchObject({ agent: { id, name }, graceMs: 2_000 })
        raw.drop()
      }
    } finally {
      await server?.close()
    }
  })

  test('--new-chats-per-minute and --trust-proxy limit new chats per forwarded address', async () => {
    const { io: streams } = io()
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--new-chats-per-minute', '1', '--trust-proxy'], streams)
    try {
      const hello = async (address: string) => {
        const raw = await Raw.open(server?.url ?? '', '/v1/customer', { 'x-forwarded-for': address })
        raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't' })
        const answer = await raw.next((f) => f.type === 'welcome' || f.type === 'error')
        raw.drop()
        return answer.type === 'error' ? answer.code : answer.type
      }
      expect([await hello('203.0.113.7'), await hello('203.0.113.7'), await hello('203.0.113.8')]).toEqual(['welcome', 'rate-limited', 'welcome'])
    } finally {
      await server?.close()
    }
  })

  test("the server's errors reach the error stream (a socket that breaks the WebSocket protocol)", async () => {
    const { err, io: streams } = io()
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1'], streams)
    try {
      const socket = connect(server?.port ?? 0, '127.0.0.1')
      const upgraded = new Promise<void>((resolve) => socket.once('data', () => resolve()))
      socket.write(
        'GET /v1/customer HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      )
      await upgraded
      // A masked frame with the reserved opcode 3: ws refuses it with an error on the server's socket.
      socket.write(Buffer.from([0x83, 0x80, 1, 2, 3, 4]))
      await waitFor(() => err.join('').includes('holdline error: customer:socket'))
      socket.destroy()
    } finally {
      await server?.close()
    }
  })

  test('--api-only serves no static files, and the start-up line says so', async () => {
    const { out, io: streams } = io()
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only'], streams)
    try {
      expect(out.join('')).toContain('; static files off)')
      expect((await fetch(`${server?.url}/`)).status).toBe(404)
      expect((await fetch(`${server?.url}/dist/holdline.js`)).status).toBe(404)
      expect((await fetch(`${server?.url}/healthz`)).status).toBe(200)
    } finally {
      await server?.close()
    }
  })

  test('bad arguments print the error and usage with exit code 2', async () => {
    const { err, io: streams } = io()
    const before = process.exitCode
    expect(await main(['serve', '--grace-ms', 'soon'], streams)).toBeUndefined()
    expect(err.join('')).toContain('--grace-ms must be a whole number')
    expect(process.exitCode).toBe(2)
    process.exitCode = before
  })
})
