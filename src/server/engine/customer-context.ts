/**
 * Customer context: what the agent console is told of the customer besides the transcript. The
 * pages visited are a bounded list, newest last; a page reported again (a reload, a second tab on
 * it, a hello after a reconnect) is not a new visit.
 */
import { MAX_PAGES, MAX_USER_AGENT_LENGTH, type CustomerDetails, type PageInfo } from '../../protocol/context.js'
import type { Conversation } from './types.js'

/** What a customer connection reports: its browser, the name given, the page it is on. */
export interface ContextReport {
  userAgent?: string | undefined
  name?: string | undefined
  page?: PageInfo | undefined
}

/**
 * `customer` with `report` recorded at `now`; `customer` itself (the same object) when it already
 * says all of it, so that nothing is written or told.
 *
 * @example
 * recordContext({}, { page: { url: 'https://shop.example/cart', title: 'Cart' } }, 1000)
 * // { pages: [{ url: 'https://shop.example/cart', title: 'Cart', at: 1000 }] }
 */
export function recordContext(customer: CustomerDetails, report: ContextReport, now: number): CustomerDetails {
  let next = customer
  const userAgent = report.userAgent?.slice(0, MAX_USER_AGENT_LENGTH)
  if (userAgent && userAgent !== customer.userAgent) next = { ...next, userAgent }
  if (report.name !== undefined && report.name !== customer.name) next = { ...next, name: report.name }
  const page = report.page
  const last = customer.pages?.at(-1)
  if (page && (last?.url !== page.url || last.title !== page.title)) {
    const pages = [...(customer.pages ?? []), { url: page.url, title: page.title, at: now }]
    next = { ...next, pages: pages.slice(-MAX_PAGES) }
  }
  return next
}

/** The conversation with `report` recorded; `conv` itself when that changes nothing. */
export function withContext(conv: Conversation, report: ContextReport, now: number): Conversation {
  const customer = recordContext(conv.customer, report, now)
  return customer === conv.customer ? conv : { ...conv, customer }
}

/**
 * Whether two records of one conversation's customer differ. Cheap, for every change the store fans
 * out (most are heartbeats): pages only grow at the end, so the newest one tells a new visit.
 */
export function customerChanged(before: CustomerDetails, after: CustomerDetails): boolean {
  if (before === after) return false
  const a = before.pages?.at(-1)
  const b = after.pages?.at(-1)
  return (
    before.name !== after.name || before.email !== after.email || before.sub !== after.sub || before.userAgent !== after.userAgent ||
    before.pages?.length !== after.pages?.length || a?.at !== b?.at || a?.url !== b?.url || a?.title !== b?.title
  )
}
