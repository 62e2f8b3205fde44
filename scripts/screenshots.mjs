// `npm run screenshots`: PNGs of every state of the widget at 1280x800 and 390x844, light, dark and
// right-to-left (and the agent console's, by console-screenshots.mjs), into screenshots/ (gitignored), against a real server, agent and Chromium. Look at
// them as a site owner would before calling a widget change done.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { chromium } from 'playwright-core'
import { createServer } from '../dist/server.js'
import { createAgent } from '../dist/agent.js'
import { createChat } from '../dist/holdline.js'
import { SignJWT } from 'jose'

const OUT = 'screenshots'
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } }
const VARIANTS = {
  light: { colorScheme: 'light', dir: 'ltr', lang: 'en', says: ['Hi, my parcel has not arrived', 'Thanks, and can I change the address?'], agent: ['Hello! Let me check that for you.', 'It left our warehouse yesterday and arrives tomorrow.'] },
  dark: { colorScheme: 'dark', dir: 'ltr', lang: 'en', says: ['Hi, my parcel has not arrived', 'Thanks, and can I change the address?'], agent: ['Hello! Let me check that for you.', 'It left our warehouse yesterday and arrives tomorrow.'] },
  rtl: { colorScheme: 'light', dir: 'rtl', lang: 'ar', says: ['مرحبا، لم يصل طردي', 'شكرا، هل يمكنني تغيير العنوان؟'], agent: ['أهلا! دعني أتحقق من ذلك.', 'غادر مستودعنا أمس ويصل غدا.'] },
}

const root = mkdtempSync(join(tmpdir(), 'holdline-shots-'))
cpSync('examples', root, { recursive: true })
const page = (v, url) =>
  `<!doctype html><html lang="${v.lang}" dir="${v.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>Shop</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
@media (prefers-color-scheme: dark){body{background:#0e1014;color:#e8eaf0}}</style></head><body><h1>${v.dir === 'rtl' ? 'متجر' : 'A shop with a live chat'}</h1>
<p>${v.dir === 'rtl' ? 'صفحة فيها محادثة مباشرة.' : 'Lorem ipsum: a product page, with the chat in the corner.'}</p>
<script src="/dist/holdline.iife.js" data-widget-id="shots" data-dir="${v.dir}" data-lang="${v.lang}"${url ? ` data-url="${url}"` : ''}></script></body></html>`

// A signed-in customer (HS256, as a site's backend signs it) and the page that mounts the widget for them.
const SECRET = 'screenshots-secret-long-enough-0123456789'
const identityToken = () => new SignJWT({ sub: 'anne', name: 'Anne' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(SECRET))
const signedInPage = (v, token) =>
  page(v).replace(/<script src=[^>]*><\/script>/, `<script src="/dist/holdline.iife.js" data-mount="false"></script>
<script>Holdline.mountWidget({ url: location.origin, widgetId: 'shots-signed-in', identity: '${token}' })</script>`)

const until = (fn) => new Promise((resolve) => { const t = setInterval(() => { if (fn()) { clearInterval(t); resolve() } }, 20) })

rmSync(OUT, { recursive: true, force: true })
mkdirSync(OUT, { recursive: true })
const browser = await chromium.launch({ executablePath: process.env.HOLDLINE_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
const written = []
for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
  for (const [variantName, v] of Object.entries(VARIANTS)) {
    const server = await createServer({ host: '127.0.0.1', port: 0, graceMs: 1500, heartbeatMs: 500, reconnectWindowMs: 60_000, staticRoot: root,
      agentTokens: { t: { id: 'ana', name: 'Ana', capacity: 5 } }, identity: { secret: SECRET } })
    writeFileSync(join(root, `${variantName}.html`), page(v))
    writeFileSync(join(root, `${variantName}-down.html`), page(v, 'http://127.0.0.1:9'))
    const agent = createAgent({ url: server.url, token: 't', WebSocket })
    await agent.connect()
    const context = await browser.newContext({ viewport, colorScheme: v.colorScheme, ...(viewportName === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) })
    const p = await context.newPage()
    const shot = async (state) => {
      const file = join(OUT, `${state}-${viewportName}-${variantName}.png`)
      await p.screenshot({ path: file })
      written.push(file)
    }
    const q = (id) => p.getByTestId(id)
    const say = async (text) => { await q('input').fill(text); await q('input').press('Enter') }

    await p.goto(`${server.url}/${variantName}-down.html`)
    await q('launcher').click()
    await q('retry').waitFor({ state: 'visible', timeout: 10_000 })
    await shot('08-still-connecting')
    await p.evaluate(() => localStorage.clear())

    await p.goto(`${server.url}/${variantName}.html`)
    await q('launcher').waitFor()
    await shot('01-closed')
    await q('launcher').click()
    await p.waitForFunction(() => document.querySelector('holdline-chat').chat.connection === 'connected')
    await shot('02-open')
    await say(v.says[0])
    await q('waiting').waitFor({ state: 'visible' })
    await shot('03-waiting')
    await until(() => agent.offers.size > 0)
    const id = [...agent.offers.keys()][0]
    await agent.accept(id)
    await agent.send(id, v.agent[0])
    await say(v.says[1])
    await agent.send(id, v.agent[1])
    await p.locator('[data-from="agent"]').nth(1).waitFor()
    agent.typing(id)
    await q('typing').filter({ hasText: '…' }).waitFor()
    await shot('04-chatting')
    await context.setOffline(true)
    await say(v.dir === 'rtl' ? 'هل ما زلت هنا؟' : 'Are you still there?')
    await q('connection-text').filter({ hasText: 'offline' }).waitFor()
    await shot('05-offline')
    await context.setOffline(false)
    await p.waitForFunction(() => document.querySelector('holdline-chat').chat.connection === 'connected')
    await q('close').click()
    await agent.send(id, v.dir === 'rtl' ? 'نعم، أنا هنا.' : 'Yes, I am here. The new address is saved.')
    await q('unread').filter({ hasText: '1' }).waitFor()
    await shot('06-unread')
    await q('launcher').click()
    for (let i = 0; i < 12; i++) await agent.send(id, `${v.agent[1]} (${i + 1})`)
    await p.locator('[data-from="agent"]').nth(14).waitFor()
    await p.evaluate(() => (document.querySelector('holdline-chat').shadowRoot.querySelector('[data-testid="scroller"]').scrollTop = 0))
    await p.waitForFunction(() => document.querySelector('holdline-chat').shadowRoot.querySelector('[data-testid="scroller"]').scrollTop === 0)
    await agent.send(id, v.agent[0])
    await q('new-messages').waitFor({ state: 'visible' })
    await shot('07-new-messages-pill')
    await q('new-messages').click()
    await q('input').fill(v.dir === 'rtl' ? 'سؤال آخر' : 'One more question about')
    await agent.end(id)
    await q('ended').waitFor({ state: 'visible' })
    await shot('09-ended')
    await q('start-new').click()
    await p.waitForFunction((old) => document.querySelector('holdline-chat').chat.conversation?.id !== old && document.querySelector('holdline-chat').chat.connection === 'connected', id)
    // Away for longer than the window: Open -> Closed, then the R10 prompt on return.
    await say(v.says[0])
    const second = await p.evaluate(() => document.querySelector('holdline-chat').chat.conversation.id)
    await until(() => agent.offers.has(second))
    await agent.accept(second)
    const url = p.url()
    await p.goto('about:blank')
    await until(() => agent.conversations.get(second)?.status === 'wrap-up')
    await p.goto(url)
    await q('reconnect-choice').waitFor({ state: 'visible', timeout: 10_000 })
    await shot('10-reconnect-prompt')
    await q('reconnect-new').click()
    await q('new-chat-notice').waitFor({ state: 'visible' })
    await shot('11-new-chat-notice')

    // A signed-in customer's earlier chat (asked, answered, ended), then their new one with it above.
    const earlier = createChat({ url: server.url, widgetId: 'shots-signed-in', storage: 'memory', WebSocket, identity: identityToken })
    const { id: earlierId } = await earlier.start()
    await earlier.send(v.says[0])
    await until(() => agent.offers.has(earlierId))
    await agent.accept(earlierId)
    await agent.send(earlierId, v.agent[1])
    await earlier.end()
    earlier.destroy()
    writeFileSync(join(root, `${variantName}-signed-in.html`), signedInPage(v, await identityToken()))
    await p.goto(`${server.url}/${variantName}-signed-in.html`)
    await q('launcher').click()
    await q('history').waitFor({ state: 'visible' })
    await shot('12-earlier-closed')
    await q('history').locator('summary').click()
    await q('history').locator('ol').first().waitFor({ state: 'visible' })
    await shot('13-earlier-open')

    await context.close()
    agent.disconnect()
    await server.close()
  }
}
await browser.close()
rmSync(root, { recursive: true, force: true })
console.log(`wrote ${written.length} screenshots to ${OUT}/`)
// The agent console's states: screenshots/console-*.png.
await import('./console-screenshots.mjs')
