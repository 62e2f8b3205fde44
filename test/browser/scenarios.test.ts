/**
 * The seed's scenarios S1-S8 and S10 (SPEC section 6) in Debian's Chromium: the real widget from the
 * script-tag example, a real agent, a real server with a 2 s grace window.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import {
  GRACE_MS,
  agentAccepts,
  agentReceives,
  agentSeesStatus,
  conversationIdOf,
  customerSays,
  messageTexts,
  openCustomer,
  serverView,
  startScenario,
  transcriptTexts,
} from './harness.js'

const suite = useBrowser()

async function customerPage(): Promise<Page> {
  return suite.open()
}

const expectCustomerSees = async (p: Page, texts: string[]): Promise<void> => {
  await expect.poll(() => transcriptTexts(p), { timeout: 10_000 }).toEqual(expect.arrayContaining(texts))
  const shown = await transcriptTexts(p)
  for (const text of texts) expect(shown.filter((t) => t === text), `"${text}" shown once`).toHaveLength(1)
  const positions = texts.map((t) => shown.indexOf(t))
  expect(positions, 'in order').toEqual([...positions].sort((a, b) => a - b))
}

describe('browser scenarios', () => {
  it('S1: a reload inside the window continues the same chat, with the gap messages once and in order', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'hello before reload')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)

    await p.goto('about:blank')
    await agent.send(id, 'gap one')
    await agent.send(id, 'gap two')
    await openCustomer(p, server)

    await expectCustomerSees(p, ['hello before reload', 'gap one', 'gap two'])
    expect(await conversationIdOf(p)).toBe(id)
    const view = await serverView(server, id)
    expect(view.status).toBe('active')
    expect(messageTexts(view).filter((t) => t === 'hello before reload')).toHaveLength(1)
  })

  it('S2: offline for less than the window resumes and delivers what was queued, once', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'first')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)
    await agentReceives(agent, id, 'first')

    await p.context().setOffline(true)
    await expect.poll(() => p.getByTestId('connection').textContent()).toContain('offline')
    await customerSays(p, 'typed while offline')
    await expect.poll(() => p.getByTestId('connection').textContent()).toContain('1 message')
    await agent.send(id, 'agent wrote meanwhile')
    await p.context().setOffline(false)

    await agentReceives(agent, id, 'typed while offline')
    // The agent's message reached the server first, so it comes first in the transcript.
    await expectCustomerSees(p, ['first', 'agent wrote meanwhile', 'typed while offline'])
    const view = await serverView(server, id)
    expect(view.status).toBe('active')
    expect(messageTexts(view).filter((t) => t === 'typed while offline')).toHaveLength(1)
    await expect.poll(() => p.getByTestId('connection').isHidden()).toBe(true)
  })

  it('S3: offline longer than the window: Active -> Wrap-up, the agent is told, a new chat on return', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'help please')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)

    const wrapUp = agentSeesStatus(agent, id, 'wrap-up')
    await p.context().setOffline(true)
    const seen = await wrapUp
    expect(seen.transcript.some((i) => i.kind === 'message' && i.automated === 'customer-disconnected')).toBe(true)
    await p.context().setOffline(false)

    await p.getByTestId('new-chat-notice').waitFor({ state: 'visible' })
    await expect.poll(() => conversationIdOf(p)).not.toBe(id)
    const view = await serverView(server, id)
    expect(view.status).toBe('wrap-up')
    expect(view.history.at(-1)).toMatchObject({ status: 'wrap-up', reason: 'customer-disconnected' })
    expect(messageTexts(view)).toContain('Customer has disconnected.')
  })

  it('S4: a tab closed before an agent came: Open -> Closed after the window, no longer offered', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'anyone there?')
    const id = await conversationIdOf(p)
    await expect.poll(() => agent.offers.has(id)).toBe(true)
    const closedAt = Date.now()
    await p.close()

    await expect.poll(async () => (await serverView(server, id)).status, { timeout: GRACE_MS + 8_000, interval: 100 }).toBe('closed')
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 200)
    const view = await serverView(server, id)
    expect(view.history.at(-1)).toMatchObject({ status: 'closed', reason: 'customer-disconnected' })
    expect(messageTexts(view)).toContain('Customer has disconnected.')
    expect(agent.offers.has(id)).toBe(false)
  })

  it('S5: the End button ends the chat at once', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'quick question')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)

    const wrapUp = agentSeesStatus(agent, id, 'wrap-up')
    await p.getByTestId('end').click()
    await p.getByTestId('end-confirm').click()
    await wrapUp
    const view = await serverView(server, id)
    expect(view.history.at(-1)).toMatchObject({ status: 'wrap-up', reason: 'customer-ended' })
    await p.getByTestId('ended').waitFor({ state: 'visible' })
  })

  it('S6: connected and silent for longer than the window is still the same live chat', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'I will think about it')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)

    // Nothing is sent by either side for 2.5 windows; only heartbeats flow. There is no event to
    // await for "nothing happened", so this one waits on purpose.
    await p.waitForTimeout(GRACE_MS * 2.5)
    expect((await serverView(server, id)).status).toBe('active')
    await agent.send(id, 'still there?')
    await expectCustomerSees(p, ['I will think about it', 'still there?'])
    expect(await conversationIdOf(p)).toBe(id)
  })

  it('S7: two tabs show one conversation; closing one starts no window', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const first = await customerPage()
    await openCustomer(first, server)
    await customerSays(first, 'from tab one')
    const id = await conversationIdOf(first)
    await agentAccepts(agent, id)

    const second = await first.context().newPage()
    await openCustomer(second, server)
    expect(await conversationIdOf(second)).toBe(id)
    await expectCustomerSees(second, ['from tab one'])

    await first.close()
    await second.waitForTimeout(GRACE_MS * 2) // a window that must not start: nothing to await
    expect((await serverView(server, id)).status).toBe('active')
    await agent.send(id, 'to the remaining tab')
    await expectCustomerSees(second, ['from tab one', 'to the remaining tab'])
  })

  it('S8: leaving and coming back through the back/forward cache resumes', async () => {
    const scenario = suite.closes(await startScenario())
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'before navigating away')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)

    // A page restored from the cache keeps its JavaScript state; a reloaded one would not.
    await p.evaluate(() => Object.assign(window, { notReloaded: true }))
    await p.goto(`${server.url}/spa.html`)
    await agent.send(id, 'while you were on another page')
    // Restored from the cache there is no `load` to wait for: the page is back once it commits.
    await p.goBack({ waitUntil: 'commit' })
    expect(await p.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true)

    await expectCustomerSees(p, ['before navigating away', 'while you were on another page'])
    expect(await conversationIdOf(p)).toBe(id)
    expect((await serverView(server, id)).status).toBe('active')
  })

  it('S10: with reconnection enabled, a customer back after the window can continue the previous chat', async () => {
    const scenario = suite.closes(await startScenario({ reconnectWindowMs: 30_000 }))
    const { server, agent } = scenario
    const p = await customerPage()
    await openCustomer(p, server)
    await customerSays(p, 'my first chat')
    const id = await conversationIdOf(p)
    await agentAccepts(agent, id)

    const wrapUp = agentSeesStatus(agent, id, 'wrap-up')
    await p.goto('about:blank')
    await wrapUp
    const offeredAgain = new Promise<void>((resolve) => agent.on('offer', (c) => c.id === id && resolve()))
    await openCustomer(p, server)
    await p.getByTestId('reconnect-continue').click()

    await offeredAgain
    await expectCustomerSees(p, ['my first chat'])
    expect(await conversationIdOf(p)).toBe(id)
    const view = await serverView(server, id)
    expect(view.status).toBe('open')
    expect(view.history.at(-1)).toMatchObject({ status: 'open', reason: 'customer-reconnected' })
  })
})
