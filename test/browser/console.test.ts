/**
 * The agent console (examples/agent.html, src/console/) in Debian's Chromium, against a real server
 * and real customers: signing in, the queue, my chats, the conversation, its end and close, alerts,
 * shortcuts and the phone layout.
 */
import { expect, it } from 'vitest'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { useBrowser } from '../helpers/browser-suite.js'
import type { StartedServer } from '../helpers/server.js'
import { customerSays, rowOf, signIn, startConsoleServer, type Customer } from './console-page.js'

const suite = useBrowser()
let server: StartedServer

async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  return suite.open(options)
}

async function says(texts: string[], hello: Record<string, unknown> = {}): Promise<Customer> {
  const c = await customerSays(server, texts, hello)
  suite.defer(() => c.raw.drop())
  return c
}

it('signs in with a token, says plainly when it is refused, and remembers it in this tab', async () => {
  server = suite.closes(await startConsoleServer())
  const p = await newPage()
  await p.goto(`${server.url}/agent.html`)
  await p.locator('#hl-token').fill('wrong-token')
  await p.getByTestId('sign-in').click()
  await expect.poll(() => p.getByTestId('sign-in-error').textContent()).toContain('That token was not accepted')
  expect(await p.getByTestId('sign-in-error').textContent()).not.toContain('unauthorized')
  expect(await p.evaluate(() => sessionStorage.getItem('holdline:console-token'))).toBeNull()

  await p.locator('#hl-token').fill('agent-token')
  await p.locator('#hl-token').press('Enter')
  await p.getByTestId('workspace').waitFor()
  expect(await p.getByTestId('agent-name').textContent()).toBe('Ana')
  await p.reload()
  await p.getByTestId('workspace').waitFor()
  await p.getByTestId('sign-out').click()
  await p.getByTestId('sign-in-screen').waitFor()
  expect(await p.evaluate(() => sessionStorage.getItem('holdline:console-token'))).toBeNull()
})

it('says the server cannot be reached, and signs in once it is back', async () => {
  server = suite.closes(await startConsoleServer())
  const p = await newPage()
  await p.goto(`${server.url}/agent.html`)
  await p.route('**/v1/agent', (route) => route.abort())
  await p.context().setOffline(true)
  await p.locator('#hl-token').fill('agent-token')
  await p.getByTestId('sign-in').click()
  await expect.poll(() => p.getByTestId('sign-in-error').textContent(), { timeout: 10_000 }).toMatch(/Cannot reach the server at 127\.0\.0\.1:\d+/)
  await p.context().setOffline(false)
  await p.getByTestId('workspace').waitFor({ timeout: 15_000 })
})

it('shows each waiting chat with a ticking wait, and a new offer in the title and with a chime', async () => {
  server = suite.closes(await startConsoleServer())
  const p = await newPage()
  // Counts the chime's oscillators: the console makes its sound with WebAudio.
  await p.addInitScript(() => {
    const w = window as unknown as { oscillators: number }
    w.oscillators = 0
    const make = AudioContext.prototype.createOscillator
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.oscillators++
      return make.call(this)
    }
  })
  await signIn(p, server)
  expect(await p.title()).toBe('holdline console')
  await p.getByTestId('sound-toggle').click()
  expect(await p.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('true')

  const c = await says(['My order is late'], { customer: { name: 'Maria' } })
  const row = rowOf(p, 'offers', c.id)
  await row.waitFor()
  expect(await row.textContent()).toContain('Maria')
  expect(await row.textContent()).toContain('My order is late')
  await expect.poll(() => p.title()).toBe('(1) 1 waiting · holdline console')
  await expect.poll(() => p.evaluate(() => (window as unknown as { oscillators: number }).oscillators)).toBeGreaterThan(0)
  const first = await row.getByTestId('waiting').textContent()
  await expect.poll(() => row.getByTestId('waiting').textContent(), { timeout: 5_000 }).not.toBe(first)
  expect(await row.getByTestId('waiting').textContent()).toMatch(/^waiting \d+ s$/)
})

it('accepts, shows the transcript with readable status lines, counts unread in other chats, ends and closes', async () => {
  server = suite.closes(await startConsoleServer())
  const p = await newPage()
  await signIn(p, server)
  const maria = await says(['Hello, my parcel is late'], { customer: { name: 'Maria' } })
  const jonas = await says(['Do you ship to Norway?'], { customer: { name: 'Jonas' } })
  await rowOf(p, 'offers', jonas.id).waitFor()
  await rowOf(p, 'offers', maria.id).getByTestId('accept').click()
  const conversation = p.getByTestId('conversation')
  await p.locator(`main[data-conversation-id="${maria.id}"]`).waitFor()
  await conversation.getByTestId('status-line').filter({ hasText: 'Ana joined the chat' }).waitFor()
  expect(await conversation.getByTestId('status-line').first().textContent()).toContain('The customer started the chat')
  expect(await conversation.textContent()).not.toMatch(/Status: |customer-started|agent-accepted/)

  await p.getByTestId('composer-text').fill('Let me check')
  await p.getByTestId('composer-text').press('Shift+Enter')
  await p.getByTestId('composer-text').pressSequentially('one moment')
  await p.getByTestId('composer-text').press('Enter')
  await conversation.locator('[data-testid="message"][data-from="agent"]').filter({ hasText: 'one moment' }).waitFor()
  expect(await conversation.locator('[data-from="agent"] .hl-text').textContent()).toBe('Let me check\none moment')
  expect(await p.getByTestId('composer-text').inputValue()).toBe('')
  await maria.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'Let me check\none moment')

  // Jonas's chat, then messages in Maria's while it is not the one open.
  await rowOf(p, 'offers', jonas.id).getByTestId('accept').click()
  await p.locator(`main[data-conversation-id="${jonas.id}"]`).waitFor()
  maria.say('Are you there?')
  maria.say('Order 4411')
  await expect.poll(() => rowOf(p, 'my-chats', maria.id).getByTestId('unread').textContent()).toBe('2')
  expect(await rowOf(p, 'my-chats', maria.id).getByTestId('presence').textContent()).toBe('Customer online')
  await expect.poll(() => p.title()).toBe('(2) 2 unread · holdline console')
  await rowOf(p, 'my-chats', maria.id).getByTestId('open-chat').click()
  await expect.poll(() => rowOf(p, 'my-chats', maria.id).getByTestId('unread').isHidden()).toBe(true)
  await expect.poll(() => p.title()).toBe('holdline console')

  await conversation.getByTestId('agent-end').click()
  await conversation.getByTestId('state-banner').filter({ hasText: 'Wrap-up' }).waitFor()
  expect(await conversation.getByTestId('status').textContent()).toBe('Wrap-up')
  expect(await conversation.getByTestId('agent-end').isHidden()).toBe(true)
  // The reply box gives way to notes: the customer can no longer read replies.
  expect(await p.locator('form.hl-composer').getAttribute('data-mode')).toBe('note')
  await p.getByTestId('mode-reply').click()
  expect(await p.getByTestId('composer-text').isDisabled()).toBe(true)
  expect(await p.getByTestId('composer-text').getAttribute('placeholder')).toContain('can no longer read replies')
  await conversation.getByTestId('agent-close').click()
  await conversation.getByTestId('state-banner').filter({ hasText: 'Closed' }).waitFor()
  await rowOf(p, 'recent', maria.id).waitFor()
  expect(await rowOf(p, 'my-chats', maria.id).count()).toBe(0)
  expect(await p.getByTestId('composer-text').isDisabled()).toBe(true)
  expect(await conversation.getByTestId('agent-close').isHidden()).toBe(true)
})

it('counts down what is left of the window, from when the customer was last heard', async () => {
  // Heartbeats every 500 ms: a silent customer counts as gone 6 s after it was last heard.
  server = suite.closes(await startConsoleServer({ graceMs: 60_000, heartbeatMs: 500 }))
  const p = await newPage()
  await signIn(p, server)
  const silent = await says(['hello'])
  await rowOf(p, 'offers', silent.id).getByTestId('accept').click()
  const presence = rowOf(p, 'my-chats', silent.id).getByTestId('presence')
  await expect.poll(() => presence.textContent()).toBe('Customer online')
  await expect.poll(() => presence.textContent(), { timeout: 15_000 }).toMatch(/Customer away · 0:\d\d left/)
  const [, s] = (await presence.textContent())!.match(/0:(\d\d) left/)!
  // About 54 s: the 6 s it took to notice are already gone from the window.
  expect(Number(s)).toBeLessThanOrEqual(56)
  expect(Number(s)).toBeGreaterThan(45)
}, 30_000)

it('works by keyboard alone: sign in, accept, reply, end, close, and the shortcuts help', async () => {
  server = suite.closes(await startConsoleServer())
  const p = await newPage()
  await p.goto(`${server.url}/agent.html`)
  await p.locator('#hl-token').waitFor()
  await p.keyboard.type('agent-token')
  await p.keyboard.press('Enter')
  await p.getByTestId('workspace').waitFor()
  const c = await says(['Help please'])
  await rowOf(p, 'offers', c.id).waitFor()
  await p.keyboard.press('Alt+KeyA')
  await p.locator(`main[data-conversation-id="${c.id}"]`).waitFor()
  await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-text')
  await p.keyboard.type('On it')
  await p.keyboard.press('Enter')
  await c.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'On it')
  await p.keyboard.press('Alt+KeyW')
  await p.getByTestId('state-banner').filter({ hasText: 'Wrap-up' }).waitFor()
  await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('agent-close')
  await p.keyboard.press('Enter')
  await rowOf(p, 'recent', c.id).waitFor()
  await p.locator('body').focus()
  await p.keyboard.press('Shift+Slash')
  await p.getByTestId('help').waitFor()
  expect(await p.getByTestId('help').textContent()).toContain('Accept the chat that has waited longest')
  await p.keyboard.press('Escape')
  await p.getByTestId('help').waitFor({ state: 'hidden' })
})

it('takes turns on a 390 px phone: lists, then the conversation with a back button', async () => {
  server = suite.closes(await startConsoleServer())
  const p = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  await signIn(p, server)
  const c = await says(['Hi from my phone'])
  await rowOf(p, 'offers', c.id).getByTestId('accept').tap()
  await p.locator(`main[data-conversation-id="${c.id}"]`).waitFor()
  expect(await p.locator('.hl-sidebar').isHidden()).toBe(true)
  const noOverflow = (): Promise<boolean> => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  expect(await noOverflow()).toBe(true)
  const composer = await p.getByTestId('composer-text').boundingBox()
  expect(composer!.x + composer!.width).toBeLessThanOrEqual(390)
  await p.getByTestId('back').tap()
  await rowOf(p, 'my-chats', c.id).waitFor()
  expect(await p.getByTestId('conversation').isHidden()).toBe(true)
  expect(await noOverflow()).toBe(true)
})
