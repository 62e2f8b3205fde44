// Bundle size, side by side: each library bundled the same way in this run (rollup + node-resolve for the
// browser + commonjs + terser), then gzip -9 and brotli (max quality). Prints a table with ratios against
// holdline's core. Import it, or run `node bench/size.mjs`.
import { rollup } from 'rollup'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import commonjs from '@rollup/plugin-commonjs'
import terser from '@rollup/plugin-terser'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** What each entry exports: the smallest import a user of that library writes to open a connection. */
export const ENTRIES = [
  { name: 'holdline core', code: `export { createChat } from '${root}dist/holdline.js'`, needs: 'dist/holdline.js' },
  { name: 'holdline core + widget', code: `export { mountWidget } from '${root}dist/widget.js'`, needs: 'dist/widget.js' },
  { name: 'socket.io-client 4', code: `export { io } from 'socket.io-client'` },
  { name: 'partysocket', code: `export { WebSocket } from 'partysocket'` },
  { name: 'centrifuge', code: `export { Centrifuge } from 'centrifuge'` },
  { name: 'ably (modular realtime)', code: `export { BaseRealtime, WebSocketTransport, FetchRequest } from 'ably/modular'` },
  { name: 'ably', code: `export { Realtime } from 'ably'` },
]

/** Figures quoted, not run here (the packages load more code at run time or need React). */
export const QUOTED = [
  { name: '@microsoft/omnichannel-chat-sdk 1.11', gzip: 311 * 1024, note: 'measured once with the same pipeline; loads more scripts at run time' },
  { name: '@microsoft/omnichannel-chat-widget 1.8', gzip: 1.9 * 1024 * 1024, note: 'with React; measured once with the same pipeline' },
]

async function bundle(code) {
  const bundleResult = await rollup({
    input: 'entry',
    plugins: [
      { name: 'entry', resolveId: (id) => (id === 'entry' ? id : null), load: (id) => (id === 'entry' ? code : null) },
      nodeResolve({ browser: true, preferBuiltins: false }),
      commonjs(),
      terser({ format: { comments: false } }),
    ],
    onwarn: () => {},
  })
  const { output } = await bundleResult.generate({ format: 'es' })
  await bundleResult.close()
  return output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('')
}

function sizes(code) {
  const bytes = Buffer.from(code)
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

export async function measureSizes() {
  const rows = []
  for (const entry of ENTRIES) {
    if (entry.needs && !existsSync(root + entry.needs)) continue
    try {
      rows.push({ name: entry.name, ...sizes(await bundle(entry.code)) })
    } catch (error) {
      rows.push({ name: entry.name, error: String(error?.message ?? error).split('\n')[0] })
    }
  }
  return rows
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`

export function formatSizes(rows) {
  const base = rows.find((r) => r.name === 'holdline core')
  const lines = ['| bundle | minified | gzip -9 | brotli | gzip vs holdline core |', '|---|---:|---:|---:|---:|']
  for (const r of rows) {
    if (r.error) { lines.push(`| ${r.name} | failed: ${r.error} | | | |`); continue }
    lines.push(`| ${r.name} | ${kb(r.min)} | ${kb(r.gzip)} | ${kb(r.brotli)} | ${base ? `${(r.gzip / base.gzip).toFixed(2)}x` : ''} |`)
  }
  for (const q of QUOTED) lines.push(`| ${q.name} (quoted) | | ${kb(q.gzip)} | | ${base ? `${(q.gzip / base.gzip).toFixed(0)}x` : ''} |`)
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatSizes(await measureSizes()))
}
