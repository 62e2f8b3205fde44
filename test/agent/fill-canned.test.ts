import { describe, expect, it } from 'vitest'
import { fillCanned } from '../../src/agent/index.js'

const named = (name?: string) => ({ customer: name === undefined ? {} : { name } })

describe('fillCanned', () => {
  it("fills {{name}} with the customer's name, every time, spaces inside the braces allowed", () => {
    expect(fillCanned('Hi {{name}}, how can I help?', named('Ana'))).toBe('Hi Ana, how can I help?')
    expect(fillCanned('{{ name }}: thanks, {{name}}!', named('Ana'))).toBe('Ana: thanks, Ana!')
  })

  it('takes a name as text, not as a replacement pattern', () => {
    expect(fillCanned('Hi {{name}}.', named("$& $' $1"))).toBe("Hi $& $' $1.")
  })

  it('without a name, drops the placeholder with the comma and spaces around it', () => {
    const cases: Array<[string, string]> = [
      ['Hi {{name}}, how can I help?', 'Hi, how can I help?'],
      ['Thanks, {{name}}!', 'Thanks!'],
      ['Thanks {{name}}.', 'Thanks.'],
      ['Sure, {{name}}, I will check.', 'Sure, I will check.'],
      ['Hello {{name}} and welcome', 'Hello and welcome'],
      ['Bye {{name}}', 'Bye'],
      ['{{name}}, thanks for waiting.', 'Thanks for waiting.'],
      ['{{name}}: your order shipped.', 'Your order shipped.'],
      ['Dear customer,\n{{name}}, we are sorry.', 'Dear customer,\nWe are sorry.'],
      ['{{name}}', ''],
      ['No placeholder here.', 'No placeholder here.'],
    ]
    for (const [text, filled] of cases) expect(fillCanned(text, named()), text).toBe(filled)
  })

  it('a blank name counts as unknown; other placeholders stay as they are', () => {
    expect(fillCanned('Hi {{name}}, see {{link}}', named('  '))).toBe('Hi, see {{link}}')
  })
})
