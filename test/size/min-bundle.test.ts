/**
 * The minified core (dist/holdline.min.js, what the size budget measures) still works: its build
 * mangles `_`-prefixed properties and drops reconnecting-websocket's debug calls, so run a chat on
 * it against the real server: start, an agent's reply, a send acknowledged, a dropped socket, and a
 * resume by a second chat on the same storage.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type StartedServer } from '../helpers/server.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { connectAgent, type RawAgent } from '../client/raw-agent.js'
import { mapStorage, nextEvent, waitFor } from '../client/helpers.js'
import type * as Sdk from '../../src/client/index.js'

const bundle = pathToFileURL(resolve('dist/holdline.min.js')).href

let server: StartedServer | undefined
let proxy: Proxy | undefined
let agent: RawAgent | undefined
const chats: Sdk.Chat[] = []
afterEach(async () => {
  for (const chat of chats.splice(0)) chat.destroy()
  await agent?.close()
  await proxy?.close()
  await server?.close()
})

describe('dist/holdline.min.js', () => {
  it('chats, survives a dropped socket and resumes from storage', async () => {
    const { createChat } = (await import(bundle)) as typeof Sdk
    server = await startServer({ graceMs: 10_000 })
    proxy = await startProxy(server.url)
    const storage = mapStorage()
    const open = (): Sdk.Chat => {
      const chat = createChat({ url: proxy!.url, widgetId: 'min', WebSocket, storage, minReconnectDelayMs: 50, maxReconnectDelayMs: 200 })
      chats.push(chat)
      return chat
    }
    const chat = open()
    const { id } = await chat.start()
    agent = await connectAgent(server.url, 'agent-token')
    await agent.offered(id)
    await agent.accept(id)
    const reply = nextEvent(chat, 'message', (m) => m.from === 'agent')
    await agent.say(id, 'Hello from the agent')
    expect((await reply).text).toBe('Hello from the agent')
    expect((await chat.send('one')).seq).toBeGreaterThan(0)

    const reconnected = nextEvent(chat, 'connection', ({ state }) => state === 'connected')
    proxy.dropAll()
    await reconnected
    expect((await chat.send('two')).seq).toBeGreaterThan(0)

    chat.destroy()
    const again = open()
    const resumed = nextEvent(again, 'resumed')
    expect((await again.start()).id).toBe(id)
    expect((await resumed).conversationId).toBe(id)
    await waitFor(() => again.messages.filter((m) => m.from === 'customer').length === 2, 5_000, 'the transcript replayed')
  })
})
