/**
 * An agent console (re)connecting while its customer's presence changes: the change lands between the
 * server reading the console's snapshots and sending `ready`. The console must still end up with the
 * customer's presence as it is, not as the snapshot caught it.
 */
import { afterEach, expect, test } from 'vitest'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import { startServer, type StartedServer } from '../../helpers/server.js'
import { agent, customer, Raw, waitFor } from '../../helpers/raw.js'

/** The memory store, with a moment to act in right after the agent's own conversations are read. */
class PausingStore extends MemoryStore {
  afterAssignedRead: (() => Promise<void>) | undefined

  override async liveAssigned(agentIds: readonly string[]): ReturnType<MemoryStore['liveAssigned']> {
    const read = await super.liveAssigned(agentIds)
    const pause = this.afterAssignedRead
    if (pause) {
      this.afterAssignedRead = undefined
      await pause()
    }
    return read
  }
}

let server: StartedServer | undefined
const sockets: Raw[] = []
afterEach(async () => {
  for (const r of sockets.splice(0)) r.drop()
  await server?.close()
})

test('a presence change while ready is prepared reaches the console after ready', async () => {
  const store = new PausingStore()
  server = await startServer({ store })
  const c = await customer(server.url)
  const first = await agent(server.url)
  sockets.push(c.raw, first.raw)
  const id = c.welcome.conversationId as string
  first.raw.send({ type: 'accept', conversationId: id })
  await first.raw.next((f) => f.type === 'event' && f.conversationId === id && (f.item as { status?: string }).status === 'active')

  // A second console of the same agent; the customer's tab goes away while its snapshot is read.
  store.afterAssignedRead = async () => {
    c.raw.send({ type: 'away' })
    await waitFor(async () => (await store.get(id))?.presence === 'disconnected')
  }
  const second = await agent(server.url)
  sockets.push(second.raw)
  const snapshot = (second.ready.conversations as Array<{ id: string; presence: { state: string } }>).find((s) => s.id === id)
  expect(snapshot?.presence.state).toBe('connected')
  const told = await second.raw.next((f) => f.type === 'presence' && (f.presence as { conversationId: string }).conversationId === id)
  expect(told.presence).toMatchObject({ state: 'disconnected' })
  expect(second.raw.frames.indexOf(told)).toBeGreaterThan(second.raw.frames.indexOf(second.ready))
})
