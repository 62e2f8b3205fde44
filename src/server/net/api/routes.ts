/**
 * The back-office API under `/api/`: one table of routes (the OpenAPI document, docs/openapi.json,
 * is checked against it), Bearer tokens of admins or agents, JSON errors with stable codes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ServerContext } from '../context.js'
import { listAgents } from './agents-route.js'
import { callerOf, type Caller } from './caller.js'
import { closeConversation, getConversation, getTranscript, getTranscriptText } from './conversation-routes.js'
import { listPage, parseListQuery } from './list-conversations.js'
import { apiError, BadQuery, sendJson } from './respond.js'

interface Call {
  ctx: ServerContext
  caller: Caller
  params: string[]
  query: URLSearchParams
  res: ServerResponse
}

/** One API route: its method, its path as OpenAPI writes it, and who may call it. */
export interface ApiRoute {
  method: 'GET' | 'POST'
  path: string
  adminOnly?: true
  handle(call: Call): Promise<void>
}

/** Every API route. */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/api/conversations', handle: async ({ ctx, caller, query, res }) => sendJson(res, 200, await listPage(ctx, caller, parseListQuery(query))) },
  { method: 'GET', path: '/api/conversations/{id}', handle: ({ ctx, caller, params, res }) => getConversation(ctx, caller, params[0]!, res) },
  { method: 'GET', path: '/api/conversations/{id}/transcript', handle: ({ ctx, caller, params, res }) => getTranscript(ctx, caller, params[0]!, res) },
  { method: 'GET', path: '/api/conversations/{id}/transcript.txt', handle: ({ ctx, caller, params, res }) => getTranscriptText(ctx, caller, params[0]!, res) },
  { method: 'POST', path: '/api/conversations/{id}/close', handle: ({ ctx, caller, params, res }) => closeConversation(ctx, caller, params[0]!, res) },
  { method: 'GET', path: '/api/agents', adminOnly: true, handle: ({ ctx, res }) => listAgents(ctx, res) },
]

/** `{id}` matches one path segment. */
const PATTERNS = API_ROUTES.map((route) => new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '([^/]+)')}$`))

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/**
 * Answers a request under `/api/`.
 * @example await handleApi(ctx, req, res, url)
 */
export async function handleApi(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const matched = API_ROUTES.flatMap((route, i) => {
    const m = PATTERNS[i]!.exec(url.pathname)
    return m ? [{ route, params: m.slice(1).map(decoded) }] : []
  })
  if (matched.length === 0) return apiError(res, 'not-found', 'no such route')
  if (matched.some((m) => m.params.includes(undefined))) return apiError(res, 'bad-query', 'the path is not valid percent-encoding')
  const method = req.method === 'HEAD' ? 'GET' : req.method
  const hit = matched.find((m) => m.route.method === method)
  if (!hit) return apiError(res, 'method-not-allowed', `use ${matched.map((m) => m.route.method).join(', ')}`, { allow: matched.map((m) => m.route.method).join(', ') })
  const caller = callerOf(ctx, req)
  if (!caller) return apiError(res, 'unauthorized', 'an agent or admin token is required', { 'www-authenticate': 'Bearer' })
  if (hit.route.adminOnly && caller.kind !== 'admin') return apiError(res, 'forbidden', 'this route needs an admin token')
  try {
    await hit.route.handle({ ctx, caller, params: hit.params as string[], query: url.searchParams, res })
  } catch (error) {
    if (error instanceof BadQuery) return apiError(res, 'bad-query', error.message)
    throw error
  }
}
