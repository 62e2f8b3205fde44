/**
 * The agent workspace in the console, in Chromium against a real server:
 * transfer to a colleague, internal notes, canned replies, the customer's context, the supervisor.
 */
import WebSocket from 'ws'
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createAgent, type Agent } from '../../src/agent/index.js'
import { useBrowser } from '../helpers/browser-suite.js'
import type { StartedServer } from '../helpers/server.js'
import { customerSays, rowOf, signIn, startConsoleServer, type Customer } from './console-page.js'

const suite = useBrowser()
let server: StartedServer
let ben: Agent | undefined

async function newPage(): Promise<Page> {
  return suite.open()
}

async function says(texts: string[], hello: Record<string, unknown> = {}): Promise<Customer> {
  const c = await customerSays(server, texts, hello)
  suite.defer(() => c.raw.drop())
  return c
}

/** Signs in as Ana and accepts `c`'s chat. */
async function anaWith(c: Customer): Promise<Page> {
  const p = await newPage()
  await signIn(p, server)
  await rowOf(p, 'offers', c.id).getByTestId('accept').click()
  await p.locator(`main[data-conversation-id="${c.id}"]`).waitFor()
  return p
}

async function benOnline(): Promise<Agent> {
  const agent = createAgent({ url: server.url, token: 'ben-token', WebSocket: WebSocket as never })
  ben = agent
  suite.defer(() => {
    agent.disconnect()
    ben = undefined
  })
  await agent.connect()
  return agent
}

it('transfers a chat to an online colleague with a note; the chat leaves my list and is offered to them', async () => {
  server = suite.closes(await startConsoleServer())
  const colleague = await benOnline()
  const c = await says(['I need billing'], { customer: { name: 'Maria' } })
  const offeredToBen = new Promise<void>((resolve) => colleague.on('offer', (o) => o.id === c.id && o.transcript.some((i) => i.kind === 'status' && i.reason === 'agent-transferred') && resolve()))
  const p = await anaWith(c)
  await p.getByTestId('transfer').click()
  const dialog = p.getByTestId('transfer-dialog')
  await dialog.waitFor()
  expect(await dialog.getByTestId('transfer-choice').allTextContents()).toEqual(['Back to the queueThe next agent with room takes it', 'Ben0 of 2 chats: offered to them first'])
  await dialog.getByText('Ben', { exact: true }).click()
  await dialog.getByTestId('transfer-note').fill('Billing question, order 4411')
  await dialog.getByTestId('transfer-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await offeredToBen
  expect(colleague.offers.get(c.id)?.notes?.map((n) => n.text)).toEqual(['Billing question, order 4411'])
  await expect.poll(() => rowOf(p, 'my-chats', c.id).count()).toBe(0)
  await p.getByTestId('toast').filter({ hasText: 'handed to Ben' }).waitFor()
  await c.raw.next((f) => f.type === 'event' && (f.item as { automated?: string }).automated === 'agent-transferred')
})

it('writes internal notes, shown apart and labelled, that the customer never receives', async () => {
  server = suite.closes(await startConsoleServer())
  const c = await says(['Where is my refund?'])
  const p = await anaWith(c)
  await p.getByTestId('mode-note').click()
  expect(await p.getByTestId('composer-text').getAttribute('aria-label')).toBe('Internal note (only agents see this)')
  await p.getByTestId('composer-text').fill('Refund was issued on the 3rd')
  await p.getByTestId('composer-text').press('Enter')
  const note = p.getByTestId('note')
  await note.waitFor()
  expect(await note.textContent()).toContain('Only agents see this')
  expect(await note.textContent()).toContain('Refund was issued on the 3rd')
  // A reply after it: the customer gets the reply, and never the note.
  await p.getByTestId('mode-reply').click()
  await p.getByTestId('composer-text').fill('It is on its way')
  await p.getByTestId('composer-text').press('Enter')
  await c.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'It is on its way')
  expect(JSON.stringify(c.raw.frames)).not.toContain('Refund was issued')
})

it('inserts a canned reply from "/" with arrow keys and Enter, the customer\'s name filled in', async () => {
  server = suite.closes(await startConsoleServer())
  const c = await says(['Hello'], { customer: { name: 'Maria' } })
  const p = await anaWith(c)
  const field = p.getByTestId('composer-text')
  await field.pressSequentially('/')
  const menu = p.getByTestId('canned-menu')
  await menu.waitFor()
  expect(await menu.getByTestId('canned-option').count()).toBe(2)
  await field.pressSequentially('ref')
  expect(await menu.getByTestId('canned-option').allTextContents()).toEqual(['Refund policyRefunds take 5 working days.'])
  await field.press('Backspace')
  await field.press('Backspace')
  await field.press('Backspace')
  await field.press('ArrowDown')
  await field.press('ArrowUp')
  await field.press('Enter')
  await menu.waitFor({ state: 'hidden' })
  expect(await field.inputValue()).toBe('Hi Maria, thanks for waiting!')
  await field.press('Enter')
  await c.raw.next((f) => f.type === 'event' && (f.item as { text?: string }).text === 'Hi Maria, thanks for waiting!')
})

it('shows the customer\'s context: name, browser, the current page and the pages visited', async () => {
  server = suite.closes(await startConsoleServer())
  const c = await says(['Hi'], { customer: { name: 'Maria' }, page: { url: 'https://shop.example/shoes', title: 'Shoes' } })
  const p = await anaWith(c)
  const context = p.getByTestId('context')
  await expect.poll(() => context.textContent()).toContain('Maria')
  expect(await context.getByTestId('current-page').textContent()).toBe('Shoes')
  c.raw.send({ type: 'page', url: 'https://shop.example/cart', title: 'Your cart' })
  await expect.poll(() => context.getByTestId('current-page').textContent()).toBe('Your cart')
  expect(await context.getByTestId('pages').locator('a').allTextContents()).toEqual(['Your cart', 'Shoes'])
  expect(await context.getByTestId('current-page').locator('a').getAttribute('href')).toBe('https://shop.example/cart')
})

it('gives a supervisor every agent and live chat, and reassigns a chat to a colleague', async () => {
  server = suite.closes(await startConsoleServer())
  await benOnline()
  const c = await says(['Still waiting'], { customer: { name: 'Jonas' } })
  const ana = await anaWith(c)
  const boss = await newPage()
  await signIn(boss, server, 'admin-token')
  const team = boss.getByTestId('supervisor')
  await team.waitFor()
  await expect.poll(() => team.getByTestId('team-agent').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Ana'), expect.stringContaining('Ben')]))
  const anaRow = team.getByTestId('team-agent').filter({ hasText: 'Ana' })
  await expect.poll(() => anaRow.textContent()).toContain('1 of 2')
  expect(await anaRow.textContent()).toContain('Online')
  const chat = team.locator(`[data-testid="team-chat"][data-conversation-id="${c.id}"]`)
  await chat.waitFor()
  expect(await chat.textContent()).toContain('Jonas')
  expect(await chat.textContent()).toContain('Ana')
  expect(await boss.getByTestId('role').isHidden()).toBe(true)
  expect(await boss.getByTestId('agent-capacity').isHidden()).toBe(true)

  await chat.getByTestId('reassign').click()
  const dialog = boss.getByTestId('transfer-dialog')
  await dialog.getByText('Ben', { exact: true }).click()
  await dialog.getByTestId('transfer-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await expect.poll(() => ben!.offers.has(c.id)).toBe(true)
  await expect.poll(() => rowOf(ana, 'my-chats', c.id).count()).toBe(0)
  await ben!.accept(c.id)
  await expect.poll(() => chat.textContent()).toContain('Ben')
})
