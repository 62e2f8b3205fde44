/**
 * The bundles and pages as a browser and a CDN receive them: brotli or gzip, ETag and 304, a short
 * cache for `/dist/` and a year, immutable, for `/dist/v<version>/`; and the API alone when asked.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, expect, test } from 'vitest'
import { startServer, type StartedServer } from '../../helpers/server.js'

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
const BUNDLE = readFileSync('dist/holdline.iife.js')
const servers: StartedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A raw GET (fetch would decompress and hide the encoding). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject).end()
  })
}

test('bundles: brotli preferred, gzip otherwise, identity when neither is accepted; each with its own ETag', async () => {
  const s = await startServer()
  servers.push(s)
  const url = `${s.url}/dist/holdline.iife.js`
  const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' })
  expect(br.headers['content-encoding']).toBe('br')
  expect(br.headers.vary).toBe('Accept-Encoding')
  expect(brotliDecompressSync(br.body).equals(BUNDLE)).toBe(true)
  expect(br.body.length).toBeLessThan(BUNDLE.length / 2)
  const gz = await get(url, { 'accept-encoding': 'gzip' })
  expect(gz.headers['content-encoding']).toBe('gzip')
  expect(gunzipSync(gz.body).equals(BUNDLE)).toBe(true)
  const plain = await get(url, { 'accept-encoding': 'br;q=0, gzip;q=0' })
  expect(plain.headers['content-encoding']).toBeUndefined()
  expect(plain.body.equals(BUNDLE)).toBe(true)
  expect(plain.headers['content-length']).toBe(String(BUNDLE.length))
  expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3)
  const head = await get(url, { 'accept-encoding': 'br' }, 'HEAD')
  expect(head.headers['content-length']).toBe(String(br.body.length))
  expect(head.body.length).toBe(0)
})

test('ETag revalidation answers 304 with no body', async () => {
  const s = await startServer()
  servers.push(s)
  for (const path of ['/dist/holdline.iife.js', '/']) {
    const first = await get(`${s.url}${path}`, { 'accept-encoding': 'br' })
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await get(`${s.url}${path}`, { 'accept-encoding': 'br', 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.etag).toBe(etag)
    expect((await get(`${s.url}${path}`, { 'accept-encoding': 'br', 'if-none-match': '"other"' })).status).toBe(200)
  }
})

test('caching: /dist/ briefly, /dist/v<version>/ for a year as immutable, pages revalidated; other versions redirect', async () => {
  const s = await startServer()
  servers.push(s)
  expect((await get(`${s.url}/dist/holdline.iife.js`)).headers['cache-control']).toBe('public, max-age=300')
  const pinned = await get(`${s.url}/dist/v${VERSION}/holdline.iife.js`)
  expect(pinned.status).toBe(200)
  expect(pinned.body.equals(BUNDLE)).toBe(true)
  expect(pinned.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  expect((await get(`${s.url}/`)).headers['cache-control']).toBe('no-cache')
  const old = await get(`${s.url}/dist/v0.0.0-old/holdline.iife.js`)
  expect(old.status).toBe(302)
  expect(old.headers.location).toBe('/dist/holdline.iife.js')
  expect(old.headers['cache-control']).toBe('no-cache')
})

test('the API alone: no pages and no bundles, the endpoints and routes as ever', async () => {
  const s = await startServer({ staticRoot: false, distRoot: false })
  servers.push(s)
  expect((await get(`${s.url}/`)).status).toBe(404)
  expect((await get(`${s.url}/dist/holdline.iife.js`)).status).toBe(404)
  expect((await get(`${s.url}/dist/v0.0.0-old/holdline.iife.js`)).status).toBe(404)
  expect((await get(`${s.url}/healthz`)).status).toBe(200)
  expect((await get(`${s.url}/readyz`)).status).toBe(200)
})
