/**
 * Size budgets of the browser bundles, gzip -9, measured on the files `npm run build` wrote (npm test
 * builds first). A bundle that grows past its budget fails the run; raise a budget only on purpose.
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const KIB = 1024

const BUDGETS = [
  // The customer SDK with its dependencies (reconnecting-websocket, nanoevents), minified;
  // `npm run bench -- size-parts` shows where the bytes go.
  { file: 'dist/holdline.min.js', gzip: 8.5 * KIB },
  // The script-tag loader: what every page downloads at once (it draws the launcher).
  { file: 'dist/holdline-loader.js', gzip: 2 * KIB },
  // The widget with the SDK and styles: fetched on the first click (or by the plain script tag).
  { file: 'dist/holdline.iife.js', gzip: 16 * KIB },
]

describe('bundle size budgets', () => {
  it.each(BUDGETS)('$file stays within its budget', ({ file, gzip }) => {
    const code = readFileSync(file)
    const size = gzipSync(code, { level: 9 }).length
    expect(size, `${file}: ${(size / KIB).toFixed(2)} KiB gzipped`).toBeLessThanOrEqual(gzip)
  })

  // Browser bundles must not pull in Node built-ins.
  it.each(['dist/holdline.js', 'dist/holdline.iife.js', 'dist/holdline-loader.js', 'dist/widget.js', 'dist/agent.js'])('%s imports no Node built-in', (file) => {
    const code = readFileSync(file, 'utf8')
    expect(code).not.toMatch(/\bfrom\s+['"](node:|ws['"]|net['"]|http['"]|crypto['"])/)
    expect(code).not.toMatch(/\brequire\(['"](node:|ws['"])/)
  })
})
