/**
 * The folders show the architecture, and the imports keep to it: no file reaches back into one that
 * imports it (no circle, type imports included), the agent SDK shares the transport rather than
 * reaching into the customer SDK, the console uses the agent SDK and the protocol only, and the browser code
 * never imports the server.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve('src')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

/** Each source file (relative to src/) with the files of ours it imports. */
const graph = new Map(
  sources(SRC).map((file) => {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) =>
      relative(SRC, resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))),
    )
    return [relative(SRC, file), targets] as const
  }),
)

function cycles(): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string): void => {
    if (state.get(file) === 'done') return
    if (state.get(file) === 'open') return void found.push([...path.slice(path.indexOf(file)), file])
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) visit(next)
    path.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) visit(file)
  return found
}

describe('imports', () => {
  it('form no circle', () => {
    expect(cycles().map((c) => c.join(' -> '))).toEqual([])
  })

  it('keep each side in its place', () => {
    for (const [file, targets] of graph) {
      // The console is an app on the agent SDK: it reaches nothing else (no transport, client or server).
      if (file.startsWith('console/')) expect(targets.every((t) => /^(console|agent|protocol)\//.test(t)), file).toBe(true)
      if (file.startsWith('agent/')) expect(targets.filter((t) => t.startsWith('client/')), file).toEqual([])
      if (/^(client|widget|agent|transport)\//.test(file)) expect(targets.filter((t) => t.startsWith('server/')), file).toEqual([])
      if (file.startsWith('protocol/')) expect(targets.every((t) => t.startsWith('protocol/')), file).toBe(true)
      if (file.startsWith('transport/')) expect(targets.every((t) => /^(transport|protocol)\//.test(t)), file).toBe(true)
    }
  })
})
