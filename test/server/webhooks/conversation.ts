/**
 * A whole conversation through a real server (customer and agent sockets): created, accepted, a
 * message each way, closed by the agent. Returns its id once the close is recorded.
 */
import { activeChat, type Frame } from '../../helpers/raw.js'

export async function wholeConversation(url: string): Promise<string> {
  const { a, c, id } = await activeChat(url)
  c.raw.send({ type: 'message', clientId: 'c-1', text: 'hello, my order is late' })
  await c.raw.next((f) => f.type === 'ack' || (f.type === 'event' && (f.item as Frame).text === 'hello, my order is late'))
  a.raw.send({ type: 'message', conversationId: id, clientId: 'a-1', text: 'let me look' })
  await a.raw.next((f) => f.type === 'ack' && f.clientId === 'a-1')
  a.raw.send({ type: 'close', conversationId: id })
  await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'closed')
  await c.raw.close()
  await a.raw.close()
  return id
}

/** The event ids a conversation's transcript should have given (created, each item, closed). */
export function expectedIds(id: string, transcript: ReadonlyArray<{ seq: number; kind: string; status?: string }>): string[] {
  const ids = [`${id}.created`]
  for (const item of transcript) {
    ids.push(`${id}.${item.seq}`)
    if (item.kind === 'status' && item.status === 'closed') ids.push(`${id}.${item.seq}.closed`)
  }
  return ids
}
