/**
 * Pages for the widget's browser tests: a customer page with the script tag (full bundle or loader)
 * and the attributes a site would write, written into a folder the real server serves (with a copy
 * of examples/ beside them), and readers of the widget's shadow DOM. A page answered by Playwright's
 * router instead would count as a public address, and Chromium's local network access checks would
 * block its socket to 127.0.0.1.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { StartedServer } from '../helpers/server.js'
import { WIDGET_ID } from './harness.js'

let root: string | undefined
let pages = 0

/** The folder to pass as the server's `staticRoot`: examples/ plus the pages written here. */
export function pagesRoot(): string {
  if (!root) {
    root = mkdtempSync(join(tmpdir(), 'holdline-pages-'))
    cpSync('examples', root, { recursive: true })
  }
  return root
}

export interface WidgetPage {
  /** Data attributes of the script tag, without `data-` (`{ theme: 'dark' }`). */
  data?: Record<string, string>
  /** `loader`: dist/holdline-loader.js; default the full dist/holdline.iife.js. */
  bundle?: 'iife' | 'loader'
  lang?: string
  dir?: 'ltr' | 'rtl'
  /** The socket's base URL (a proxy), if not the server itself. */
  url?: string
  title?: string
  /** Page CSS (a site's theme) and extra body HTML (a site's own chat button). */
  css?: string
  body?: string
}

/** Opens a customer page with the widget's script tag (the server must serve `pagesRoot()`). */
export async function openWidgetPage(page: Page, server: StartedServer, options: WidgetPage = {}): Promise<void> {
  const data = { 'widget-id': WIDGET_ID, ...(options.url ? { url: options.url } : {}), ...options.data }
  const attributes = Object.entries(data)
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('')
  const file = options.bundle === 'loader' ? 'holdline-loader.js' : 'holdline.iife.js'
  const html = `<!doctype html><html lang="${options.lang ?? 'en'}" dir="${options.dir ?? 'ltr'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${options.title ?? 'Shop'}</title><style>${options.css ?? ''}</style></head>
<body><main><h1>${options.title ?? 'Shop'}</h1><p>A page with a chat.</p>${options.body ?? ''}</main><script src="/dist/${file}"${attributes}></script></body></html>`
  const name = `widget-${++pages}.html`
  writeFileSync(join(pagesRoot(), name), html)
  await page.goto(`${server.url}/${name}`)
  await page.waitForFunction(() => !!document.querySelector('holdline-chat')?.shadowRoot?.querySelector('[data-testid="launcher"]'))
}

/** Opens the panel with the launcher (if it is closed) and waits for it. */
export async function openPanel(page: Page): Promise<void> {
  const launcher = page.getByTestId('launcher')
  if (await launcher.isVisible()) await launcher.click()
  await page.getByTestId('panel').waitFor({ state: 'visible' })
}

/** Runs `fn` on the widget's shadow root. */
export function inWidget<T>(page: Page, fn: string): Promise<T> {
  return page.evaluate(`(() => { const root = document.querySelector('holdline-chat').shadowRoot; const q = (id) => root.querySelector('[data-testid="' + id + '"]'); return (${fn}) })()`) as Promise<T>
}

/** How far the transcript is from its bottom, in pixels (0: the newest message is in view). */
export function distanceFromBottom(page: Page): Promise<number> {
  return inWidget<number>(page, `(() => { const s = q('scroller'); return Math.round(s.scrollHeight - s.scrollTop - s.clientHeight) })()`)
}
