import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkCannedResponses, readCannedFile } from '../../src/server/canned.js'
import { resolveOptions } from '../../src/server/options.js'

const ok = { id: 'greet', title: 'Greeting', text: 'Hi {{name}}!' }
const check = (value: unknown) => () => checkCannedResponses(value, 'canned.json', 4_000)

describe('canned responses, checked at start-up', () => {
  it('accepts an array of { id, title, text } and keeps only those fields', () => {
    expect(checkCannedResponses([ok, { id: 'bye', title: 'Bye', text: 'Bye!' }], 'x', 4_000)).toEqual([ok, { id: 'bye', title: 'Bye', text: 'Bye!' }])
    expect(resolveOptions({ cannedResponses: [ok] }).cannedResponses).toEqual([ok])
    expect(resolveOptions({}).cannedResponses).toEqual([])
  })

  it('names the place and the entry of each mistake', () => {
    expect(check({ id: 'x' })).toThrow('holdline: canned.json: canned responses must be a JSON array of { id, title, text }')
    expect(check([ok, 'text'])).toThrow('canned.json: entry 1 must be an object { id, title, text }')
    expect(check([{ ...ok, id: 7 }])).toThrow('canned.json: entry 0: "id" must be a non-empty string of at most 64 characters')
    expect(check([{ ...ok, title: '' }])).toThrow('canned.json: entry 0 (id "greet"): "title" must be a non-empty string')
    expect(check([{ id: 'a', title: 'A' }])).toThrow('entry 0 (id "a"): "text" must be a non-empty string of at most 4000 characters')
    expect(check([{ ...ok, text: 'x'.repeat(4_001) }])).toThrow('entry 0 (id "greet"): "text" must be a non-empty string of at most 4000')
    expect(check([{ ...ok, id: 'x'.repeat(65) }])).toThrow('"id" must be a non-empty string of at most 64 characters')
    expect(check([{ ...ok, title: 'x'.repeat(121) }])).toThrow('"title" must be a non-empty string of at most 120 characters')
    expect(check([{ ...ok, body: 'x' }])).toThrow('entry 0 (id "greet") has an unknown field "body"')
    expect(check([ok, { ...ok, title: 'Again' }])).toThrow('canned.json: entry 1 (id "greet"): the id is already used by entry 0')
    expect(check(Array.from({ length: 501 }, (_, i) => ({ ...ok, id: `c${i}` })))).toThrow('at most 500 canned responses (there are 501)')
  })

  it('the option is checked against the configured text limit', () => {
    expect(() => resolveOptions({ cannedResponses: [{ ...ok, text: 'x'.repeat(101) }], limits: { maxTextLength: 100 } })).toThrow(
      'holdline: cannedResponses: entry 0 (id "greet"): "text" must be a non-empty string of at most 100 characters',
    )
  })

  it('reads a file: unreadable and bad JSON are said with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdline-canned-'))
    const good = join(dir, 'good.json')
    writeFileSync(good, JSON.stringify([ok]))
    expect(readCannedFile(good, 4_000)).toEqual([ok])
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '[{"id": "a",')
    expect(() => readCannedFile(broken, 4_000)).toThrow(`holdline: ${broken}: not valid JSON`)
    expect(() => readCannedFile(join(dir, 'missing.json'), 4_000)).toThrow(`${join(dir, 'missing.json')}: cannot read the canned responses file (ENOENT)`)
  })
})
