/**
 * HTTP routes on the server's port: health, metrics, the conversation API, the away beacon, static files.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AwayBeacon } from '../../protocol/frames.js'
import { MAX_ID_LENGTH } from '../../protocol/limits.js'
import { tabAway } from '../engine/presence.js'
import { isStoreUnavailable } from '../store/unavailable.js'
import { API_ROUTES, handleApi } from './api/routes.js'
import type { ServerContext } from './context.js'
import { originAllowed } from './origin.js'
import { packageVersion } from '../package-info.js'
import { serveStatic, versionRedirect, type StaticMount } from './static-files.js'
import { tokenMatches } from './tokens.js'

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * Handles one HTTP request. Never throws: failures answer 500/503 and are reported as `error` events.
 * @example http.createServer((req, res) => void handleHttp(ctx, mounts, req, res))
 */
export async function handleHttp(ctx: ServerContext, mounts: StaticMount[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    await route(ctx, mounts, req, res)
  } catch (error) {
    ctx.events.emit('error', { error, context: `http:${req.method} ${req.url}` })
    if (res.headersSent) res.end()
    else if (isStoreUnavailable(error)) json(res, 503, { error: 'store-unavailable' })
    else json(res, 500, { error: 'internal-error' })
  }
}

async function route(ctx: ServerContext, mounts: StaticMount[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const path = url.pathname
  if (path === '/v1/away') return away(ctx, req, res)
  if (path.startsWith('/api/')) return handleApi(ctx, req, res, url)
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method-not-allowed' })
  // Liveness: the process serves HTTP (a store outage or a drain is not a reason to restart it).
  if (path === '/healthz') return json(res, 200, { ok: true })
  if (path === '/readyz') return readiness(ctx, res)
  if (path === '/metrics') return metrics(ctx, res)
  if (path.startsWith('/v1/')) return json(res, 404, { error: 'not-found' })
  const moved = mounts.some((m) => m.prefix === '/dist/') ? versionRedirect(path, packageVersion()) : undefined
  if (moved) return void res.writeHead(302, { location: moved, 'cache-control': 'no-cache' }).end()
  if (await serveStatic(mounts, path, req, res)) return
  json(res, 404, { error: 'not-found' })
}

/**
 * Every route the server answers besides static files, as the OpenAPI document (docs/openapi.json)
 * names them; a test holds the two in step.
 */
export const HTTP_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/metrics' },
  { method: 'POST', path: '/v1/away' },
  ...API_ROUTES.map(({ method, path }) => ({ method, path })),
]

/** The store answers a readiness probe within this, or the process is not ready. */
const READY_TIMEOUT_MS = 2_000

/**
 * Readiness: 200 while this process can serve (its store answers and it is not shutting down), 503
 * otherwise, so a load balancer sends new connections elsewhere.
 */
async function readiness(ctx: ServerContext, res: ServerResponse): Promise<void> {
  const headers = { 'cache-control': 'no-store' }
  if (ctx.closing) return json(res, 503, { ready: false, reason: 'shutting-down' }, headers)
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<false>((resolvePromise) => (timer = setTimeout(() => resolvePromise(false), READY_TIMEOUT_MS)))
  // A cheap read that reaches every shard, made now (not an answer the scheduler's poll just read).
  const answered = (ctx.store.probe ? ctx.store.probe() : ctx.store.nextDeadline()).then(() => true, () => false)
  const ok = await Promise.race([answered, timedOut]).finally(() => clearTimeout(timer))
  if (ctx.closing) return json(res, 503, { ready: false, reason: 'shutting-down' }, headers)
  if (!ok) return json(res, 503, { ready: false, reason: 'store-unavailable' }, headers)
  json(res, 200, { ready: true }, headers)
}

async function metrics(ctx: ServerContext, res: ServerResponse): Promise<void> {
  const text = await ctx.metrics.render()
  res.writeHead(200, { 'content-type': ctx.metrics.contentType, 'cache-control': 'no-store' })
  res.end(text)
}

function corsHeaders(ctx: ServerContext, origin: string | undefined): Record<string, string> | undefined {
  if (!originAllowed(ctx.options.allowedOrigins, origin)) return undefined
  return {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
    vary: 'Origin',
  }
}

/** POST /v1/away: the page is leaving (sendBeacon). Starts that tab's window now. */
async function away(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const cors = corsHeaders(ctx, req.headers.origin)
  if (!cors) {
    ctx.metrics.refused('origin-forbidden')
    return json(res, 403, { error: 'origin-forbidden' })
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors)
    return void res.end()
  }
  if (req.method !== 'POST') return json(res, 405, { error: 'method-not-allowed' }, cors)
  const body = await readBody(req, ctx.options.limits.maxFrameBytes)
  const beacon = body === undefined ? undefined : parseBeacon(body)
  if (!beacon) {
    ctx.metrics.refused('bad-frame')
    return json(res, 400, { error: 'bad-frame' }, cors)
  }
  const conv = await ctx.store.get(beacon.conversationId)
  if (!conv || !tokenMatches(beacon.token, conv.tokenHash)) {
    ctx.metrics.refused('token-invalid')
    return json(res, 403, { error: 'token-invalid' }, cors)
  }
  await ctx.service.run(conv.id, (c, now) => ({ conversation: tabAway(c, beacon.tabId, now), drafts: [] }))
  res.writeHead(204, cors)
  res.end()
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => resolvePromise(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** JSON or text/plain (sendBeacon sends strings as text/plain) with the same JSON body. */
function parseBeacon(body: string): AwayBeacon | undefined {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { conversationId, token, tabId } = value as Record<string, unknown>
  const ok = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH * 2
  return ok(conversationId) && ok(token) && ok(tabId) ? { conversationId, token, tabId } : undefined
}
