/**
 * Static files: the demo pages at `/` and the bundles at `/dist/`. Paths that leave the root are refused.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

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

/** A folder served under a URL prefix. */
export interface StaticMount {
  prefix: string
  root: string
}

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
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
    return true
  }
  return false
}

/** The file for `relative` inside `root` (index.html for folders), or undefined if outside or missing. */
async function resolveFile(root: string, relative: string): Promise<string | undefined> {
  const base = resolve(root)
  const target = resolve(join(base, relative))
  if (target !== base && !target.startsWith(base + sep)) return undefined
  try {
    const info = await stat(target)
    if (info.isFile()) return target
    if (!info.isDirectory()) return undefined
    const index = join(target, 'index.html')
    return (await stat(index)).isFile() ? index : undefined
  } catch {
    return undefined
  }
}
