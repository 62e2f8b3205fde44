/**
 * `--webhooks FILE`: a JSON array of endpoints (the `webhooks` option), or `{ "webhooks": [...] }`.
 * Read at start-up; its errors name the file.
 */
import { readFileSync } from 'node:fs'
import { resolveWebhooks } from './endpoints.js'
import type { WebhookEndpoint } from './types.js'

/**
 * The endpoints in `path`, checked. Throws an Error naming the file and what is wrong with it.
 * @example readWebhooksFile('/etc/holdline/webhooks.json')
 */
export function readWebhooksFile(path: string): WebhookEndpoint[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new Error(`--webhooks ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`--webhooks ${path}: not JSON (${(error as Error).message})`)
  }
  const list = Array.isArray(value) ? value : (value as { webhooks?: unknown } | null)?.webhooks
  try {
    resolveWebhooks(list ?? null)
  } catch (error) {
    throw new Error(`--webhooks ${path}: ${(error as Error).message.replace(/^holdline: /, '')}`)
  }
  return list as WebhookEndpoint[]
}
