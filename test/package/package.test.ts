/**
 * The package as a user installs it: `npm pack`, publint and attw on the tarball, then the tarball
 * installed into a scratch project (from npm's cache: no network beyond the npm registry). A
 * browser-only install brings no server package; CommonJS and ES module imports of every entry work;
 * the declarations type-check under `node16` and `bundler`; the server's peers, once installed, run.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const ROOT = resolve('.')
const PKG = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; peerDependencies: Record<string, string> }
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const ENTRIES = ['.', './agent', './server', './widget', './package.json']
const installed = (name: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version

let dir = ''
let tgz = ''
let packedFiles: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'holdline-package-'))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT })
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  tgz = join(dir, packed?.filename ?? '')
  packedFiles = packed?.files.map((f) => f.path) ?? []
}, 60_000)
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** npm in the scratch project, from the cache first. */
function npm(args: string[], cwd: string) {
  return run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd })
}

function node(file: string, cwd: string) {
  return run(process.execPath, [file], { cwd }).then((r) => JSON.parse(r.stdout) as Record<string, unknown>)
}

/** Type-checks under `config` (named, so that two checks can run at once); resolves with tsc's output. */
async function tsc(cwd: string, name: string, config: object): Promise<string> {
  await writeFile(join(cwd, `tsconfig.${name}.json`), JSON.stringify(config))
  return run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], { cwd }).then((r) => r.stdout, (e: { stdout: string }) => e.stdout || String(e))
}

describe('the package', () => {
  test('the tarball: LICENSE, the builds and their declarations, no sources; every source map carries its sources', async () => {
    expect(packedFiles).toContain('LICENSE')
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} holdline contributors\n/)
    for (const file of ['dist/holdline.js', 'dist/holdline.cjs', 'dist/server.cjs', 'dist/widget.cjs', 'dist/types/server/index.d.cts']) expect(packedFiles).toContain(file)
    expect(packedFiles.filter((f) => f.startsWith('src/'))).toEqual([])
    const maps = packedFiles.filter((f) => f.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(5)
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(await readFile(map, 'utf8')) as { sources: string[]; sourcesContent?: unknown[] }
      expect(sourcesContent?.length, map).toBe(sources.length)
      expect(sourcesContent?.every((s) => typeof s === 'string'), map).toBe(true)
    }
  })

  test('publint (strict) has nothing to say', async () => {
    const { publint } = await import('publint')
    const { messages } = await publint({ pkgDir: ROOT, strict: true, pack: 'npm' })
    expect(messages).toEqual([])
  })

  test('attw finds no problem on any entry, under node10, node16 (CJS and ESM) and bundler', async () => {
    const { stdout } = await run(join(ROOT, 'node_modules/.bin/attw'), [tgz, '--format', 'json'], { cwd: ROOT }).catch((e: { stdout: string }) => ({ stdout: e.stdout }))
    const result = JSON.parse(stdout) as { problems: Record<string, unknown[]> | unknown[]; analysis: { entrypoints: Record<string, unknown> } }
    expect(Object.values(result.problems).flat()).toEqual([])
    expect(Object.keys(result.analysis.entrypoints).sort()).toEqual([...ENTRIES].sort())
  })

  test('installed in a scratch project: browser-only brings no server package; imports, types, and the server once its peers are there', async () => {
    const project = join(dir, 'project')
    await run('mkdir', ['-p', project])
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, version: '1.0.0' }))
    await npm(['install', tgz], project)
    for (const peer of Object.keys(PKG.peerDependencies)) expect(existsSync(join(project, 'node_modules', peer)), peer).toBe(false)

    await writeFile(join(project, 'esm.mjs'), `
      import { createChat } from 'holdline'
      import { createAgent } from 'holdline/agent'
      import * as server from 'holdline/server'
      import pkg from 'holdline/package.json' with { type: 'json' }
      const widget = import.meta.resolve('holdline/widget')
      const missing = await server.createServer({ port: 0 }).then(() => 'started', (e) => e.message)
      const redis = await server.createRedisStore('redis://127.0.0.1:1').then(() => 'connected', (e) => e.message)
      console.log(JSON.stringify({ createChat: typeof createChat, createAgent: typeof createAgent, widget: widget.endsWith('/dist/widget.js'), version: pkg.version, missing, redis }))
    `)
    await writeFile(join(project, 'cjs.cjs'), `
      const { createChat } = require('holdline')
      const { createAgent } = require('holdline/agent')
      const server = require('holdline/server')
      const widget = require.resolve('holdline/widget')
      const { version } = require('holdline/package.json')
      server.createServer({ port: 0 }).then(() => 'started', (e) => e.message).then((missing) =>
        console.log(JSON.stringify({ createChat: typeof createChat, createAgent: typeof createAgent, widget: widget.endsWith('/dist/widget.cjs'), version, missing })))
    `)
    const wsMissing = 'holdline: holdline/server needs the package "ws", which is not installed: npm install ws'
    expect(await node('esm.mjs', project)).toEqual({
      createChat: 'function', createAgent: 'function', widget: true, version: PKG.version, missing: wsMissing,
      redis: 'holdline: the Redis store needs the package "redis", which is not installed: npm install redis',
    })
    expect(await node('cjs.cjs', project)).toEqual({ createChat: 'function', createAgent: 'function', widget: true, version: PKG.version, missing: wsMissing })

    const browser = `
      import { createChat } from 'holdline'
      import { createAgent } from 'holdline/agent'
      import type { WidgetOptions } from 'holdline/widget'
      export const chat: ReturnType<typeof createChat> = createChat({ url: 'https://chat.example.com', widgetId: 'w' })
      export const make: typeof createAgent = createAgent
      export const options: WidgetOptions | undefined = undefined
      // @ts-expect-error widgetId is required
      createChat({ url: 'https://chat.example.com' })
    `
    for (const ext of ['mts', 'cts', 'ts']) await writeFile(join(project, `browser.${ext}`), browser)
    const common = { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2022', 'dom'], types: [] as string[] }
    expect(await Promise.all([
      tsc(project, 'browser-node16', { compilerOptions: { ...common, module: 'node16', moduleResolution: 'node16' }, files: ['browser.mts', 'browser.cts'] }),
      tsc(project, 'browser-bundler', { compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler' }, files: ['browser.ts'] }),
    ])).toEqual(['', ''])

    // The server's peers (the versions tested here), and Node's types for its declarations.
    const peers = ['ws', 'prom-client', 'redis', '@types/node'].map((p) => `${p}@${installed(p)}`)
    await npm(['install', ...peers], project)
    const serve = (load: string) => `
      ${load}
      const server = await createServer({ port: 0, host: '127.0.0.1', staticRoot: false, distRoot: false })
      const ready = await (await fetch(server.url + '/readyz')).json()
      const metrics = await (await fetch(server.url + '/metrics')).text()
      await server.close()
      const redis = await createRedisStore('redis://127.0.0.1:1', { connectWaitMs: 300 }).then(() => 'connected', (e) => e.message.split(' (')[0])
      console.log(JSON.stringify({ ready, metrics: metrics.includes('holdline_store_up 1'), redis }))
    `
    await writeFile(join(project, 'serve.mjs'), serve(`import { createServer, createRedisStore } from 'holdline/server'`))
    await writeFile(join(project, 'serve.cjs'), `(async () => {${serve(`const { createServer, createRedisStore } = require('holdline/server')`)}})()`)
    const served = { ready: { ready: true }, metrics: true, redis: 'redis unreachable at redis://127.0.0.1:1' }
    expect(await node('serve.mjs', project)).toEqual(served)
    expect(await node('serve.cjs', project)).toEqual(served)
    const version = await run(process.execPath, ['node_modules/holdline/bin/holdline.js', '--version'], { cwd: project })
    expect(version.stdout).toBe(`${PKG.version}\n`)

    const serverTypes = `
      import { createServer, SERVER_DEFAULTS, type HoldlineServer, type ServerLogger } from 'holdline/server'
      export const start: (options?: Parameters<typeof createServer>[0]) => Promise<HoldlineServer> = createServer
      export const logger: ServerLogger = console
      export const port: number = SERVER_DEFAULTS.port
      // @ts-expect-error graceMs is a number of ms
      void createServer({ graceMs: 'soon' })
    `
    for (const ext of ['mts', 'cts', 'ts']) await writeFile(join(project, `server.${ext}`), serverTypes)
    const withNode = { ...common, types: ['node'] }
    expect(await Promise.all([
      tsc(project, 'server-node16', { compilerOptions: { ...withNode, module: 'node16', moduleResolution: 'node16' }, files: ['server.mts', 'server.cts'] }),
      tsc(project, 'server-bundler', { compilerOptions: { ...withNode, module: 'esnext', moduleResolution: 'bundler' }, files: ['server.ts'] }),
    ])).toEqual(['', ''])
  }, 180_000)
})
