/**
 * Subscriptions follow local interest: the store follows a topic when its first holder comes and
 * unfollows it when its last goes, whatever the order and repeats of the holders' calls.
 */
import { describe, expect, it } from 'vitest'
import { Hub } from '../../../src/server/net/hub.js'
import { Interest } from '../../../src/server/net/interest.js'
import type { AgentPeer, CustomerPeer } from '../../../src/server/net/peers.js'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import type { BusSubscription, Topic } from '../../../src/server/store/types.js'

/** A subscription that logs what it is asked; its follows resolve when `settle` is called. */
function logged(): { subscription: Pick<BusSubscription, 'follow' | 'unfollow'>; log: string[]; settle: () => void } {
  const log: string[] = []
  const waiting: Array<() => void> = []
  return {
    log,
    settle: () => waiting.splice(0).forEach((resolve) => resolve()),
    subscription: {
      follow: (topic: Topic) => {
        log.push(`follow ${topic}`)
        return new Promise<void>((resolve) => waiting.push(resolve))
      },
      unfollow: (topic: Topic) => void log.push(`unfollow ${topic}`),
    },
  }
}

describe('Interest', () => {
  it.each([
    { calls: ['+c1'], log: ['follow conversation:c1'] },
    { calls: ['+c1', '+c1'], log: ['follow conversation:c1'] },
    { calls: ['+c1', '+c1', '-c1'], log: ['follow conversation:c1'] },
    { calls: ['+c1', '+c1', '-c1', '-c1'], log: ['follow conversation:c1', 'unfollow conversation:c1'] },
    { calls: ['-c1'], log: [] },
    { calls: ['+c1', '-c1', '-c1', '+c1'], log: ['follow conversation:c1', 'unfollow conversation:c1', 'follow conversation:c1'] },
    { calls: ['+c1', '+c2', '-c1'], log: ['follow conversation:c1', 'follow conversation:c2', 'unfollow conversation:c1'] },
  ])('$calls', ({ calls, log }) => {
    const { subscription, log: seen } = logged()
    const interest = new Interest(subscription)
    for (const call of calls) {
      const topic: Topic = `conversation:${call.slice(1)}`
      if (call.startsWith('+')) void interest.add(topic)
      else interest.remove(topic)
    }
    expect(seen).toEqual(log)
  })

  it('a second holder waits for the follow in flight, and only the first is told it started it', async () => {
    const { subscription, settle } = logged()
    const interest = new Interest(subscription)
    const order: string[] = []
    const first = interest.add('routing').then((started) => order.push(`first ${started}`))
    const second = interest.add('routing').then((started) => order.push(`second ${started}`))
    await Promise.resolve()
    expect(order).toEqual([])
    settle()
    await Promise.all([first, second])
    expect(order.sort()).toEqual(['first true', 'second false'])
    expect(interest.count('routing')).toBe(2)
  })
})

describe('Hub interest', () => {
  const customer = (): CustomerPeer => ({ deliver() {}, resync() {}, send() {}, revouch() {}, recorded() {} })
  const console = (): AgentPeer =>
    ({ id: 'k', agent: undefined, closed: false, offered: new Set<string>(), supervisor: false } as unknown as AgentPeer)

  it('counts each connection once per topic, however often it is added or removed', async () => {
    const hub = new Hub(() => 0)
    hub.listen(new MemoryStore())
    const [tab1, tab2] = [customer(), customer()]
    await hub.addCustomer('c1', tab1, true)
    await hub.addCustomer('c1', tab1, true)
    await hub.addCustomer('c1', tab2)
    expect([hub.holders('conversation:c1'), hub.holders('routing')]).toEqual([2, 1])
    // A socket's close removes it twice (before and after its hello settles).
    hub.removeCustomer('c1', tab1)
    hub.removeCustomer('c1', tab1)
    expect([hub.holders('conversation:c1'), hub.holders('routing')]).toEqual([1, 0])
    hub.removeCustomer('c1', tab2)
    expect(hub.holders('conversation:c1')).toBe(0)
  })

  it("drops a console's conversations with the console; an agent's topic and routing go with its last console", async () => {
    const hub = new Hub(() => 0)
    hub.listen(new MemoryStore())
    const [one, two] = [console(), console()]
    hub.addAgent('a1', one)
    hub.addAgent('a1', two)
    expect(await hub.follow(one, 'c1')).toBe(true)
    expect(await hub.follow(one, 'c1')).toBe(false)
    expect(await hub.follow(two, 'c1')).toBe(false)
    expect(hub.holders('conversation:c1')).toBe(2)
    hub.removeAgent('a1', one)
    expect([hub.holders('conversation:c1'), hub.holders('agent:a1'), hub.holders('routing')]).toEqual([1, 1, 1])
    hub.unfollow(two, 'c1')
    hub.removeAgent('a1', two)
    expect([hub.holders('conversation:c1'), hub.holders('agent:a1'), hub.holders('routing')]).toEqual([0, 0, 0])
  })

  it('a customer waiting in the queue holds routing until its chat leaves the queue', async () => {
    const store = new MemoryStore()
    const hub = new Hub(() => 0)
    hub.listen(store)
    await hub.addCustomer('c1', customer(), true)
    expect(hub.holders('routing')).toBe(1)
    await store.publish({ type: 'changed', conversationId: 'c1', status: 'active', items: [] })
    expect(hub.holders('routing')).toBe(0)
    expect(hub.holders('conversation:c1')).toBe(1)
  })
})
