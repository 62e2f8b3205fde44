/**
 * A webhook receiver on 127.0.0.1 (node:http) that misbehaves on purpose: answers 500, stays silent
 * past the sender's timeout, or is down (not listening) for a while. It verifies each signature the
 * way a receiver should (node:crypto, constant-time), and processes each event id once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the receiver does with the next request. */
export type Answer = 'ok' | 500 | 'hang'

export interface Delivery {
  id: string
  body: string
  signature: string
  valid: boolean
  answer: Answer
}

/** The check of the README's receiver example. */
export function verify(secret: string, body: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]))
  const t = Number(parts.t)
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1_000 - t) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest()
  const given = Buffer.from(parts.v1 ?? '', 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export class Receiver {
  /** Every request received, in order. */
  readonly deliveries: Delivery[] = []
  /** Events processed (first valid delivery of each id answered 2xx), by id. */
  readonly processed = new Map<string, Record<string, unknown>>()
  /** Answers for the coming requests, in order; 'ok' once it is empty. */
  script: Answer[] = []
  /** Ids being handled right now, to see whether two senders ever send one event at the same time. */
  private readonly inFlight = new Set<string>()
  overlaps = 0
  /** How long an 'ok' takes to answer. */
  okDelayMs = 0
  private server: Server | undefined
  private readonly hanging = new Set<ServerResponse>()
  port = 0

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`
  }

  /** Listens (on the same port as before, when it was up already). */
  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  /** Stops listening: connections are refused until up() again. */
  async down(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const res of this.hanging) res.destroy()
    this.hanging.clear()
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const id = String(req.headers['holdline-event-id'])
    const signature = String(req.headers['holdline-signature'])
    const valid = verify(this.secret, body, signature)
    const answer = this.script.shift() ?? 'ok'
    this.deliveries.push({ id, body, signature, valid, answer })
    if (this.inFlight.has(id)) this.overlaps++
    this.inFlight.add(id)
    const finish = (): void => void this.inFlight.delete(id)
    if (answer === 'hang') {
      this.hanging.add(res)
      res.on('close', finish)
      return
    }
    if (answer === 500 || !valid) {
      finish()
      return void res.writeHead(valid ? 500 : 400).end()
    }
    if (this.okDelayMs) await new Promise((r) => setTimeout(r, this.okDelayMs))
    // Idempotent: an id seen before is acknowledged and not processed again.
    if (!this.processed.has(id)) this.processed.set(id, JSON.parse(body) as Record<string, unknown>)
    finish()
    res.writeHead(204).end()
  }

  /** How many times each id was received. */
  seen(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const d of this.deliveries) counts.set(d.id, (counts.get(d.id) ?? 0) + 1)
    return counts
  }
}
