/**
 * The agent SDK's side of canned responses and customer context, against a real server: `canned`
 * from `ready`, the customer's pages in the offer and the `customer` event on each navigation, the
 * held conversation's `customer` kept up to date.
 */
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { createAgent, fillCanned, type Agent, type AgentEvents } from '../../src/agent/index.js'
import { startServer, type StartedServer } from '../helpers/server.js'
import { Raw } from '../helpers/raw.js'

let server: StartedServer | undefined
let agent: Agent | undefined
const sockets: Raw[] = []
afterEach(async () => {
  agent?.disconnect()
  for (const r of sockets.splice(0)) r.drop()
  await server?.close()
})

const next = <E extends keyof AgentEvents>(a: Agent, event: E, test: (...args: Parameters<AgentEvents[E]>) => boolean = () => true) =>
  new Promise<Parameters<AgentEvents[E]>>((resolve) => {
    const off = a.on(event, ((...args: Parameters<AgentEvents[E]>) => {
      if (!test(...args)) return
      off()
      resolve(args)
    }) as AgentEvents[E])
  })

describe('agent SDK: canned responses and customer context', () => {
  it("holds the server's canned responses from ready (none configured: empty)", async () => {
    const cannedResponses = [{ id: 'greet', title: 'Greeting', text: 'Hi {{name}}, how can I help?' }]
    server = await startServer({ cannedResponses })
    agent = createAgent({ url: server.url, token: 'agent-token', WebSocket })
    expect(agent.canned).toEqual([])
    await agent.connect()
    expect(agent.canned).toEqual(cannedResponses)
    agent.disconnect()
    await server.close()

    server = await startServer()
    agent = createAgent({ url: server.url, token: 'agent-token', WebSocket })
    await agent.connect()
    expect(agent.canned).toEqual([])
  })

  it('the offer holds the customer; each navigation fires customer and updates the held conversation', async () => {
    server = await startServer()
    agent = createAgent({ url: server.url, token: 'agent-token', WebSocket })
    await agent.connect()
    const offered = next(agent, 'offer')
    const c = await Raw.open(server.url, '/v1/customer', { 'user-agent': 'TestBrowser/2.0' })
    sockets.push(c)
    c.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 't1', customer: { name: 'Lea' }, page: { url: 'https://shop.example/', title: 'Shop' } })
    const [offer] = await offered
    expect(offer.customer).toMatchObject({ name: 'Lea', userAgent: 'TestBrowser/2.0', pages: [{ url: 'https://shop.example/', title: 'Shop' }] })
    expect(fillCanned('Hi {{name}}, how can I help?', offer)).toBe('Hi Lea, how can I help?')

    const conversation = await agent.accept(offer.id)
    const told = next(agent, 'customer')
    c.send({ type: 'page', url: 'https://shop.example/cart', title: 'Cart' })
    const [{ conversationId, customer }] = await told
    expect(conversationId).toBe(offer.id)
    expect(customer.pages?.map((p) => p.title)).toEqual(['Shop', 'Cart'])
    expect(agent.conversations.get(offer.id)?.customer.pages?.at(-1)?.title).toBe('Cart')
    expect(conversation.id).toBe(offer.id)
  })
})
