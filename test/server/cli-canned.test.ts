/**
 * `holdline serve --canned FILE`: a real file read at start-up, its responses in every agent's
 * `ready`; a bad file is a usage error (exit 2) naming the file and the entry, before anything listens.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { main } from '../../src/server/cli.js'
import { Raw } from '../helpers/raw.js'
import { runCli } from '../helpers/cli-process.js'

const dir = mkdtempSync(join(tmpdir(), 'holdline-cli-canned-'))
const file = (name: string, content: string): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
const canned = [
  { id: 'greet', title: 'Greeting', text: 'Hi {{name}}, how can I help?' },
  { id: 'bye', title: 'Goodbye', text: 'Thanks for chatting!' },
]

function io() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } }
}

describe('holdline serve --canned', () => {
  test("the file's responses reach each agent's ready", async () => {
    const { io: streams } = io()
    const path = file('canned.json', JSON.stringify(canned, null, 2))
    const server = await main(['serve', '--port', '0', '--host', '127.0.0.1', '--api-only', '--agent-token', 'tok:a1:Ana', '--canned', path], streams)
    expect(server).toBeDefined()
    try {
      const raw = await Raw.open(server?.url ?? '', '/v1/agent')
      raw.send({ type: 'auth', v: 1, token: 'tok' })
      expect((await raw.next((f) => f.type === 'ready')).canned).toEqual(canned)
      raw.drop()
    } finally {
      await server?.close()
    }
  })

  test.each([
    ['bad JSON', '[{"id": "greet",', 'not valid JSON'],
    ['a duplicate id', JSON.stringify([...canned, { ...canned[0], title: 'Again' }]), 'entry 2 (id "greet"): the id is already used by entry 0'],
    ['a wrong type', JSON.stringify([{ id: 'n', title: 'N', text: 5 }]), 'entry 0 (id "n"): "text" must be a non-empty string'],
    ['an oversize text', JSON.stringify([{ id: 'long', title: 'Long', text: 'x'.repeat(4_001) }]), 'entry 0 (id "long"): "text" must be a non-empty string of at most 4000 characters'],
  ])('%s: exit 2, the file and the entry named', async (_what, content, message) => {
    const { err, io: streams } = io()
    const path = file(`bad-${Math.random().toString(36).slice(2)}.json`, content)
    const before = process.exitCode
    expect(await main(['serve', '--port', '0', '--canned', path], streams)).toBeUndefined()
    expect(process.exitCode).toBe(2)
    process.exitCode = before
    expect(err.join('')).toContain(`holdline: ${path}: ${message}`)
  })

  test('as a process: a missing file is said on stderr with exit code 2', async () => {
    const missing = join(dir, 'missing.json')
    const cli = runCli(['serve', '--port', '0', '--canned', missing])
    expect(await cli.exited).toBe(2)
    expect(cli.stderr).toContain(`holdline: ${missing}: cannot read the canned responses file (ENOENT)`)
  })
})
