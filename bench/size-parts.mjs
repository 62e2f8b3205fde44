// Where the core bundle's bytes go. The build's own pipeline (the first entry of rollup.config.mjs and the
// plugins of its minified output) runs again with a source map, and each minified character is charged to the
// source file it came from. Per file: minified bytes, and those bytes gzipped alone (gzip finds fewer repeats in
// a part than in the whole, so the parts add up to more than the bundle). Per dependency: what it adds to the
// gzipped bundle (built with and without it). Import it, or run `node bench/size-parts.mjs`.
import { rollup } from 'rollup'
import { gzipSync } from 'node:zlib'
import config from '../rollup.config.mjs'

const core = config[0]
const minified = core.output.find((o) => o.file.endsWith('.min.js'))
const DEPENDENCIES = ['reconnecting-websocket', 'nanoevents']
const gzip = (code) => gzipSync(code, { level: 9 }).length

async function build(external = []) {
  const bundle = await rollup({ input: core.input, plugins: core.plugins, external, onwarn: () => {} })
  const { output } = await bundle.generate({ ...minified, file: undefined, sourcemap: true })
  await bundle.close()
  return output[0]
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The segments of a v3 source map, as [generated line, generated column, source index or -1]. */
function* segments(mappings) {
  let source = 0
  for (const [line, text] of mappings.split(';').entries()) {
    let column = 0
    for (const segment of text.split(',')) {
      if (!segment) continue
      const fields = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) shift += 5
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = shift = 0
        }
      }
      column += fields[0]
      if (fields.length > 1) source += fields[1]
      yield [line, column, fields.length > 1 ? source : -1]
    }
  }
}

/** Source path as the repository names it (`src/client/x.ts`, `reconnecting-websocket/...`). */
const short = (path) => path.replace(/^.*?node_modules\//, '').replace(/^.*?(?=src\/)/, '')

export async function measureParts() {
  const { code, map } = await build()
  const lines = code.split('\n')
  const parts = new Map()
  const all = [...segments(map.mappings)]
  for (const [i, [line, column, source]] of all.entries()) {
    const [nextLine, nextColumn] = all[i + 1] ?? []
    const end = nextLine === line ? nextColumn : lines[line].length
    const name = source < 0 ? '(unmapped)' : short(map.sources[source])
    parts.set(name, (parts.get(name) ?? '') + lines[line].slice(column, end))
  }
  const total = gzip(code)
  const dependencies = []
  for (const dependency of DEPENDENCIES) dependencies.push({ name: dependency, gzip: total - gzip((await build([dependency])).code) })
  const files = [...parts].map(([name, text]) => ({ name, min: text.length, gzip: gzip(text) })).sort((a, b) => b.min - a.min)
  return { min: code.length, gzip: total, files, dependencies }
}

export function formatParts({ min, gzip: total, files, dependencies }) {
  const lines = [`The core as dist/holdline.min.js, rebuilt with a source map: ${min} bytes minified, ${total} gzip -9`, '', '| source | minified | gzip alone |', '|---|---:|---:|']
  for (const f of files) lines.push(`| ${f.name} | ${f.min} | ${f.gzip} |`)
  lines.push('', '| dependency | adds to the gzipped bundle |', '|---|---:|')
  for (const d of dependencies) lines.push(`| ${d.name} | ${d.gzip} |`)
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatParts(await measureParts()))
}
