/**
 * A signed-in customer's earlier conversations in the widget, in Debian's Chromium against a real
 * server with identity on: a closed "Earlier conversations" disclosure above the new chat, which
 * opens by keyboard to one read-only list per conversation, titled by when it began, with its
 * messages as the transcript shows them (the automated lines too); nothing for an anonymous customer or for another account.
 */
import { describe, expect, it } from 'vitest'
import { IDENTITY_OPTIONS } from '../helpers/identity.js'
import { useBrowser } from '../helpers/browser-suite.js'
import { customerSays, startScenario, type Scenario } from './harness.js'
import { earlierChat, openSignedInPage } from './widget-history-page.js'
import { inWidget, openPanel, pagesRoot } from './widget-page.js'

const suite = useBrowser()

async function scenarioWithIdentity(): Promise<Scenario> {
  return suite.closes(await startScenario({ staticRoot: pagesRoot(), identity: IDENTITY_OPTIONS }))
}

/** Each earlier conversation's title and the texts of its customer's and agents' messages, as the widget shows them. */
const earlierLists = (page: Parameters<typeof inWidget>[0]) =>
  inWidget<Array<{ title: string | null; texts: string[] }>>(page, `[...q('history').querySelectorAll('ol')].map((ol) => ({
    title: ol.getAttribute('aria-label'),
    texts: [...ol.querySelectorAll('[data-testid="message"]:not([data-from="system"])')].map((li) => li.lastChild.textContent),
  }))`)

describe('earlier conversations in the widget', () => {
  it('a signed-in customer sees their ended chat, read-only, above the new one; it opens by keyboard', async () => {
    const scenario = await scenarioWithIdentity()
    await earlierChat(scenario, 'anne', 'Where is my order?', 'It ships tomorrow.')
    const p = await suite.open()
    await openSignedInPage(p, scenario, 'anne')
    await openPanel(p)
    const history = p.getByTestId('history')
    await history.waitFor({ state: 'visible' })
    const summary = history.locator('summary')
    expect(await summary.textContent()).toBe('Earlier conversations')
    expect(await history.getAttribute('open'), 'closed until asked for: the new chat comes first').toBeNull()
    expect(await history.locator('ol').first().isVisible()).toBe(false)

    await summary.focus()
    await p.keyboard.press('Enter')
    await history.locator('ol').first().waitFor({ state: 'visible' })
    const lists = await earlierLists(p)
    expect(lists).toHaveLength(1)
    expect(lists[0]!.title, 'titled by when it began').toMatch(/\d/)
    expect(lists[0]!.texts).toEqual(['Where is my order?', 'It ships tomorrow.'])
    // Read-only: the earlier chat's messages are not the live transcript's, and the composer writes to the new chat.
    expect(await p.getByTestId('transcript').locator('[data-testid="message"]').count()).toBe(0)
    await customerSays(p, 'A new question')
    await p.getByTestId('transcript').locator('[data-testid="message"]').filter({ hasText: 'A new question' }).waitFor()
    expect((await earlierLists(p))[0]!.texts).not.toContain('A new question')
  })

  it('shows nothing to an anonymous customer, nor to another signed-in one', async () => {
    const scenario = await scenarioWithIdentity()
    await earlierChat(scenario, 'anne', 'Where is my order?', 'It ships tomorrow.')
    for (const sub of [undefined, 'bob']) {
      const p = await suite.open()
      await openSignedInPage(p, scenario, sub)
      await openPanel(p)
      await customerSays(p, 'Hello')
      // The server answers a socket's frames in order: a history, were there one, came before this message's ack.
      await p.getByTestId('transcript').locator('[data-testid="message"][data-pending="false"]').first().waitFor()
      expect(await p.getByTestId('history').isVisible(), sub ?? 'anonymous').toBe(false)
      expect(await earlierLists(p)).toEqual([])
    }
  })
})
