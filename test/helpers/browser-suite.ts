/**
 * The lifecycle every browser test file shares: one browser for the file, and after each test a
 * screenshot of the page under test if it failed, then everything the test opened closed again.
 */
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { launchBrowser, screenshotOnFailure } from './browser.js'

interface Closable {
  close(): unknown
}

/** The file's browser and what a test registers to be cleaned up after it. */
export interface BrowserSuite<B> {
  /** The browser launched for the file (set once `beforeAll` has run). */
  readonly browser: B
  /** The page screenshotted if the current test fails. */
  readonly page: Page | undefined
  /** Screenshot this page, rather than the last one opened, if the current test fails. */
  watch(page: Page): void
  /** Close `thing` after the current test; returns it. */
  closes<T extends Closable>(thing: T): T
  /**
   * Run `cleanup` after the current test. After the screenshot, the contexts from `open` close first
   * (the pages go before what they talk to), then the cleanups run newest first.
   */
  defer(cleanup: () => unknown): void
}

/** A suite on Playwright's own launch, which can open a fresh context per page. */
export interface PlaywrightSuite extends BrowserSuite<Browser> {
  /** A page in a new context; the context is closed after the test and the page is the one watched. */
  open(options?: BrowserContextOptions): Promise<Page>
}

/** Register the file's hooks: launch before all tests, clean up after each, close the browser at the end. */
export function useBrowser(): PlaywrightSuite
export function useBrowser<B extends Closable>(launch: () => Promise<B>): BrowserSuite<B>
export function useBrowser<B extends Closable>(launch?: () => Promise<B>): BrowserSuite<B> {
  let browser: B | undefined
  let page: Page | undefined
  let contexts: (() => unknown)[] = []
  let cleanups: (() => unknown)[] = []

  beforeAll(async () => {
    browser = await (launch ?? (launchBrowser as unknown as () => Promise<B>))()
  })
  afterAll(async () => {
    await browser?.close()
  })
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotOnFailure(page, ctx.task.name)
    const pending = [...contexts.reverse(), ...cleanups.reverse()]
    contexts = []
    cleanups = []
    page = undefined
    // Every cleanup runs even if one fails, so that one test's leftovers cannot leak into the next.
    let failure: unknown
    for (const cleanup of pending) {
      try {
        await cleanup()
      } catch (error) {
        failure ??= error
      }
    }
    if (failure !== undefined) throw failure
  })

  const suite: PlaywrightSuite = {
    get browser() {
      return browser as unknown as Browser
    },
    get page() {
      return page
    },
    watch(p) {
      page = p
    },
    closes(thing) {
      cleanups.push(() => thing.close())
      return thing
    },
    defer(cleanup) {
      cleanups.push(cleanup)
    },
    async open(options) {
      const context = await suite.browser.newContext(options)
      contexts.push(() => context.close())
      page = await context.newPage()
      return page
    },
  }
  return suite as unknown as BrowserSuite<B>
}
