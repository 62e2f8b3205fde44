// The agent console's states as PNGs (screenshots/console-*.png), against a real server, real customers
// (raw protocol clients over `ws`), a colleague's agent SDK and Chromium. Run by `npm run screenshots`
// after the widget's, or alone: `npm run build && node scripts/console-screenshots.mjs`.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import { chromium } from 'playwright-core'
import { createServer } from '../dist/server.js'
import { createAgent } from '../dist/agent.js'

const OUT = 'screenshots'
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'
const CANNED = [
  { id: 'greet', title: 'Greeting', text: 'Hi {{name}}, thanks for getting in touch! How can I help?' },
  { id: 'order-status', title: 'Order status', text: 'Let me look up your order, {{name}}. Could you give me the order number?' },
  { id: 'refund', title: 'Refund policy', text: 'Refunds reach your card within 5 working days of our receiving the parcel.' },
  { id: 'bye', title: 'Closing', text: 'Is there anything else I can do for you today?' },
]

/** A customer over the raw protocol: says hello from a page, then writes. */
async function customer(url, name, page, texts) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/customer`, { headers: { 'user-agent': UA } })
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
  const frames = []
  ws.on('message', (data) => frames.push(JSON.parse(String(data))))
  ws.send(JSON.stringify({ type: 'hello', v: 1, widgetId: 'shop', tabId: randomBytes(8).toString('hex'), start: randomBytes(18).toString('base64url'), ...(name ? { customer: { name } } : {}), page }))
  await until(() => frames.some((f) => f.type === 'welcome'))
  const id = frames.find((f) => f.type === 'welcome').conversationId
  const pings = setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ type: 'ping', t: Date.now() })), 400)
  const say = (text) => ws.send(JSON.stringify({ type: 'message', clientId: randomBytes(8).toString('hex'), text }))
  for (const text of texts) say(text)
  return { id, ws, say, page: (p) => ws.send(JSON.stringify({ type: 'page', ...p })), close: () => (clearInterval(pings), ws.terminate()) }
}

const until = (fn, ms = 10_000) =>
  new Promise((resolve, reject) => {
    const end = Date.now() + ms
    const t = setInterval(() => {
      if (fn()) return clearInterval(t), resolve()
      if (Date.now() > end) clearInterval(t), reject(new Error('timed out'))
    }, 20)
  })

mkdirSync(OUT, { recursive: true })
const browser = await chromium.launch({ executablePath: process.env.HOLDLINE_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
const written = []

for (const [name, viewport, colorScheme] of [['desktop-light', DESKTOP, 'light'], ['desktop-dark', DESKTOP, 'dark'], ['phone-light', PHONE, 'light']]) {
  const phone = viewport === PHONE
  const server = await createServer({
    host: '127.0.0.1', port: 0, graceMs: 90_000, heartbeatMs: 500, wrapUpAutoCloseMs: 120_000, cannedResponses: CANNED,
    agentTokens: { ana: { id: 'ana', name: 'Ana Costa', capacity: 3 }, ben: { id: 'ben', name: 'Ben Okafor', capacity: 2 }, cleo: { id: 'cleo', name: 'Cleo Park', capacity: 2 } },
    adminTokens: ['boss'],
  })
  const ben = createAgent({ url: server.url, token: 'ben', WebSocket })
  await ben.connect()
  const context = await browser.newContext({ viewport, colorScheme, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) })
  const p = await context.newPage()
  const q = (id) => p.getByTestId(id)
  const shot = async (state) => {
    const file = join(OUT, `console-${state}-${name}.png`)
    await p.screenshot({ path: file })
    written.push(file)
  }
  const shop = (path, title) => ({ url: `https://shop.example.com${path}`, title })

  await p.goto(`${server.url}/agent.html`)
  await q('sign-in-screen').waitFor()
  await p.locator('#hl-token').fill('not-a-token')
  await q('sign-in').click()
  await q('sign-in-error').filter({ hasText: 'not accepted' }).waitFor()
  await shot('01-sign-in-error')
  await p.locator('#hl-token').fill('ana')
  await q('sign-in').click()
  await q('workspace').waitFor()
  await shot('02-empty')

  const maria = await customer(server.url, 'Maria Lopez', shop('/shoes/trail-runner-2', 'Trail Runner 2 · Shop'), ['Hi, my parcel has not arrived yet', 'Order 4411, sent last Monday'])
  const visitor = await customer(server.url, undefined, shop('/', 'Shop · Home'), ['Do you ship to Norway?'])
  await q('offer').nth(1).waitFor()
  await shot('03-offer')

  await q('accept').first().click()
  await p.locator('[data-testid="message"][data-from="customer"]').nth(1).waitFor()
  maria.page(shop('/orders/4411', 'Order 4411 · Shop'))
  maria.page(shop('/help/delivery', 'Delivery times · Help'))
  await p.locator('[data-testid="composer-text"]').fill('Thanks Maria, let me check that for you.')
  await p.locator('[data-testid="composer-text"]').press('Enter')
  await p.locator('[data-testid="message"][data-from="agent"]').waitFor()
  maria.say('Thank you! It says "in transit" since Tuesday.')
  await p.locator('[data-testid="message"][data-from="customer"]').nth(2).waitFor()
  await shot('04-conversation')

  await q('mode-note').click()
  await p.locator('[data-testid="composer-text"]').fill('Carrier shows a customs hold; asked the warehouse.')
  await p.locator('[data-testid="composer-text"]').press('Enter')
  await q('note').waitFor()
  await q('mode-reply').click()
  await shot('05-note')

  await p.locator('[data-testid="composer-text"]').fill('/ord')
  await q('canned-menu').waitFor()
  await shot('06-canned-menu')
  await p.locator('[data-testid="composer-text"]').press('Escape')
  await p.locator('[data-testid="composer-text"]').fill('')

  await q('transfer').click()
  await q('transfer-dialog').waitFor()
  await shot('07-transfer-dialog')
  await q('transfer-cancel').click()

  // Accept the second chat too, then take the first through wrap-up to closed.
  if (phone) await q('back').click()
  await q('accept').first().click()
  await p.locator(`main[data-conversation-id="${visitor.id}"]`).waitFor()
  if (phone) await q('back').click()
  await p.locator(`.hl-sidebar [data-conversation-id="${maria.id}"] button`).click()
  await q('agent-end').click()
  await q('state-banner').filter({ hasText: 'Wrap-up' }).waitFor()
  await shot('08-wrap-up')
  await q('agent-close').click()
  await p.locator('[data-testid="recent"] [data-testid="chat"]').waitFor({ state: 'attached' })
  await q('state-banner').filter({ hasText: 'Closed' }).waitFor()
  await shot('09-closed')
  if (phone) {
    await q('back').click()
    await shot('10-recent')
  }
  await q('help-button').click()
  await q('help').waitFor()
  await shot('11-help')
  await p.keyboard.press('Escape')

  // The supervisor sees the team and every live chat.
  const boss = await context.newPage()
  await boss.goto(`${server.url}/agent.html#token=boss`)
  if (phone) await boss.getByTestId('team-link').click()
  await boss.getByTestId('supervisor').waitFor()
  const third = await customer(server.url, 'Jonas Berg', shop('/cart', 'Your cart · Shop'), ['Can I pay by invoice?'])
  await boss.locator(`[data-testid="team-chat"][data-conversation-id="${third.id}"]`).waitFor()
  const file = join(OUT, `console-12-supervisor-${name}.png`)
  await boss.screenshot({ path: file })
  written.push(file)

  for (const c of [maria, visitor, third]) c.close()
  await context.close()
  ben.disconnect()
  await server.close()
}
await browser.close()
console.log(`wrote ${written.length} console screenshots to ${OUT}/`)
