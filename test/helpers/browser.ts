/**
 * Debian's Chromium driven by playwright-core (no browser download is possible here).
 *
 * - `launchBrowser()`: Playwright's own launch. Pages are always visible and never frozen there
 *   (Playwright forces focus emulation), which suits reloads, offline and back/forward cache tests.
 * - `launchLifecycleBrowser()`: Chromium started by hand and attached over CDP, so that opening a second
 *   page really hides the first (`visibilitychange`) and `Page.setWebLifecycleState` really freezes it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.HOLDLINE_CHROMIUM ?? '/usr/bin/chromium'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launch Chromium through Playwright, with the back/forward cache on (Playwright turns it off by default). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, ignoreDefaultArgs: ['--disable-back-forward-cache'] })
}

export interface LifecycleBrowser {
  browser: Browser
  context: BrowserContext
  close(): Promise<void>
}

/** Chromium spawned by hand and attached over CDP: real visibility changes and freezing. */
export async function launchLifecycleBrowser(): Promise<LifecycleBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'holdline-chromium-'))
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [...FLAGS, `--user-data-dir=${dir}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'],
    { stdio: 'ignore' },
  )
  const port = await readDevToolsPort(dir, child)
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true } as never)
  const context = browser.contexts()[0] ?? (await browser.newContext())
  return {
    browser,
    context,
    async close() {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))
      await browser.close().catch(() => undefined)
      child.kill('SIGKILL')
      await exited
      // Chromium's helper processes can still be writing into the profile for a moment after the
      // main process is gone; a leftover temporary folder must not fail the run.
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(() => undefined)
    },
  }
}

async function readDevToolsPort(dir: string, child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chromium exited with ${child.exitCode}`)
    const text = await readFile(join(dir, 'DevToolsActivePort'), 'utf8').catch(() => '')
    const port = Number(text.split('\n')[0])
    if (port > 0) return port
    // Chromium writes the file once it listens; there is no event to await from outside the process.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('chromium did not report its DevTools port')
}

/** Freeze or unfreeze a page as the browser does to background tabs (fires `freeze` / `resume`). */
export async function setFrozen(page: Page, frozen: boolean): Promise<void> {
  const session = await page.context().newCDPSession(page)
  await session.send('Page.setWebLifecycleState', { state: frozen ? 'frozen' : 'active' })
  await session.detach()
}

/** Save a screenshot for a failed test under test-results/. */
export async function screenshotOnFailure(page: Page | undefined, name: string): Promise<void> {
  if (!page || page.isClosed()) return
  await mkdir('test-results', { recursive: true })
  await page.screenshot({ path: join('test-results', `${name.replace(/[^a-z0-9-]+/gi, '_')}.png`) }).catch(() => undefined)
}
