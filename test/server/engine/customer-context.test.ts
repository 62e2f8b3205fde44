import { describe, expect, it } from 'vitest'
import { MAX_PAGES, MAX_USER_AGENT_LENGTH } from '../../../src/protocol/context.js'
import { customerChanged, recordContext } from '../../../src/server/engine/customer-context.js'

const page = (n: number) => ({ url: `https://shop.example/${n}`, title: `P${n}` })

describe('recordContext', () => {
  it('records the browser (cut), the name and the page, at the time given', () => {
    const customer = recordContext({}, { userAgent: 'u'.repeat(MAX_USER_AGENT_LENGTH + 10), name: 'Ana', page: page(1) }, 1_000)
    expect(customer).toEqual({ userAgent: 'u'.repeat(MAX_USER_AGENT_LENGTH), name: 'Ana', pages: [{ ...page(1), at: 1_000 }] })
  })

  it('returns the same record when nothing is new: the same page again is no new visit', () => {
    const customer = recordContext({}, { userAgent: 'UA', page: page(1) }, 1_000)
    expect(recordContext(customer, { userAgent: 'UA', page: page(1) }, 2_000)).toBe(customer)
    expect(recordContext(customer, {}, 2_000)).toBe(customer)
    // Another title on the same URL is another visit (an SPA that changed its view).
    expect(recordContext(customer, { page: { ...page(1), title: 'Other' } }, 2_000).pages).toHaveLength(2)
  })

  it(`keeps the last ${MAX_PAGES} pages, newest last`, () => {
    let customer = {}
    for (let n = 1; n <= MAX_PAGES + 3; n += 1) customer = recordContext(customer, { page: page(n) }, n)
    const pages = recordContext(customer, {}, 0).pages ?? []
    expect(pages).toHaveLength(MAX_PAGES)
    expect(pages[0]).toEqual({ ...page(4), at: 4 })
    expect(pages.at(-1)).toEqual({ ...page(MAX_PAGES + 3), at: MAX_PAGES + 3 })
  })
})

describe('customerChanged', () => {
  it('tells a change by value (records that came through JSON are other objects)', () => {
    const before = recordContext({}, { userAgent: 'UA', page: page(1) }, 1)
    expect(customerChanged(before, JSON.parse(JSON.stringify(before)))).toBe(false)
    expect(customerChanged(before, recordContext(before, { page: page(2) }, 2))).toBe(true)
    expect(customerChanged(before, { ...before, name: 'Ana' })).toBe(true)
    // Bounded and full: the length stays, the newest differs.
    let full = {}
    for (let n = 1; n <= MAX_PAGES; n += 1) full = recordContext(full, { page: page(n) }, n)
    expect(customerChanged(full, recordContext(full, { page: page(99) }, 99))).toBe(true)
  })
})
