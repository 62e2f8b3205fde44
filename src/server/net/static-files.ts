/**
 * Static files: the demo pages at `/` and the bundles at `/dist/`. Paths that leave the root are refused.
 *
 * Caching, as a site embedding the widget wants it: `/dist/<file>` always serves this server's build,
 * so it may be cached briefly (5 minutes) and is then revalidated by ETag; `/dist/v<version>/<file>` names
 * one build, so it is cached for a year as immutable (a script tag pinned to a version costs no request
 * after the first). A pinned URL of another version (after an upgrade) redirects to `/dist/<file>`
 * rather than failing, and is never cached long. Pages are revalidated on every load (`no-cache` +
 * ETag). Text files are sent with brotli or gzip when the browser accepts it, compressed once per
 * file version and kept in memory.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
}

/** How a mount's files may be cached. */
export type CachePolicy = 'immutable' | 'short' | 'revalidate'

const CACHE_CONTROL: Record<CachePolicy, string> = {
  immutable: 'public, max-age=31536000, immutable',
  short: 'public, max-age=300',
  revalidate: 'no-cache',
}

/** A folder served under a URL prefix. */
export interface StaticMount {
  prefix: string
  root: string
  /** @default 'revalidate' */
  cache?: CachePolicy
}

/** Files larger than this are streamed as they are (no compression, no copy in memory). */
const MAX_CACHED_BYTES = 8 * 1024 * 1024
/** Smaller files gain nothing from compression. */
const MIN_COMPRESSED_BYTES = 1024
const MAX_ENTRIES = 500

interface Entry {
  mtimeMs: number
  size: number
  hash: string
  body: Buffer
  br?: Buffer
  gzip?: Buffer
}

const entries = new Map<string, Entry>()

/**
 * Serves `pathname` from the first mount whose prefix matches. Returns false when no file matched
 * (the caller answers 404); true when a response was sent.
 * @example await serveStatic([{ prefix: '/', root: '/srv/examples' }], '/index.html', req, res)
 */
export async function serveStatic(
  mounts: readonly StaticMount[],
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return false
  }
  if (decoded.includes('\0')) return false
  for (const mount of mounts) {
    if (!decoded.startsWith(mount.prefix)) continue
    const file = await resolveFile(mount.root, decoded.slice(mount.prefix.length))
    if (!file) continue
    await send(file.path, file.size, file.mtimeMs, mount.cache ?? 'revalidate', req, res)
    return true
  }
  return false
}

/**
 * A `/dist/v<other version>/<file>` URL: where the current build of that file is, else undefined.
 * @example versionRedirect('/dist/v0.0.9/holdline.js', '0.1.0') // '/dist/holdline.js'
 */
export function versionRedirect(pathname: string, version: string): string | undefined {
  const match = /^\/dist\/v([^/]+)\/(.+)$/.exec(pathname)
  return match && match[1] !== version ? `/dist/${match[2]}` : undefined
}

async function send(path: string, size: number, mtimeMs: number, cache: CachePolicy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
  const headers: Record<string, string | number> = { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': CACHE_CONTROL[cache] }
  if (size > MAX_CACHED_BYTES) {
    // Too big to hold: a weak validator from the file's size and time.
    const etag = `W/"${size.toString(36)}-${Math.round(mtimeMs).toString(36)}"`
    if (notModified(req, etag)) return void res.writeHead(304, { etag, 'cache-control': headers['cache-control'] as string }).end()
    res.writeHead(200, { ...headers, etag, 'content-length': size })
    return void (req.method === 'HEAD' ? res.end() : createReadStream(path).pipe(res))
  }
  const entry = await load(path, size, mtimeMs)
  const compressible = isCompressible(type) && entry.size >= MIN_COMPRESSED_BYTES
  const encoding = compressible ? pickEncoding(req.headers['accept-encoding']) : undefined
  // A strong ETag names one representation: the compressed ones get their own.
  const etag = `"${entry.hash}${encoding ? `-${encoding === 'br' ? 'br' : 'gz'}` : ''}"`
  if (compressible) headers.vary = 'Accept-Encoding'
  if (notModified(req, etag)) {
    const kept = { etag, 'cache-control': headers['cache-control'] as string, ...(compressible ? { vary: 'Accept-Encoding' } : {}) }
    return void res.writeHead(304, kept).end()
  }
  const body = encoding === 'br' ? (entry.br ??= brotli(entry.body)) : encoding === 'gzip' ? (entry.gzip ??= gzipSync(entry.body, { level: 9 })) : entry.body
  if (encoding) headers['content-encoding'] = encoding
  res.writeHead(200, { ...headers, etag, 'content-length': body.length })
  res.end(req.method === 'HEAD' ? undefined : body)
}

async function load(path: string, size: number, mtimeMs: number): Promise<Entry> {
  const known = entries.get(path)
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known
  const body = await readFile(path)
  const entry: Entry = { mtimeMs, size, body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 27) }
  if (entries.size >= MAX_ENTRIES) entries.clear()
  entries.set(path, entry)
  return entry
}

function brotli(body: Buffer): Buffer {
  return brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
}

function isCompressible(type: string): boolean {
  return type.startsWith('text/') || type.startsWith('application/json') || type.startsWith('image/svg')
}

/** brotli when accepted, else gzip when accepted (q=0 refuses), else none. */
function pickEncoding(header: string | string[] | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>()
  for (const part of String(header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined)
    if (name) accepted.set(name, q === undefined ? 1 : Number(q))
  }
  const ok = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0
  if (ok('br')) return 'br'
  if (ok('gzip')) return 'gzip'
  return undefined
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match']
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t.replace(/^W\//, '') === etag.replace(/^W\//, '')
  })
}

/** The file for `relative` inside `root` (index.html for folders), or undefined if outside or missing. */
async function resolveFile(root: string, relative: string): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  const base = resolve(root)
  const target = resolve(join(base, relative))
  if (target !== base && !target.startsWith(base + sep)) return undefined
  try {
    const info = await stat(target)
    if (info.isFile()) return { path: target, size: info.size, mtimeMs: info.mtimeMs }
    if (!info.isDirectory()) return undefined
    const index = join(target, 'index.html')
    const indexInfo = await stat(index)
    return indexInfo.isFile() ? { path: index, size: indexInfo.size, mtimeMs: indexInfo.mtimeMs } : undefined
  } catch {
    return undefined
  }
}
