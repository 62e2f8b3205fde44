/**
 * With webhooks on, a change reaches other processes only once its events are queued: a process that
 * dies between the write and the queueing loses only events nobody was shown. Without webhooks the
 * commit script publishes the change itself (one round trip less). On a real redis-server.
 */
import { createNanoEvents } from 'nanoevents'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerEvents } from '../../src/server/engine/events.js'
import { ConversationService } from '../../src/server/runner/service.js'
import { createRedisStore, type RedisStore } from '../../src/server/store/redis-store.js'
import type { BusMessage } from '../../src/server/store/types.js'
import { waitFor } from '../helpers/raw.js'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'
import { config, opened } from '../server/engine/fixtures.js'

let redis: RunningRedis
const stores: RedisStore[] = []
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()))
  await redis?.stop()
})

/** A writing process's service and another process's store, following conversation `c1`. */
async function twoProcesses(prefix: string): Promise<{ service: ConversationService; writer: RedisStore; heard: BusMessage[] }> {
  const [writer, other] = await Promise.all([createRedisStore(redis.url, { prefix }), createRedisStore(redis.url, { prefix })])
  stores.push(writer, other)
  const heard: BusMessage[] = []
  await other.subscribe((m) => heard.push(m)).follow('conversation:c1')
  const service = new ConversationService(writer, config(), () => 0, createNanoEvents<ServerEvents>())
  await service.create({ conversation: opened(0), drafts: [] })
  return { service, writer, heard }
}

/** The customer writes in conversation `c1`. */
const says = (service: ConversationService, text: string) =>
  service.run('c1', (c, at) => ({ conversation: c, drafts: [{ kind: 'message', from: 'customer', text, at, clientId: text }] }))

describe('the change of a write, with webhooks on', () => {
  it('is published only once its events are queued', async () => {
    const { service, writer, heard } = await twoProcesses('queued:')
    let release = (): void => {}
    const queued = new Promise<void>((resolve) => (release = resolve))
    let enqueueing = false
    service.recorded = async () => {
      enqueueing = true
      await queued
    }
    const written = says(service, 'hello')
    await waitFor(() => enqueueing)
    // The record is written and its events are being queued. A fence on the conversation's channel,
    // sent now, arrives after anything the write published: it comes alone.
    await writer.publish({ type: 'typing', conversationId: 'c1', from: 'customer' })
    await waitFor(() => heard.length > 0)
    expect(heard.map((m) => m.type)).toEqual(['typing'])
    release()
    await written
    await waitFor(() => heard.some((m) => m.type === 'changed'))
  })

  it('without webhooks, is published by the write itself', async () => {
    const { service, heard } = await twoProcesses('direct:')
    const result = await says(service, 'hello')
    expect(result?.announced).toBe(true)
    await waitFor(() => heard.some((m) => m.type === 'changed'))
  })
})
