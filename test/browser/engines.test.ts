/**
 * Issue 14 item 8: the core browser scenarios in Firefox ESR and WebKitGTK (Debian's builds; see
 * test/helpers/engines.ts). The page reaches the server through the TCP proxy of
 * test/helpers/proxy.ts: these browsers cannot be put offline over WebDriver, so a lost network is
 * the proxy dropping every connection and refusing new ones.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchFirefox, launchWebKit, type Engine, type Tab } from '../helpers/engines.js'
import { startProxy, type Proxy } from '../helpers/proxy.js'
import { agentAccepts, agentReceives, agentSeesStatus, messageTexts, serverView, startScenario, WIDGET_ID, type Scenario } from './harness.js'

// Finds `[data-testid]` elements through open shadow roots (the widget lives in one).
const FIND_ALL = `function findAll(id) {
  const out = []
  const walk = (root) => {
    out.push(...root.querySelectorAll('[data-testid="' + id + '"]'))
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot)
  }
  walk(document)
  return out
}`
const inPage = (body: string): string => `(() => { ${FIND_ALL}; const find = (id) => findAll(id)[0]; const shown = (el) => !!el && !el.closest('[hidden]') && el.getClientRects().length > 0; ${body} })()`

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout
  let last: T | undefined
  for (;;) {
    last = await read().catch(() => undefined as T)
    if (last !== undefined && ok(last)) return last
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const panelShown = (tab: Tab): Promise<boolean> => tab.run(inPage(`return shown(find('panel'))`))

async function openCustomer(tab: Tab, url: string): Promise<void> {
  await tab.goto(url)
  await until('the launcher or the panel', () => tab.run<boolean>(inPage(`return !!find('launcher') || shown(find('panel'))`)), (v) => v)
  if (!(await panelShown(tab))) await tab.run(inPage(`if (shown(find('launcher'))) find('launcher').click(); return true`))
  await until('the panel', () => panelShown(tab), (v) => v)
  await until('the composer', () => tab.run<boolean>(inPage(`const i = find('input'); return !!i && !i.disabled`)), (v) => v)
}

async function customerSays(tab: Tab, text: string): Promise<void> {
  await tab.run(inPage(`const i = find('input'); i.value = ${JSON.stringify(text)}; i.dispatchEvent(new Event('input', { bubbles: true })); find('composer').requestSubmit(); return true`))
}

const storedId = (tab: Tab): Promise<string | null> =>
  tab.run(`(() => { const raw = localStorage.getItem(${JSON.stringify(`holdline:${WIDGET_ID}`)}); return raw ? (JSON.parse(raw).conversationId ?? null) : null })()`)

const conversationIdOf = (tab: Tab): Promise<string> => until('a conversation id', () => storedId(tab), (v) => !!v) as Promise<string>

const transcript = (tab: Tab): Promise<string[]> => tab.run(inPage(`return findAll('message').map((el) => el.lastChild ? el.lastChild.textContent : '')`))

async function customerSees(tab: Tab, texts: string[]): Promise<void> {
  const shown = await until(`the page to show ${JSON.stringify(texts)}`, () => transcript(tab), (t) => texts.every((x) => t.includes(x)))
  for (const text of texts) expect(shown.filter((t) => t === text), `"${text}" shown once`).toHaveLength(1)
  const positions = texts.map((t) => shown.indexOf(t))
  expect(positions, 'in order').toEqual([...positions].sort((a, b) => a - b))
}

const connectionText = (tab: Tab): Promise<string> => tab.run(inPage(`const c = find('connection'); return c && shown(c) ? c.textContent : ''`))

const engines: [string, () => Promise<Engine>][] = [
  ['Firefox ESR', launchFirefox],
  ['WebKitGTK', launchWebKit],
]

describe.each(engines)('%s', (_name, launch) => {
  let engine: Engine
  let scenario: Scenario | undefined
  let proxy: Proxy | undefined

  beforeAll(async () => {
    engine = await launch()
  }, 30_000)
  afterAll(async () => {
    await engine?.close()
  }, 15_000)
  afterEach(async () => {
    await engine?.reset().catch(() => undefined)
    await proxy?.close()
    await scenario?.close()
    proxy = undefined
    scenario = undefined
  })

  async function start(graceMs?: number): Promise<{ url: string } & Scenario & { proxy: Proxy }> {
    scenario = await startScenario(graceMs ? { graceMs } : {})
    proxy = await startProxy(scenario.server.url)
    return { ...scenario, url: `${proxy.url}/`, proxy }
  }

  it('send and receive', async () => {
    const { url, agent } = await start()
    const tab = await engine.newTab()
    await openCustomer(tab, url)
    await customerSays(tab, 'hello from the customer')
    const id = await conversationIdOf(tab)
    await agentAccepts(agent, id)
    await agentReceives(agent, id, 'hello from the customer')
    await agent.send(id, 'hello from the agent')
    await customerSees(tab, ['hello from the customer', 'hello from the agent'])
  })

  it('a reload inside the window continues the same chat, transcript intact', async () => {
    const { url, agent, server } = await start()
    const tab = await engine.newTab()
    await openCustomer(tab, url)
    await customerSays(tab, 'before reload')
    const id = await conversationIdOf(tab)
    await agentAccepts(agent, id)
    await agentReceives(agent, id, 'before reload')
    await agent.send(id, 'reply before reload')
    await customerSees(tab, ['before reload', 'reply before reload'])

    await tab.goto('about:blank')
    await agent.send(id, 'during the reload')
    await openCustomer(tab, url)
    await customerSees(tab, ['before reload', 'reply before reload', 'during the reload'])
    expect(await storedId(tab)).toBe(id)
    const view = await serverView(server, id)
    expect(view.status).toBe('active')
    expect(messageTexts(view).filter((t) => t === 'before reload')).toHaveLength(1)
  })

  it('a network cut shorter than the window resumes and delivers the queued message once', async () => {
    // A wider window here: the client's reconnect backoff must fit inside it on a busy machine.
    const { url, agent, server, proxy } = await start(6_000)
    const tab = await engine.newTab()
    await openCustomer(tab, url)
    await customerSays(tab, 'first')
    const id = await conversationIdOf(tab)
    await agentAccepts(agent, id)
    await agentReceives(agent, id, 'first')

    proxy.refuse(true)
    proxy.dropAll()
    await until('the page to show it lost the connection', () => connectionText(tab), (t) => t.length > 0)
    await customerSays(tab, 'typed while cut off')
    // The count includes any message whose acknowledgement the cut lost; the server keeps each once.
    await until('the queued count', () => connectionText(tab), (t) => /\d+ messages? will be sent/.test(t))
    await agent.send(id, 'agent wrote meanwhile')
    proxy.refuse(false)

    await agentReceives(agent, id, 'typed while cut off')
    await customerSees(tab, ['first', 'agent wrote meanwhile', 'typed while cut off'])
    const view = await serverView(server, id)
    expect(view.status).toBe('active')
    expect(messageTexts(view).filter((t) => t === 'typed while cut off')).toHaveLength(1)
    expect(messageTexts(view).filter((t) => t === 'first')).toHaveLength(1)
    await until('the connection line to go', () => connectionText(tab), (t) => t === '')
  })

  it('a network cut longer than the window: wrap-up with customer-disconnected, a new chat on return', async () => {
    const { url, agent, server, proxy } = await start()
    const tab = await engine.newTab()
    await openCustomer(tab, url)
    await customerSays(tab, 'help please')
    const id = await conversationIdOf(tab)
    await agentAccepts(agent, id)

    const wrapUp = agentSeesStatus(agent, id, 'wrap-up')
    proxy.refuse(true)
    proxy.dropAll()
    const seen = await wrapUp
    expect(seen.transcript.some((i) => i.kind === 'message' && i.automated === 'customer-disconnected')).toBe(true)
    proxy.refuse(false)

    await until('the new-chat notice', () => tab.run<boolean>(inPage(`return shown(find('new-chat-notice'))`)), (v) => v)
    await customerSays(tab, 'back again')
    await until('a new conversation id', () => storedId(tab), (v) => !!v && v !== id)
    const view = await serverView(server, id)
    expect(view.status).toBe('wrap-up')
    expect(view.history.at(-1)).toMatchObject({ status: 'wrap-up', reason: 'customer-disconnected' })
    expect(messageTexts(view)).toContain('Customer has disconnected.')
  })

  it('two tabs show one conversation', async () => {
    const { url, agent } = await start()
    const first = await engine.newTab()
    await openCustomer(first, url)
    await customerSays(first, 'from tab one')
    const id = await conversationIdOf(first)
    await agentAccepts(agent, id)
    await agentReceives(agent, id, 'from tab one')

    const second = await engine.newTab()
    await openCustomer(second, url)
    expect(await storedId(second)).toBe(id)
    await customerSees(second, ['from tab one'])
    await agent.send(id, 'to both tabs')
    await customerSees(second, ['from tab one', 'to both tabs'])
    await customerSees(first, ['from tab one', 'to both tabs'])
  })
})
