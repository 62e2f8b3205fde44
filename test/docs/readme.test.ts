/** The README's options tables list exactly the options the code has, with the same defaults. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULTS as CLIENT_DEFAULTS } from '../../src/client/index.js'
import { ERROR_CODES } from '../../src/protocol/codes.js'
import { SERVER_DEFAULTS } from '../../src/server/index.js'

const readme = readFileSync('README.md', 'utf8')

/** First-column option names of the table that follows `heading`. */
function tableKeys(heading: string): string[] {
  const start = readme.indexOf(heading)
  expect(start, `README has "${heading}"`).toBeGreaterThan(-1)
  const lines = readme.slice(start).split('\n').slice(1)
  const table = lines.slice(lines.findIndex((l) => l.startsWith('|')))
  return table
    .slice(2, table.findIndex((l) => !l.startsWith('|')))
    .map((l) => /^\| `([^`]+)`/.exec(l)?.[1])
    .filter((k): k is string => k !== undefined)
}

describe('README', () => {
  it('lists every createChat default, and only those, with its value', () => {
    const keys = tableKeys('`createChat(options)`')
    expect(keys.sort()).toEqual(Object.keys(CLIENT_DEFAULTS).sort())
    for (const [key, value] of Object.entries(CLIENT_DEFAULTS)) {
      expect(readme).toContain(`| \`${key}\` | \`${typeof value === 'string' ? `'${value}'` : value}\` |`)
    }
  })

  it('lists every server option, and only those', () => {
    const keys = tableKeys('`createServer(options)` and `holdline serve`')
    expect(keys.sort()).toEqual(Object.keys(SERVER_DEFAULTS).sort())
  })

  it('lists every wire error code in its error table', () => {
    const codes = tableKeys('## Error codes')
    for (const code of ERROR_CODES) expect(codes, code).toContain(code)
  })
})

describe('README, widget', () => {
  it('documents every CSS custom property the widget reads', async () => {
    const { STYLES } = await import('../../src/widget/styles.js')
    const properties = new Set(STYLES.match(/--holdline-[a-z-]+/g))
    expect(properties.size).toBeGreaterThan(10)
    for (const property of properties) expect(readme, property).toContain(`\`${property}\``)
  })

  it('documents every script-tag data attribute the widget maps to an element attribute', async () => {
    const { ELEMENT_ATTRIBUTES } = await import('../../src/widget/page-attributes.js')
    for (const pair of ELEMENT_ATTRIBUTES.split(' ')) {
      const data = pair.split(':')[0]!
      const name = `data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
      expect(readme, name).toContain(`\`${name}\``)
    }
  })
})
