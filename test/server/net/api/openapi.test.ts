/**
 * docs/openapi.json against the server: every route the server answers is documented and every
 * documented operation is answered; real answers of each (successes and errors) validate against the
 * document's response schemas (ajv, JSON Schema 2020-12), and so do real webhook deliveries.
 */
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HTTP_ROUTES } from '../../../../src/server/net/http-routes.js'
import { activeChat, customer, waitFor, type Frame, type Raw } from '../../../helpers/raw.js'
import { startServer, type StartedServer } from '../../../helpers/server.js'
import { Receiver } from '../../webhooks/receiver.js'

interface Operation {
  parameters?: Array<{ name: string; in: string }>
  responses: Record<string, { content?: Record<string, { schema: object }> }>
}
interface Doc {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { $ref: string } } } } } }>
  components: { schemas: Record<string, object> }
}

const doc = JSON.parse(readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8')) as Doc
// The document's component schemas as one JSON Schema 2020-12 resource, in ajv's strict mode (a
// misspelt keyword in the document fails here).
const ajv = new Ajv2020({ strict: true, allErrors: true })
ajv.addSchema(JSON.parse(JSON.stringify({ $defs: doc.components.schemas }).replaceAll('#/components/schemas/', '#/$defs/')), 'openapi')
const compiled = (schema: object) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'openapi#/$defs/')))

const SECRET = 'whsec-openapi-0123456789'
let s: StartedServer
let r: Receiver
const sockets: Raw[] = []
let ids: { active: string; open: string }

beforeAll(async () => {
  r = new Receiver(SECRET)
  await r.up()
  s = await startServer({ staticRoot: false, distRoot: false, webhookPollMs: 50, webhooks: [{ url: r.url, secret: SECRET }], agentTokens: { 'agent-token': { id: 'a1', name: 'Ana', capacity: 2 }, 'bo-token': 'b2' } })
  const chat = await activeChat(s.url)
  chat.c.raw.send({ type: 'message', clientId: 'm1', text: 'hi' })
  await chat.a.raw.next((f) => f.type === 'event' && (f.item as Frame).text === 'hi')
  const queued = await customer(s.url, { tabId: 'tab-2' })
  sockets.push(chat.a.raw, chat.c.raw, queued.raw)
  ids = { active: chat.id, open: String(queued.welcome.conversationId) }
})
afterAll(async () => {
  for (const raw of sockets) await raw.close()
  await s?.close()
  await r?.down()
})

/** What a request answered, checked against the operation documented for `method template`. */
async function answerOf(method: string, template: string, path: string, init: RequestInit = {}): Promise<number> {
  const operation = doc.paths[template]?.[method.toLowerCase()]
  expect(operation, `${method} ${template} documented`).toBeDefined()
  const res = await fetch(s.url + path, { method, ...init })
  const documented = operation!.responses[String(res.status)]
  expect(documented, `${method} ${path} answered ${res.status}, not documented for it`).toBeDefined()
  const [type, media] = Object.entries(documented!.content ?? {})[0] ?? []
  const text = await res.text()
  if (!type) {
    expect(text).toBe('')
    return res.status
  }
  expect(res.headers.get('content-type')?.split(';')[0]).toBe(type)
  const validate = compiled(media!.schema)
  const body: unknown = type === 'application/json' ? JSON.parse(text) : text
  expect(validate(body) ? [] : validate.errors, `${method} ${path} -> ${res.status}`).toEqual([])
  return res.status
}

const admin = { headers: { authorization: 'Bearer admin-token' } }
const asAgent = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

describe('docs/openapi.json', () => {
  it('is OpenAPI 3.1 and documents exactly the routes the server answers', () => {
    expect(doc.openapi).toBe('3.1.0')
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect((doc as unknown as { info: { version: string } }).info.version).toBe(pkg.version)
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort()
    expect(documented).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort())
  })

  it('every documented operation is answered, and its answers validate against the document', async () => {
    const answered = new Set<string>()
    const check = async (method: string, template: string, path: string, init: RequestInit, status: number): Promise<void> => {
      expect(await answerOf(method, template, path, init), `${method} ${path}`).toBe(status)
      answered.add(`${method} ${template}`)
    }
    await check('GET', '/healthz', '/healthz', {}, 200)
    await check('GET', '/readyz', '/readyz', {}, 200)
    await check('GET', '/metrics', '/metrics', {}, 200)
    await check('POST', '/v1/away', '/v1/away', { body: 'not json' }, 400)
    await check('GET', '/api/conversations', '/api/conversations', admin, 200)
    await check('GET', '/api/conversations', '/api/conversations?limit=1', admin, 200)
    await check('GET', '/api/conversations', '/api/conversations?state=open&sub=u1&from=0&to=99999999999999', asAgent('agent-token'), 200)
    await check('GET', '/api/conversations', '/api/conversations?limit=zero', admin, 400)
    await check('GET', '/api/conversations', '/api/conversations', {}, 401)
    await check('GET', '/api/conversations/{id}', `/api/conversations/${ids.active}`, admin, 200)
    await check('GET', '/api/conversations/{id}', `/api/conversations/${ids.active}`, asAgent('bo-token'), 403)
    await check('GET', '/api/conversations/{id}', '/api/conversations/missing', admin, 404)
    await check('GET', '/api/conversations/{id}/transcript', `/api/conversations/${ids.active}/transcript`, asAgent('agent-token'), 200)
    await check('GET', '/api/conversations/{id}/transcript', '/api/conversations/missing/transcript', admin, 404)
    await check('GET', '/api/conversations/{id}/transcript.txt', `/api/conversations/${ids.active}/transcript.txt`, admin, 200)
    await check('GET', '/api/conversations/{id}/transcript.txt', `/api/conversations/${ids.active}/transcript.txt`, { headers: { authorization: 'Bearer nope' } }, 401)
    await check('GET', '/api/agents', '/api/agents', admin, 200)
    await check('GET', '/api/agents', '/api/agents', asAgent('agent-token'), 403)
    await check('POST', '/api/conversations/{id}/close', `/api/conversations/${ids.open}/close`, asAgent('agent-token'), 409)
    await check('POST', '/api/conversations/{id}/close', `/api/conversations/${ids.active}/close`, asAgent('bo-token'), 403)
    await check('POST', '/api/conversations/{id}/close', `/api/conversations/${ids.active}/close`, asAgent('agent-token'), 200)
    await check('POST', '/api/conversations/{id}/close', `/api/conversations/${ids.open}/close`, admin, 200)
    await check('POST', '/api/conversations/{id}/close', '/api/conversations/missing/close', admin, 404)
    // A closed conversation's view (no presence deadline, a full history) validates too.
    await check('GET', '/api/conversations/{id}', `/api/conversations/${ids.open}`, admin, 200)
    expect([...answered].sort()).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort())
  })

  it('the webhook deliveries validate against the events it documents', async () => {
    // Both closed (here, when the test before did not get that far: then the close answers 409).
    for (const id of [ids.active, ids.open]) await fetch(`${s.url}/api/conversations/${id}/close`, { method: 'POST', ...admin })
    await waitFor(() => [...r.processed.values()].filter((e) => e.type === 'conversation.closed').length === 2, 10_000)
    const types = new Set<string>()
    for (const event of r.processed.values()) {
      const documented = doc.webhooks[String(event.type)]
      expect(documented, String(event.type)).toBeDefined()
      const validate = compiled(documented!.post.requestBody.content['application/json'].schema)
      expect(validate(event) ? [] : validate.errors, String(event.id)).toEqual([])
      types.add(String(event.type))
    }
    expect([...types].sort()).toEqual(Object.keys(doc.webhooks).sort())
  })
})
