/**
 * promtool (Debian's `prometheus` package) for checking `/metrics`. Found as `$HOLDLINE_PROMTOOL`,
 * on PATH, or unpacked in node_modules/.cache/promtool; otherwise fetched with `apt-get download
 * prometheus` and unpacked there with `dpkg -x` (no service installed). When none of that works the
 * caller's test fails, saying why: the check is never skipped. `.ci/run` fetches it ahead.
 *
 * @example expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' })
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const CACHE = resolve('node_modules/.cache/promtool')
const UNPACKED = join(CACHE, 'usr/bin/promtool')

let found: Promise<string> | undefined

/** The promtool binary's path. */
export function promtool(): Promise<string> {
  return (found ??= locate())
}

async function locate(): Promise<string> {
  if (process.env.HOLDLINE_PROMTOOL) return process.env.HOLDLINE_PROMTOOL
  const onPath = await run('sh', ['-c', 'command -v promtool']).then((r) => r.stdout.trim(), () => '')
  if (onPath) return onPath
  if (existsSync(UNPACKED)) return UNPACKED
  await mkdir(CACHE, { recursive: true })
  try {
    await run('apt-get', ['download', 'prometheus'], { cwd: CACHE })
    const deb = (await readdir(CACHE)).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'))
    if (!deb) throw new Error('apt-get download left no .deb')
    await run('dpkg', ['-x', deb, '.'], { cwd: CACHE })
    await rm(join(CACHE, deb))
  } catch (error) {
    throw new Error(`promtool is needed to check /metrics and could not be obtained (apt-get download prometheus && dpkg -x): ${(error as Error).message}. Run .ci/run, or set HOLDLINE_PROMTOOL.`)
  }
  if (!existsSync(UNPACKED)) throw new Error(`the prometheus package held no ${UNPACKED}`)
  return UNPACKED
}

/** `promtool check metrics` on `text` (its stdin): the exit code and everything it said. */
export async function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(await promtool(), ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  child.stdin.end(text)
  const code = await new Promise<number | null>((r) => child.once('close', r))
  return { code, output }
}

/** Samples of the Prometheus text format: `name{labels} value` lines, comments skipped. */
export function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text.split('\n').flatMap((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) return []
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]))
    return [{ name: m[1] ?? '', labels, value: Number(m[3]) }]
  })
}
