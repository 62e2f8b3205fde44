/**
 * Runs the real `holdline` command (bin/holdline.js, on the built dist/) as a child process, as an
 * operator or a process supervisor does, and collects what it writes.
 *
 * @example
 * const cli = runCli(['serve', '--port', '0'])
 * const line = await cli.line((l) => l.includes('listening on'))
 * cli.child.kill('SIGTERM'); expect(await cli.exited).toBe(0)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/holdline.js', import.meta.url))

export interface RunningCli {
  child: ChildProcess
  /** Everything written so far. */
  readonly stdout: string
  readonly stderr: string
  /** The exit code (the signal's name if killed by one). */
  exited: Promise<number | string>
  /** The first stdout or stderr line (whole lines only) that passes `test`. */
  line(test: (line: string) => boolean, timeoutMs?: number): Promise<string>
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  const notify = (): void => waiters.forEach((w) => w())
  child.stdout?.on('data', (d: Buffer) => ((stdout += d.toString()), notify()))
  child.stderr?.on('data', (d: Buffer) => ((stderr += d.toString()), notify()))
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => (notify(), resolve(code ?? signal ?? -1))))
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited,
    line(test, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = `${stdout}${stderr}`.split('\n').slice(0, -1).find(test)
          if (found !== undefined) {
            cleanup()
            resolve(found)
          } else if (child.exitCode !== null) {
            cleanup()
            reject(new Error(`holdline exited (${child.exitCode}) without that line:\n${stdout}\n${stderr}`))
          }
        }
        const timer = setTimeout(() => (cleanup(), reject(new Error(`no such line in time:\n${stdout}\n${stderr}`))), timeoutMs)
        const cleanup = (): void => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
  }
}
