// Bundles: the customer SDK (ESM, CJS, minified ESM for the size budget), the script-tag IIFE
// (SDK + widget, mounts itself), its loader (launcher first, the rest on click), the widget as ESM, the agent SDK, the agent
// console (a page's script and its stylesheet), and the Node server/CLI.
import typescript from '@rollup/plugin-typescript'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { builtinModules } from 'node:module'
import { reconnectingWebSocketSource } from './build/rws-source.mjs'
import { cssMin } from './build/css-min.mjs'
import { htmlMin } from './build/html-min.mjs'
import { readFileSync } from 'node:fs'

// inlineSources: the maps carry the TypeScript they point to (src/ is not in the package).
const ts = () => typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationMap: false, outDir: 'dist', sourceMap: true, inlineSources: true })
const browser = () => [reconnectingWebSocketSource(), cssMin(), htmlMin(), nodeResolve({ browser: true }), ts()]
// ES2020 output (tsconfig target); the browsers we support run it as is, so no down-level helpers.
// Properties are mangled only when they start with a single `_`: reconnecting-websocket marks its
// private members so, and so does the client's internal state (src/client/runtime.ts); no wire
// field or public name does. `__proto__` stays.
// reconnecting-websocket logs through `_debug` only with its `debug` option, which we never set:
// its calls (and their message strings) are dropped as pure.
const terserOptions = (module) => ({
  ecma: 2020,
  module,
  toplevel: module,
  compress: { passes: 5, pure_getters: true, unsafe_arrows: true, pure_funcs: ['this._debug', '_this._debug'] },
  mangle: { properties: { regex: /^_(?!_)/ } },
  format: { comments: false },
})
// ESM: top-level names are private to the module. IIFE: the global name it assigns must survive.
const min = terser(terserOptions(true))
const minIife = terser(terserOptions(false))
// The server's packages are optional peers (src/server/peer.ts), loaded at run time, never bundled.
// The console's stylesheet ships beside its script as a plain file: the page links it, so it is cached and
// applies before the script runs (no flash of an unstyled sign-in form).
const consoleCss = () => ({
  name: 'holdline-console-css',
  buildStart() {
    this.addWatchFile('src/console/console.css')
  },
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'holdline-console.css', source: readFileSync('src/console/console.css', 'utf8') })
  },
})
const nodeExternal = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'ws', 'redis', /^@redis\//, 'prom-client', 'jose']

export default [
  {
    input: 'src/client/index.ts',
    plugins: browser(),
    output: [
      { file: 'dist/holdline.js', format: 'es', sourcemap: true },
      { file: 'dist/holdline.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
      { file: 'dist/holdline.min.js', format: 'es', plugins: [min] },
    ],
  },
  {
    input: 'src/widget/script-tag.ts',
    plugins: browser(),
    output: [
      { file: 'dist/holdline.iife.js', format: 'iife', name: 'Holdline', plugins: [minIife], sourcemap: true },
    ],
  },
  {
    // The script-tag loader: the launcher at once, the rest (holdline.iife.js) on the first click.
    input: 'src/widget/loader.ts',
    plugins: browser(),
    output: [{ file: 'dist/holdline-loader.js', format: 'iife', plugins: [minIife] }],
  },
  {
    input: 'src/widget/index.ts',
    plugins: browser(),
    output: [
      { file: 'dist/widget.js', format: 'es', sourcemap: true },
      { file: 'dist/widget.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
      { file: 'dist/widget.min.js', format: 'es', plugins: [min] },
    ],
  },
  {
    input: 'src/agent/index.ts',
    plugins: browser(),
    output: [
      { file: 'dist/agent.js', format: 'es', sourcemap: true },
      { file: 'dist/agent.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    // The agent console (examples/agent.html): not part of the customer SDK's budgets.
    input: 'src/console/index.ts',
    plugins: [...browser(), consoleCss()],
    output: [{ file: 'dist/holdline-console.js', format: 'es', sourcemap: true, plugins: [min] }],
  },
  {
    input: { server: 'src/server/index.ts', cli: 'src/server/cli.ts' },
    external: nodeExternal,
    plugins: [nodeResolve({ preferBuiltins: true }), ts()],
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  },
  {
    // CommonJS for require('holdline/server'): the optional peers stay import()s (ws ships ESM too).
    input: 'src/server/index.ts',
    external: nodeExternal,
    plugins: [nodeResolve({ preferBuiltins: true }), ts()],
    output: { file: 'dist/server.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
  },
]
