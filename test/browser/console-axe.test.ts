/**
 * axe-core in Debian's Chromium finds no violation in the console's main states: sign-in with an
 * error, a chat offered, a conversation with a note, the canned menu, the transfer dialog, wrap-up,
 * closed, the shortcuts help and the supervisor's overview, in light and dark.
 */
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import { customerSays, rowOf, signIn, startConsoleServer } from './console-page.js'

const suite = useBrowser()

/** axe's violations on the page, as `rule: target` lines (empty when clean). */
async function violations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ content: axe.source })
  return p.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] })
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`))
  })
}

describe.each(['light', 'dark'] as const)('axe, console, %s', (colorScheme) => {
  it('has no violation in any main state', async () => {
    const server = suite.closes(await startConsoleServer())
    const p = await suite.open({ colorScheme })
    await p.goto(`${server.url}/agent.html`)
    await p.locator('#hl-token').fill('nope')
    await p.getByTestId('sign-in').click()
    await p.getByTestId('sign-in-error').filter({ hasText: 'not accepted' }).waitFor()
    expect(await violations(p), 'sign-in error').toEqual([])

    await p.locator('#hl-token').fill('agent-token')
    await p.getByTestId('sign-in').click()
    await p.getByTestId('workspace').waitFor()
    expect(await violations(p), 'empty workspace').toEqual([])
    const c = await customerSays(server, ['My order is late'], { customer: { name: 'Maria' }, page: { url: 'https://shop.example/a', title: 'A page' } })
    suite.defer(() => c.raw.drop())
    await rowOf(p, 'offers', c.id).waitFor()
    expect(await violations(p), 'an offer').toEqual([])

    await rowOf(p, 'offers', c.id).getByTestId('accept').click()
    await p.getByTestId('mode-note').click()
    await p.getByTestId('composer-text').fill('A note')
    await p.getByTestId('composer-text').press('Enter')
    await p.getByTestId('note').waitFor()
    await p.getByTestId('mode-reply').click()
    await p.getByTestId('composer-text').fill('Looking into it')
    await p.getByTestId('composer-text').press('Enter')
    await p.locator('[data-testid="message"][data-from="agent"]').waitFor()
    expect(await violations(p), 'a conversation with a note').toEqual([])

    await p.getByTestId('composer-text').pressSequentially('/')
    await p.getByTestId('canned-menu').waitFor()
    expect(await violations(p), 'the canned menu').toEqual([])
    await p.getByTestId('composer-text').press('Escape')

    await p.getByTestId('transfer').click()
    await p.getByTestId('transfer-dialog').waitFor()
    expect(await violations(p), 'the transfer dialog').toEqual([])
    await p.getByTestId('transfer-cancel').click()

    await p.getByTestId('agent-end').click()
    await p.getByTestId('state-banner').filter({ hasText: 'Wrap-up' }).waitFor()
    expect(await violations(p), 'wrap-up').toEqual([])
    await p.getByTestId('agent-close').click()
    await rowOf(p, 'recent', c.id).waitFor()
    expect(await violations(p), 'closed, in Recent').toEqual([])

    await p.getByTestId('help-button').click()
    await p.getByTestId('help').waitFor()
    expect(await violations(p), 'shortcuts help').toEqual([])
  })

  it('has no violation in the supervisor view', async () => {
    const server = suite.closes(await startConsoleServer())
    const p = await suite.open({ colorScheme })
    const c = await customerSays(server, ['Waiting here'], { customer: { name: 'Jonas' } })
    suite.defer(() => c.raw.drop())
    await signIn(p, server, 'admin-token')
    await p.getByTestId('team-chat').waitFor()
    expect(await violations(p), 'supervisor').toEqual([])
  })
})
