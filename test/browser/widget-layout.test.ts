/**
 * How the widget fits phones and sites, in Debian's Chromium: full screen below 480 px, sized to the
 * visual viewport (the on-screen keyboard), 16 px inputs, the draft kept across a reload, the webview
 * example inside a 390 px phone; the accent everywhere, dark mode from the system and `data-theme`,
 * right-to-left, left position, reduced motion; the JS API with the launcher hidden; the keyboard.
 */
import { describe, expect, it } from 'vitest'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import { agentAccepts, conversationIdOf, customerSays, startScenario, type Scenario } from './harness.js'
import { inWidget, openPanel, openWidgetPage, pagesRoot, type WidgetPage } from './widget-page.js'

const suite = useBrowser()
/** The test's server, shared by the pages it opens; forgotten once the test's cleanup has closed it. */
let scenario: Scenario | undefined

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 }

async function widget(options: WidgetPage = {}, contextOptions: BrowserContextOptions = {}): Promise<Page> {
  if (!scenario) {
    scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    suite.defer(() => (scenario = undefined))
  }
  const page = await suite.open(contextOptions)
  await openWidgetPage(page, scenario.server, options)
  return page
}

type Box = { x: number; y: number; width: number; height: number }
const box = (p: Page, testid: string): Promise<Box> => inWidget<Box>(p, `(() => { const r = q('${testid}').getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height } })()`)
const style = (p: Page, testid: string, property: string): Promise<string> => inWidget<string>(p, `getComputedStyle(q('${testid}'))['${property}']`)

describe('widget on phones', () => {
  it('fills a 390 px phone, with 16 px inputs, and follows the visual viewport (the on-screen keyboard)', async () => {
    const p = await widget({}, PHONE)
    const launcher = await box(p, 'launcher')
    expect(launcher.x + launcher.width).toBeLessThanOrEqual(390)
    await openPanel(p)
    expect(await box(p, 'panel')).toEqual({ x: 0, y: 0, width: 390, height: 844 })
    expect(await style(p, 'input', 'fontSize')).toBe('16px')

    // Zooming in shrinks the visual viewport as a keyboard does; the panel (and its composer) follows.
    const cdp = await p.context().newCDPSession(p)
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 })
    const visible = await p.waitForFunction(() => Math.round(visualViewport!.height) < 844 && Math.round(visualViewport!.height))
    const height = (await visible.jsonValue()) as number
    await expect.poll(async () => Math.round((await box(p, 'panel')).height)).toBe(height)
  })

  it('keeps the draft across a reload', async () => {
    const p = await widget({}, PHONE)
    await openPanel(p)
    await p.getByTestId('input').pressSequentially('I was typing this')
    await p.reload()
    await p.getByTestId('panel').waitFor({ state: 'visible' })
    expect(await p.getByTestId('input').inputValue()).toBe('I was typing this')
  })

  it('the webview example fits a 390 px phone, launcher on screen', async () => {
    const scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    const page = await suite.open(PHONE)
    await page.goto(`${scenario.server.url}/webview.html`)
    await page.getByTestId('launcher').waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const launcher = await page.getByTestId('launcher').boundingBox()
    expect(launcher!.x + launcher!.width).toBeLessThanOrEqual(390)
  })
})

describe('widget theme and locale', () => {
  const ACCENT = 'rgb(10, 125, 79)'

  it('the accent applies to the launcher, header, send button and the customer bubbles', async () => {
    const p = await widget({ css: 'holdline-chat { --holdline-accent: #0a7d4f; }' })
    expect(await style(p, 'launcher', 'backgroundColor')).toBe(ACCENT)
    await openPanel(p)
    await customerSays(p, 'green?')
    await p.getByTestId('message').first().waitFor()
    expect(await style(p, 'send', 'backgroundColor')).toBe(ACCENT)
    expect(await inWidget<string>(p, `getComputedStyle(q('panel').querySelector('header')).backgroundColor`)).toBe(ACCENT)
    expect(await inWidget<string>(p, `getComputedStyle(q('transcript').querySelector('[data-from="customer"]')).backgroundColor`)).toBe(ACCENT)
  })

  it('is dark with the system, with data-theme="dark", and light with data-theme="light"', async () => {
    const DARK = 'rgb(24, 27, 34)'
    const WHITE = 'rgb(255, 255, 255)'
    let p = await widget({}, { colorScheme: 'dark' })
    await openPanel(p)
    expect(await style(p, 'panel', 'backgroundColor')).toBe(DARK)
    await p.context().close()
    p = await widget({ data: { theme: 'light' } }, { colorScheme: 'dark' })
    await openPanel(p)
    expect(await style(p, 'panel', 'backgroundColor')).toBe(WHITE)
    await p.context().close()
    p = await widget({ data: { theme: 'dark' } }, { colorScheme: 'light' })
    await openPanel(p)
    expect(await style(p, 'panel', 'backgroundColor')).toBe(DARK)
  })

  it('lays out right to left: the customer on the left, the agent on the right, close at the start', async () => {
    const p = await widget({ lang: 'ar', dir: 'rtl', data: { dir: 'rtl', lang: 'ar' } })
    await openPanel(p)
    await customerSays(p, 'مرحبا')
    await agentAccepts(scenario!.agent, await conversationIdOf(p))
    await scenario!.agent.send(await conversationIdOf(p), 'أهلا')
    await p.locator('[data-from="agent"][data-testid="message"]').waitFor()
    const bubbles = await inWidget<{ customer: number; agent: number; close: number; title: number }>(
      p,
      `({ customer: q('transcript').querySelector('[data-from="customer"]').getBoundingClientRect().left,
          agent: q('transcript').querySelector('[data-from="agent"]').getBoundingClientRect().left,
          close: q('close').getBoundingClientRect().left, title: q('panel').querySelector('h2').getBoundingClientRect().left })`,
    )
    expect(bubbles.customer).toBeLessThan(bubbles.agent)
    expect(bubbles.close).toBeLessThan(bubbles.title)
  })

  it('sits on the left with data-position="left"', async () => {
    const p = await widget({ data: { position: 'left' } }, { viewport: { width: 1280, height: 800 } })
    expect((await box(p, 'launcher')).x).toBeLessThanOrEqual(16)
  })

  it('honours prefers-reduced-motion', async () => {
    let p = await widget()
    await openPanel(p)
    expect(await style(p, 'scroller', 'scrollBehavior')).toBe('smooth')
    await p.context().close()
    p = await widget({}, { reducedMotion: 'reduce' })
    await openPanel(p)
    expect(await style(p, 'scroller', 'scrollBehavior')).toBe('auto')
  })
})

describe('widget API and keyboard', () => {
  it('with the launcher hidden, the site opens, closes and toggles it from its own button and the global', async () => {
    const p = await widget({ data: { launcher: 'hidden' }, body: '<button id="help" onclick="Holdline.open()">Help</button>' })
    expect(await p.getByTestId('launcher').isVisible()).toBe(false)
    await p.locator('#help').click()
    await p.getByTestId('panel').waitFor({ state: 'visible' })
    await p.keyboard.press('Escape')
    await p.getByTestId('panel').waitFor({ state: 'hidden' })
    expect(await p.evaluate(() => document.activeElement?.id), 'focus back on the button that opened it').toBe('help')
    await p.evaluate(() => (window as unknown as { Holdline: { toggle(): void } }).Holdline.toggle())
    await p.getByTestId('panel').waitFor({ state: 'visible' })
    await p.evaluate(() => (document.querySelector('holdline-chat') as unknown as { close(): void }).close())
    await p.getByTestId('panel').waitFor({ state: 'hidden' })
  })

  it('keyboard: the launcher opens onto the composer, Tab wraps to the close button, Escape returns to the launcher', async () => {
    const p = await widget()
    await p.getByTestId('launcher').focus()
    await p.keyboard.press('Enter')
    await p.getByTestId('panel').waitFor({ state: 'visible' })
    const focused = (): Promise<string | undefined> => inWidget<string | undefined>(p, `root.activeElement?.dataset.testid`)
    expect(await focused()).toBe('input')
    await p.keyboard.type('Hello')
    await p.keyboard.press('Enter')
    await p.getByTestId('end').waitFor({ state: 'visible' })
    const order: Array<string | undefined> = []
    for (let i = 0; i < 4; i++) {
      await p.keyboard.press('Tab')
      order.push(await focused())
    }
    expect(order).toEqual(['send', 'end', 'close', 'scroller'])
    await p.keyboard.press('Escape')
    await p.getByTestId('panel').waitFor({ state: 'hidden' })
    expect(await focused()).toBe('launcher')
  })
})
