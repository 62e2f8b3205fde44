/**
 * A raw agent for the customer SDK's integration tests: a `ws` socket speaking frames.ts directly,
 * so these tests depend on the wire protocol only.
 */
import WebSocket from 'ws'
import { PROTOCOL_VERSION, type AgentFrame, type ServerToAgentFrame, type TranscriptItem } from '../../src/protocol/index.js'
import { waitFor } from './helpers.js'

export interface RawAgent {
  frames: ServerToAgentFrame[]
  /** Items seen per conversation, in arrival order (duplicates included, to be able to count them). */
  items(conversationId: string): TranscriptItem[]
  send(frame: AgentFrame): void
  accept(conversationId: string): Promise<void>
  say(conversationId: string, text: string): Promise<void>
  /** Resolves when an offer for `conversationId` (or any, without it) has arrived. */
  offered(conversationId?: string): Promise<string>
  close(): Promise<void>
}

function wsUrl(base: string, path: string): string {
  const url = new URL(base)
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  return url.toString()
}

export async function connectAgent(baseUrl: string, token: string, capacity = 3): Promise<RawAgent> {
  const socket = new WebSocket(wsUrl(baseUrl, '/v1/agent'))
  const frames: ServerToAgentFrame[] = []
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerToAgentFrame))
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject))
  const send = (frame: AgentFrame): void => socket.send(JSON.stringify(frame))
  send({ type: 'auth', v: PROTOCOL_VERSION, token, capacity })
  await waitFor(() => frames.some((f) => f.type === 'ready' || f.type === 'error'), 5_000, 'agent ready')
  const refused = frames.find((f) => f.type === 'error')
  if (refused) throw new Error(`agent refused: ${JSON.stringify(refused)}`)
  let n = 0
  const agent: RawAgent = {
    frames,
    items: (id) =>
      frames.flatMap((f) => {
        if (f.type === 'event' && f.conversationId === id) return [f.item]
        if (f.type === 'ready') return [...f.conversations, ...f.offers].filter((c) => c.id === id).flatMap((c) => c.transcript)
        if (f.type === 'offer' && f.conversation.id === id) return f.conversation.transcript
        return []
      }),
    send,
    async accept(conversationId) {
      send({ type: 'accept', conversationId })
      await waitFor(
        () => frames.some((f) => f.type === 'event' && f.conversationId === conversationId && f.item.kind === 'status' && f.item.status === 'active'),
        5_000,
        'accepted',
      )
    },
    async say(conversationId, text) {
      const clientId = `agent-${++n}-${Math.random().toString(36).slice(2)}`
      send({ type: 'message', conversationId, clientId, text })
      await waitFor(() => frames.some((f) => f.type === 'ack' && f.clientId === clientId), 5_000, 'agent ack')
    },
    async offered(conversationId) {
      const match = (): string | undefined => {
        for (const f of frames) {
          if (f.type === 'offer' && (!conversationId || f.conversation.id === conversationId)) return f.conversation.id
          if (f.type === 'ready') {
            const offer = f.offers.find((o) => !conversationId || o.id === conversationId)
            if (offer) return offer.id
          }
        }
        return undefined
      }
      await waitFor(() => match() !== undefined, 5_000, 'offer')
      return match()!
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve()
        socket.once('close', () => resolve())
        socket.close()
      }),
  }
  return agent
}
