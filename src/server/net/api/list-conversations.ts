/**
 * `GET /api/conversations`: filtered by state, agent, customer `sub` and creation time, newest
 * first, a page at a time.
 */
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../../protocol/frames.js'
import type { Conversation } from '../../engine/types.js'
import { summaryOf } from '../../webhooks/events-of.js'
import type { ServerContext } from '../context.js'
import { mayRead, type Caller } from './caller.js'
import { cursorAfter, isAfter, newestFirst, readCursor, type CursorKey } from './cursor.js'
import { BadQuery } from './respond.js'

/** Page size when `limit` is not given, and the largest allowed. */
export const LIST_LIMITS = { default: 50, max: 200 } as const

const PARAMS = new Set(['state', 'agent', 'sub', 'from', 'to', 'cursor', 'limit'])

/** A parsed list query. */
export interface ListQuery {
  states: readonly ConversationStatus[] | undefined
  agentId: string | undefined
  sub: string | undefined
  /** createdAt >= from (ms). */
  from: number | undefined
  /** createdAt < to (ms). */
  to: number | undefined
  after: CursorKey | undefined
  limit: number
}

/** Reads the query string; throws BadQuery naming the parameter that is wrong. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  for (const key of params.keys()) if (!PARAMS.has(key)) throw new BadQuery(`unknown parameter ${key} (known: ${[...PARAMS].join(', ')})`)
  const one = (key: string): string | undefined => {
    const values = params.getAll(key)
    if (values.length > 1) throw new BadQuery(`${key} given more than once`)
    if (values[0] === '') throw new BadQuery(`${key} is empty`)
    return values[0]
  }
  const states = params.getAll('state').flatMap((v) => v.split(','))
  for (const s of states) if (!(CONVERSATION_STATUSES as readonly string[]).includes(s)) throw new BadQuery(`state must be among ${CONVERSATION_STATUSES.join(', ')}`)
  const cursor = one('cursor')
  const limitText = one('limit')
  const limit = limitText === undefined ? LIST_LIMITS.default : Number(limitText)
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIST_LIMITS.max || !/^\d+$/.test(limitText ?? '1')) throw new BadQuery(`limit must be a whole number from 1 to ${LIST_LIMITS.max}`)
  const from = time('from', one('from'))
  const to = time('to', one('to'))
  if (from !== undefined && to !== undefined && from >= to) throw new BadQuery('from must be before to')
  return {
    states: states.length > 0 ? [...new Set(states)] as ConversationStatus[] : undefined,
    agentId: one('agent'),
    sub: one('sub'),
    from,
    to,
    after: cursor === undefined ? undefined : readCursor(cursor),
    limit,
  }
}

/** A time parameter: ms since the epoch, or an ISO 8601 date-time. */
function time(key: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN
  if (!Number.isSafeInteger(ms)) throw new BadQuery(`${key} must be ms since the epoch or an ISO 8601 date-time`)
  return ms
}

/** The page the query asks for, of the conversations `caller` may read. */
export async function listPage(ctx: ServerContext, caller: Caller, q: ListQuery): Promise<{ conversations: ReturnType<typeof summaryOf>[]; nextCursor: string | null }> {
  const candidates = await ctx.store.listConversations({ ...(q.states ? { statuses: q.states } : {}), ...(q.agentId !== undefined ? { agentId: q.agentId } : {}) })
  const matching = candidates.filter((c) => matches(c, q) && mayRead(caller, c)).sort(newestFirst)
  const page = matching.slice(0, q.limit)
  const last = page[page.length - 1]
  return { conversations: page.map(summaryOf), nextCursor: last && matching.length > q.limit ? cursorAfter(last) : null }
}

function matches(conv: Conversation, q: ListQuery): boolean {
  const sub = (conv.customer as { sub?: string }).sub
  return (q.sub === undefined || sub === q.sub)
    && (q.from === undefined || conv.createdAt >= q.from)
    && (q.to === undefined || conv.createdAt < q.to)
    && (q.after === undefined || isAfter(conv, q.after))
}
