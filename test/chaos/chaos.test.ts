/**
 * Chaos: dozens of customers and several agents over real sockets, under a seeded schedule of
 * faults (connections cut, networks lost, pages reloaded, pages frozen, gaps either side of the
 * grace window, server restarts over Redis, two server processes on one Redis or on one Redis
 * Cluster), with and without R10's reconnection to an ended chat. Afterwards every invariant of
 * invariants.ts must hold.
 *
 * The seed is printed; `HOLDLINE_SEED=<seed> npx vitest run test/chaos` replays the schedule.
 * `npm run soak` runs longer and larger (HOLDLINE_CHAOS_SECONDS, HOLDLINE_CHAOS_CUSTOMERS).
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seedFromEnv } from '../helpers/random.js'
import { startRedisCluster, type RunningRedisCluster } from '../helpers/redis-cluster.mjs'
import { startRedis, type RunningRedis } from '../helpers/redis-server.mjs'
import { violations } from './invariants.js'
import { runChaos, type ChaosSettings } from './run.js'

const seconds = Number(process.env.HOLDLINE_CHAOS_SECONDS ?? 12)
const customers = Number(process.env.HOLDLINE_CHAOS_CUSTOMERS ?? 24)
const TIMEOUT_MS = (seconds + 90) * 1_000

const base: ChaosSettings = {
  customers,
  agents: 3,
  agentCapacity: 4,
  durationMs: seconds * 1_000,
  graceMs: 2_000,
  heartbeatMs: 500,
  agentGraceMs: 3_000,
  restarts: 0,
}

async function expectNoViolations(name: string, settings: ChaosSettings): Promise<void> {
  const seed = seedFromEnv()
  console.log(`chaos ${name}: seed ${seed} (replay with HOLDLINE_SEED=${seed})`)
  const { observation, summary } = await runChaos(seed, settings)
  console.log(`chaos ${name}:`, summary)
  const found = violations(observation)
  if (found.length > 0) {
    // Everything each side saw, to read the failure against the timeline.
    const file = join(tmpdir(), `holdline-chaos-${name}-${seed}.json`)
    writeFileSync(file, JSON.stringify(observation, null, 1))
    console.log(`chaos ${name}: observation written to ${file}`)
  }
  expect(found, `seed ${seed}`).toEqual([])
  // The run must have exercised what it claims to.
  expect(summary['messages recorded']).toBeGreaterThan(customers * 5)
  expect(summary['customer resumed'] ?? 0).toBeGreaterThan(0)
}

describe('chaos', () => {
  it('memory store: nothing lost, nothing twice, every decision consistent', { timeout: TIMEOUT_MS }, async () => {
    await expectNoViolations('memory', base)
  })

  it('R10 on: chats ended by an absence are taken back (auto, prompt) or not (off), only inside their window', { timeout: TIMEOUT_MS }, async () => {
    // The plan's long gaps come back 1-3 s after the end: some inside this window, some after it.
    await expectNoViolations('reconnect', { ...base, reconnectWindowMs: 2_000 })
  })

  describe('with Redis and server restarts', () => {
    // A Redis of its own for each run: the other run's conversations (same customer and agent names)
    // would read as ghosts and doubles.
    let redis: RunningRedis | undefined
    beforeEach(async () => {
      redis = await startRedis()
    })
    afterEach(async () => {
      await redis?.stop()
    })
    const url = (): string => (redis as RunningRedis).url

    it('survives restarts of the server process inside the window', { timeout: TIMEOUT_MS }, async () => {
      await expectNoViolations('redis', { ...base, store: url(), restarts: 2 })
    })

    it('two processes: customers and agents spread over both, rolling restarts move them across', { timeout: TIMEOUT_MS }, async () => {
      await expectNoViolations('two-processes', { ...base, store: url(), restarts: 3, processes: 2 })
    })
  })

  describe('with a Redis Cluster', () => {
    let cluster: RunningRedisCluster | undefined
    beforeEach(async () => {
      cluster = await startRedisCluster()
    }, 30_000)
    afterEach(async () => {
      await cluster?.stop()
    })

    it('two processes over three masters: the conversations spread over every node, rolling restarts move the participants across', { timeout: TIMEOUT_MS }, async () => {
      const running = cluster as RunningRedisCluster
      await expectNoViolations('cluster', { ...base, store: running.url, restarts: 2, processes: 2 })
      for (const size of await running.dbSizes()) expect(size).toBeGreaterThan(0)
    })
  })
})
