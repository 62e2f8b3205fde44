/**
 * The pure parts of webhooks: the backoff's bounds, the events of an update and their ids, and the
 * `webhooks` option and `--webhooks FILE` refused with messages that say what is wrong.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AUTOMATED_MESSAGES } from '../../../src/protocol/messages.js'
import { main } from '../../../src/server/cli.js'
import { accept, createConversation, transition } from '../../../src/server/engine/transitions.js'
import type { Conversation, EngineConfig, Step } from '../../../src/server/engine/types.js'
import { createServer } from '../../../src/server/index.js'
import { resolveOptions } from '../../../src/server/options.js'
import { MemoryStore } from '../../../src/server/store/memory-store.js'
import type { Store } from '../../../src/server/store/types.js'
import { retryDelay } from '../../../src/server/webhooks/backoff.js'
import { eventsOf } from '../../../src/server/webhooks/events-of.js'
import { resolveWebhooks } from '../../../src/server/webhooks/endpoints.js'

const config: EngineConfig = {
  graceMs: 1_000, agentGraceMs: 1_000, affinityMs: 1_000, heartbeatMs: 500, wrapUpAutoCloseMs: 1_000, wrapUpCapacity: 'block',
  openAutoCloseMs: 10_000, reconnectWindowMs: undefined, retainClosedMs: 10_000, messages: AUTOMATED_MESSAGES,
}
const SECRET = 'a-secret-of-16-chars'

describe('retryDelay', () => {
  it('doubles from the base, up to the maximum, between half and all of the bound', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1_000, 60_000, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000])
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1_000, 60_000, () => 0))).toEqual([500, 1_000, 2_000, 4_000])
    expect(retryDelay(30, 1_000, 60_000, () => 1)).toBe(60_000)
    expect(retryDelay(500, 1_000, 60_000, () => 0.5)).toBe(45_000)
  })
})

/** Numbered as a store would: seq from lastSeq + 1. */
function recorded(previous: Conversation | undefined, step: Step): { previous: Conversation | undefined; conversation: Conversation; items: any[] } {
  let seq = previous?.lastSeq ?? 0
  const items = step.drafts.map((d) => (d.kind === 'message' ? { ...d, seq: ++seq, id: `m${seq}` } : { ...d, seq: ++seq }))
  return { previous, conversation: { ...step.conversation, lastSeq: seq }, items }
}

describe('eventsOf', () => {
  it('derives the same ids from the same update: created, each item by seq, the close last with the transcript', () => {
    const created = recorded(undefined, createConversation({ id: 'c1', widgetId: 'w', customer: { name: 'Kim' }, tokenHash: 'h' }, { id: 'k', tabId: 't' }, 1_000))
    const first = eventsOf(created)
    expect(first.map((e) => [e.id, e.type])).toEqual([['c1.created', 'conversation.created'], ['c1.1', 'conversation.transitioned']])
    expect(eventsOf(created)).toEqual(first)
    expect(first[0]!.data).toEqual({ conversation: { id: 'c1', widgetId: 'w', status: 'open', customer: { name: 'Kim' }, createdAt: 1_000, statusAt: 1_000 } })
    expect(first[1]!.data).toEqual({ conversationId: 'c1', to: 'open', reason: 'customer-started' })
    const accepted = recorded(created.conversation, accept(created.conversation, { id: 'a1', name: 'Ana' }, 2_000, config))
    const closing = recorded(accepted.conversation, transition(accepted.conversation, 'closed', 'agent-closed', 3_000, config))
    const transcript = [...created.items, ...accepted.items, ...closing.items, { kind: 'message', seq: 99, id: 'later', from: 'system', text: 'after', at: 4_000 }]
    const events = eventsOf(closing, transcript)
    const closeSeq = closing.items[0].seq
    expect(events.map((e) => e.type)).toEqual(['conversation.transitioned', 'message.created', 'conversation.closed'])
    expect(events[0]!.data).toMatchObject({ from: 'active', to: 'closed', reason: 'agent-closed', agent: { id: 'a1' } })
    expect(events[2]!.id).toBe(`c1.${closeSeq}.closed`)
    // The transcript as of this update: the closing message in, what came after out.
    expect((events[2]!.data as { transcript: unknown[] }).transcript).toEqual(transcript.slice(0, -1))
    // No token hash, no connections leave the server.
    expect(JSON.stringify(events)).not.toMatch(/tokenHash|connections/)
  })
})

describe('the webhooks option', () => {
  it('applies the defaults', () => {
    const [e] = resolveWebhooks([{ url: 'https://crm.example.com/hook', secret: SECRET }])
    expect(e).toMatchObject({ id: 'https://crm.example.com/hook', timeoutMs: 10_000, backoffMs: 1_000, maxBackoffMs: 300_000, maxAttempts: 15, maxAgeMs: 86_400_000 })
    expect([...e!.events].sort()).toEqual(['conversation.closed', 'conversation.created', 'conversation.transitioned', 'message.created'])
  })

  it.each([
    [{ webhooks: {} }, 'webhooks must be an array'],
    [{ webhooks: ['x'] }, 'webhooks[0] must be an object'],
    [{ webhooks: [{ url: 'ftp://x', secret: SECRET }] }, 'webhooks[0].url must be an http:// or https:// URL'],
    [{ webhooks: [{ url: 'https://x', secret: 'short' }] }, 'webhooks[0].secret must be a string of at least 16 characters'],
    [{ webhooks: [{ url: 'https://x', secret: SECRET, events: ['conversation.deleted'] }] }, 'webhooks[0].events must be a non-empty array of'],
    [{ webhooks: [{ url: 'https://x', secret: SECRET, events: [] }] }, 'webhooks[0].events must be a non-empty array of'],
    [{ webhooks: [{ url: 'https://x', secret: SECRET, timeoutMs: 0 }] }, 'webhooks[0].timeoutMs must be a positive integer'],
    [{ webhooks: [{ url: 'https://x', secret: SECRET }, { url: 'https://x', secret: SECRET }] }, 'webhooks[1]: another endpoint has the id https://x'],
    [{ webhookPollMs: -1 }, 'webhookPollMs must be a positive integer'],
  ])('refuses %j: %s', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(`holdline: ${message}`)
  })

  it('refuses webhooks on a store without an outbox', () => {
    const store = new MemoryStore() as Partial<Store>
    const bare = { ...store, transact: store.transact, webhooks: undefined } as unknown as Store
    expect(() => resolveOptions({ store: bare, webhooks: [{ url: 'https://x', secret: SECRET }] })).toThrow('holdline: webhooks need a store with a webhook outbox')
  })
})

describe('--webhooks FILE', () => {
  const exit = process.exitCode
  afterEach(() => void (process.exitCode = exit))

  function file(text: string): string {
    const path = join(mkdtempSync(join(tmpdir(), 'holdline-wh-')), 'webhooks.json')
    writeFileSync(path, text)
    return path
  }

  async function refusal(args: string[]): Promise<string> {
    const err: string[] = []
    expect(await main(['serve', '--port', '0', ...args], { out: () => undefined, err: (t) => err.push(t) })).toBeUndefined()
    expect(process.exitCode).toBe(2)
    return err.join('')
  }

  it('names the file and what is wrong with it, exit 2', async () => {
    const missing = join(tmpdir(), 'no-such-holdline-webhooks.json')
    expect(await refusal(['--webhooks', missing])).toContain(`holdline: --webhooks ${missing}: cannot read it (ENOENT)`)
    const bad = file('[{"url": ')
    expect(await refusal(['--webhooks', bad])).toContain(`holdline: --webhooks ${bad}: not JSON`)
    const weak = file(JSON.stringify([{ url: 'https://x', secret: 'short' }]))
    expect(await refusal(['--webhooks', weak])).toContain(`holdline: --webhooks ${weak}: webhooks[0].secret must be a string of at least 16 characters`)
    const wrapped = file(JSON.stringify({ endpoints: [] }))
    expect(await refusal(['--webhooks', wrapped])).toContain('webhooks must be an array')
  })

  it('serves with the endpoints of the file, as an array or under "webhooks"', async () => {
    for (const text of [JSON.stringify([{ url: 'http://127.0.0.1:9/hook', secret: SECRET, id: 'crm' }]), JSON.stringify({ webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: SECRET, id: 'crm' }] })]) {
      const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only', '--webhooks', file(text)], { out: () => undefined, err: () => undefined })
      expect(server).toBeDefined()
      try {
        const metrics = await (await fetch(`${server!.url}/metrics`)).text()
        expect(metrics).toContain('holdline_webhook_queue_depth{endpoint="crm"} 0')
      } finally {
        await server!.close()
      }
    }
  })

  it('without webhooks, no webhook metric', async () => {
    const store = new MemoryStore()
    const server = await createServer({ host: '127.0.0.1', store, staticRoot: false, distRoot: false })
    try {
      expect(await (await fetch(`${server.url}/metrics`)).text()).not.toContain('holdline_webhook_')
    } finally {
      await server.close()
    }
  })
})
