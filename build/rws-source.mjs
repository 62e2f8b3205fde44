// reconnecting-websocket ships its TypeScript source beside a dist compiled to ES5, whose class and
// spread helpers weigh about 700 bytes gzipped in the customer bundle. This plugin builds the
// bundles from that source instead, compiled to the project's ES2020 target: the same code, version
// and behaviour, without the down-levelling. Public members the transport never uses (it reads
// `readyState` and `retryCount`, calls `send` and `close`, and sets the `on*` handlers), and the
// debug logging the `debug` option (never set) would switch on, are left out of the class: terser
// cannot drop a class's unused methods, and they weighed about 200 bytes gzipped.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ts from 'typescript'

const PREFIX = '\0rws-source:'

/** Members of ReconnectingWebSocket nothing in holdline calls. */
const UNUSED = new Set(['binaryType', 'bufferedAmount', 'extensions', 'protocol', 'url', 'reconnect', 'addEventListener', 'removeEventListener', 'dispatchEvent', '_debug'])

const isDebugCall = (node) =>
  ts.isExpressionStatement(node) && ts.isCallExpression(node.expression) && ts.isPropertyAccessExpression(node.expression.expression) &&
  node.expression.expression.expression.kind === ts.SyntaxKind.ThisKeyword && node.expression.expression.name.text === '_debug'

/** Drops the UNUSED members of the class, and the `this._debug(...)` statements. */
const stripUnused = (context) => (sourceFile) => {
  const visit = (node) => {
    if (isDebugCall(node)) return undefined
    if (ts.isClassDeclaration(node)) {
      const members = node.members.filter((m) => !(m.name && ts.isIdentifier(m.name) && UNUSED.has(m.name.text)))
      node = ts.factory.updateClassDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, members)
    }
    return ts.visitEachChild(node, visit, context)
  }
  return ts.visitNode(sourceFile, visit)
}
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
      const file = id.slice(PREFIX.length)
      const source = readFileSync(file, 'utf8')
      const { outputText, sourceMapText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, sourceMap: true },
        transformers: file.endsWith('reconnecting-websocket.ts') ? { before: [stripUnused] } : undefined,
      })
      return { code: outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: sourceMapText }
    },
  }
}
