/** The server's per-address limit on new conversations, as the customer SDK lives it. */
import { afterEach, expect, it } from 'vitest'
import { mapStorage, nextEvent } from './helpers.js'
import { startEnv, type Env } from './integration-env.js'

let env: Env | undefined
afterEach(async () => {
  await env?.close()
})

it('a new chat refused for its address: the SDK reports rate-limited, retries with its backoff and gets in once the address has room', async () => {
  // One new chat at once, then one a second.
  env = await startEnv({ newChatsPerAddress: { perMinute: 60, burst: 1 } })
  const first = await env.chat({ storage: mapStorage() }).start()
  const second = env.chat({ storage: mapStorage() })
  const refused = nextEvent(second, 'error')
  const started = second.start()
  expect((await refused).code).toBe('rate-limited')
  const info = await started
  expect(info.id).not.toBe(first.id)
  expect(second.connection).toBe('connected')
})
