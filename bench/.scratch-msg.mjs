import { createClient } from 'redis'
import WebSocket from 'ws'
const { createServer } = await import('../dist/server.js')
const url = 'redis://127.0.0.1:6399'
const ctl = createClient({ url }); await ctl.connect(); await ctl.flushAll()
const opts = { host: '127.0.0.1', port: 0, staticRoot: false, distRoot: false, store: url, pollMs: 60_000, agentTokens: { bench: { id: 'bench', name: 'Bench', capacity: 1000 } } }
const A = await createServer(opts), B = await createServer(opts)
const open = (u) => new Promise((res) => { const ws = new WebSocket(u); const frames = []; ws.on('message', (d) => { const f = JSON.parse(String(d)); frames.push(f); if (f.type === 'event' && u.includes('customer')) ws.send(JSON.stringify({ type: 'ack', seq: f.item.seq })) }); ws.on('open', () => res({ ws, frames })) })
const wait = (ms) => new Promise((r) => setTimeout(r, ms))
const ag = await open(`${B.url.replace('http', 'ws')}/v1/agent`); ag.ws.send(JSON.stringify({ type: 'auth', v: 1, token: 'bench' }))
await wait(300)
const c = await open(`${A.url.replace('http', 'ws')}/v1/customer`); c.ws.send(JSON.stringify({ type: 'hello', v: 1, widgetId: 'w', tabId: 't' }))
await wait(500)
const id = c.frames.find((f) => f.type === 'welcome').conversationId
ag.ws.send(JSON.stringify({ type: 'accept', conversationId: id }))
await wait(500)
const mon = ctl.duplicate(); await mon.connect(); const lines = []; await mon.monitor((l) => lines.push(l))
for (let i = 0; i < 3; i++) { c.ws.send(JSON.stringify({ type: 'message', clientId: 'm' + i, text: 'hi' + i })); await wait(150) }
console.log('--- agent')
await wait(200)
const from = lines.length
for (let i = 0; i < 3; i++) { ag.ws.send(JSON.stringify({ type: 'message', conversationId: id, clientId: 'a' + i, text: 'yo' + i })); await wait(150) }
await wait(200)
const show = (ls) => ls.filter((l) => !l.includes('[0 lua]')).map((l) => l.replace(/^[\d.]+ /, '').slice(0, 90))
console.log(show(lines.slice(0, from)).join('\n')); console.log('--- agent'); console.log(show(lines.slice(from)).join('\n'))
process.exit(0)
