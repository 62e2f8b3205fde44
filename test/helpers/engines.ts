/**
 * Firefox ESR and WebKitGTK (Debian's builds), driven without Playwright (its Firefox and WebKit are
 * patched builds that cannot be downloaded here). See ../shared/NOTES.md, "Other engines".
 *
 * - Firefox: puppeteer-core over WebDriver BiDi, headless.
 * - WebKit: WebKitWebDriver over plain HTTP WebDriver (raw `fetch`), MiniBrowser on an Xvfb display
 *   started here (MiniBrowser has no headless mode).
 *
 * Both give the same small surface: tabs that share one profile (one localStorage), `goto` and
 * `run` (a JavaScript expression evaluated in the page, its value returned).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import puppeteer from 'puppeteer-core'

export interface Tab {
  goto(url: string): Promise<void>
  /** Evaluates a JavaScript expression in the page and returns its (JSON) value. */
  run<T = unknown>(expression: string): Promise<T>
  close(): Promise<void>
}

export interface Engine {
  name: string
  /** A tab in the engine's one profile (tabs share storage, as two tabs of one site do). */
  newTab(): Promise<Tab>
  /** Forget every site's storage and close every tab but a blank one: the next test starts fresh. */
  reset(): Promise<void>
  close(): Promise<void>
}

export const FIREFOX_PATH = process.env.HOLDLINE_FIREFOX ?? '/usr/bin/firefox-esr'
export const MINIBROWSER_PATH = process.env.HOLDLINE_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

export async function launchFirefox(): Promise<Engine> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: { 'dom.disable_open_during_load': false },
  })
  const tabs = new Set<import('puppeteer-core').Page>()
  const wrap = (page: import('puppeteer-core').Page): Tab => ({
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' })
    },
    async run<T>(expression: string) {
      return (await page.evaluate(`(${expression})`)) as T
    },
    async close() {
      tabs.delete(page)
      await page.close().catch(() => undefined)
    },
  })
  return {
    name: 'firefox',
    async newTab() {
      const page = await browser.newPage()
      tabs.add(page)
      return wrap(page)
    },
    async reset() {
      for (const page of [...tabs]) {
        await page.evaluate('localStorage.clear(); sessionStorage.clear()').catch(() => undefined)
        await page.close().catch(() => undefined)
        tabs.delete(page)
      }
    },
    async close() {
      await browser.close().catch(() => undefined)
    },
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Starts Xvfb on a display it picks itself (`-displayfd`), returns `:N`. */
async function startXvfb(): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  })
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error('Xvfb did not report its display')), 15_000)
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)))
    child.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) {
        clearTimeout(timer)
        resolve(`:${text.trim()}`)
      }
    })
  })
  return { display, child }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
  await exited
  clearTimeout(timer)
}

export async function launchWebKit(): Promise<Engine> {
  const xvfb = await startXvfb()
  let driver: ChildProcess | undefined
  let session: string | undefined
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const call = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await res.json()) as { value: T & { error?: string; message?: string } }
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error} ${json.value?.message}`)
    return json.value
  }
  const shutdown = async (): Promise<void> => {
    if (session) await call('DELETE', `/session/${session}`).catch(() => undefined)
    session = undefined
    await stop(driver)
    await stop(xvfb.child)
  }
  try {
    driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: xvfb.display },
    })
    const deadline = Date.now() + 15_000
    for (;;) {
      const ready = await call<{ ready: boolean }>('GET', '/status').then((v) => v.ready, () => false)
      if (ready) break
      if (Date.now() > deadline || driver.exitCode !== null) throw new Error('WebKitWebDriver did not start')
      // The driver answers once it listens; there is no event to await from outside its process.
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const created = await call<{ sessionId: string }>('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
        },
      },
    })
    session = created.sessionId
  } catch (error) {
    await shutdown()
    throw error
  }
  const s = (): string => `/session/${session}`
  let current = await call<string>('GET', `${s()}/window`)
  const first = current
  const open = new Set<string>()
  const use = async (handle: string): Promise<void> => {
    if (current === handle) return
    await call('POST', `${s()}/window`, { handle })
    current = handle
  }
  const wrap = (handle: string): Tab => ({
    async goto(url) {
      await use(handle)
      await call('POST', `${s()}/url`, { url })
    },
    async run<T>(expression: string) {
      await use(handle)
      return call<T>('POST', `${s()}/execute/sync`, { script: `return (${expression})`, args: [] })
    },
    async close() {
      if (!open.delete(handle)) return
      await use(handle)
      await call('DELETE', `${s()}/window`)
      current = ''
      await use(first)
    },
  })
  let firstInUse = false
  return {
    name: 'webkit',
    async newTab() {
      if (!firstInUse) {
        firstInUse = true
        open.add(first)
        return wrap(first)
      }
      const created = await call<{ handle: string }>('POST', `${s()}/window/new`, { type: 'tab' })
      open.add(created.handle)
      return wrap(created.handle)
    },
    async reset() {
      for (const handle of [...open]) {
        if (handle === first) continue
        await wrap(handle).close()
      }
      await use(first)
      await call('POST', `${s()}/execute/sync`, { script: 'try { localStorage.clear(); sessionStorage.clear() } catch {}', args: [] }).catch(() => undefined)
      await call('POST', `${s()}/url`, { url: 'about:blank' })
      open.clear()
      firstInUse = false
    },
    close: shutdown,
  }
}
