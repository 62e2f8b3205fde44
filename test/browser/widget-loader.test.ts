/**
 * The script-tag loader (dist/holdline-loader.js) in Debian's Chromium: it draws the launcher without
 * fetching the widget, fetches it on the first click and opens the panel; a page with a live stored
 * conversation fetches it at once, so a reload inside the window resumes on load.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import { agentAccepts, conversationIdOf, customerSays, startScenario, transcriptTexts } from './harness.js'
import { openWidgetPage, pagesRoot } from './widget-page.js'

const suite = useBrowser()

/** The scripts the page requested, by file name. */
function requests(p: Page): string[] {
  const seen: string[] = []
  p.on('request', (r) => seen.push(new URL(r.url()).pathname))
  return seen
}

describe('script-tag loader', () => {
  it('draws the launcher without the widget, and fetches it on the first click', async () => {
    const scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    const page = await suite.open()
    const fetched = requests(page)
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(ws.url()))
    await openWidgetPage(page, scenario.server, { bundle: 'loader' })
    await page.getByTestId('launcher').waitFor()
    await page.waitForLoadState('networkidle')
    expect(fetched).toContain('/dist/holdline-loader.js')
    expect(fetched).not.toContain('/dist/holdline.iife.js')
    expect(sockets).toEqual([])

    await page.getByTestId('launcher').click()
    await page.getByTestId('panel').waitFor({ state: 'visible' })
    expect(fetched).toContain('/dist/holdline.iife.js')
    expect(await page.evaluate(() => document.querySelectorAll('holdline-chat').length)).toBe(1)
    await customerSays(page, 'Loaded on demand')
    const id = await conversationIdOf(page)
    await agentAccepts(scenario.agent, id)
    await scenario.agent.send(id, 'And answered')
    await expect.poll(() => transcriptTexts(page)).toEqual(expect.arrayContaining(['Loaded on demand', 'And answered']))
  })

  it('fetches the widget at once when a conversation is live, and the reload resumes it', async () => {
    const scenario = suite.closes(await startScenario({ graceMs: 30_000, staticRoot: pagesRoot() }))
    const page = await suite.open()
    await openWidgetPage(page, scenario.server, { bundle: 'loader' })
    await page.getByTestId('launcher').click()
    await customerSays(page, 'Before the reload')
    const id = await conversationIdOf(page)
    await page.getByTestId('input').press('Escape')

    const fetched = requests(page)
    await page.reload()
    await page.waitForFunction(() => customElements.get('holdline-chat') !== undefined)
    expect(fetched).toContain('/dist/holdline.iife.js')
    await page.waitForFunction(() => (document.querySelector('holdline-chat') as unknown as { chat?: { connection: string } }).chat?.connection === 'connected')
    expect(await conversationIdOf(page)).toBe(id)
    expect(await page.getByTestId('panel').isVisible(), 'it stays closed, as it was left').toBe(false)
  })
})
