/**
 * Where the package is installed and which version it is, read at run time from its package.json:
 * the bundles (dist/, dist/chunks/) and the sources (src/server/) both find it from their own URL.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root: above dist/ (bundled, possibly in dist/chunks/) or above src/server/. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const parts = here.split(sep)
  const dist = parts.lastIndexOf('dist')
  return dist > 0 ? parts.slice(0, dist).join(sep) : resolve(here, '..', '..')
}

let version: string | undefined

/** The version in the package's package.json. @example packageVersion() // '0.1.0' */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version
  return version
}
