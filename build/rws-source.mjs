// reconnecting-websocket ships its TypeScript source beside a dist compiled to ES5, whose class and
// spread helpers weigh about 700 bytes gzipped in the customer bundle. This plugin builds the
// bundles from that source instead, compiled to the project's ES2020 target: the same code, version
// and behaviour, without the down-levelling.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ts from 'typescript'

const PREFIX = '\0rws-source:'
const packageDir = dirname(createRequire(import.meta.url).resolve('reconnecting-websocket/package.json'))

/** @returns {import('rollup').Plugin} */
export function reconnectingWebSocketSource() {
  return {
    name: 'reconnecting-websocket-source',
    resolveId(id, importer) {
      if (id === 'reconnecting-websocket') return `${PREFIX}${join(packageDir, 'reconnecting-websocket.ts')}`
      // Its only relative import: './events'.
      if (importer?.startsWith(PREFIX) && id.startsWith('./')) return `${PREFIX}${join(packageDir, `${id}.ts`)}`
      return null
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null
      const source = readFileSync(id.slice(PREFIX.length), 'utf8')
      const { outputText, sourceMapText } = ts.transpileModule(source, {
        fileName: id.slice(PREFIX.length),
        compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, sourceMap: true },
      })
      return { code: outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: sourceMapText }
    },
  }
}
