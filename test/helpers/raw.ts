/**
 * A raw-protocol client for server tests: a plain `ws` socket speaking frames.ts, recording every
 * frame received, with `next(predicate)` to await one.
 */
import WebSocket from 'ws'

export type Frame = Record<string, unknown> & { type: string }

export class Raw {
  readonly frames: Frame[] = []
  private waiters: Array<{ test: (f: Frame) => boolean; resolve: (f: Frame) => void; from: number }> = []
  closed = false
  readonly closedPromise: Promise<void>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame
      this.frames.push(frame)
      this.waiters = this.waiters.filter((w) => (w.test(frame) ? (w.resolve(frame), false) : true))
    })
    this.closedPromise = new Promise((r) => ws.on('close', () => ((this.closed = true), r())))
  }

  static async open(baseUrl: string, path: '/v1/customer' | '/v1/agent', headers: Record<string, string> = {}): Promise<Raw> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, { headers })
    const raw = new Raw(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return raw
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** The first frame (already received or coming) matching `test`, after index `from`. */
  next(test: (f: Frame) => boolean, { from = 0, timeoutMs = 5_000 } = {}): Promise<Frame> {
    const found = this.frames.slice(from).find(test)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs)
      this.waiters.push({ test, from, resolve: (f) => (clearTimeout(timer), resolve(f)) })
    })
  }

  /** Next frame of `type` received after now. */
  nextOfType(type: string, extra: (f: Frame) => boolean = () => true): Promise<Frame> {
    return this.next((f) => f.type === type && extra(f), { from: this.frames.length })
  }

  error(code: string): Promise<Frame> {
    return this.next((f) => f.type === 'error' && f.code === code)
  }

  /** Items of `event` frames, in arrival order. */
  items(conversationId?: string): Array<Record<string, unknown>> {
    return this.frames
      .filter((f) => f.type === 'event' && (conversationId === undefined || f.conversationId === conversationId))
      .map((f) => f.item as Record<string, unknown>)
  }

  /** Abrupt drop (no close handshake), like a lost network. */
  drop(): void {
    this.ws.terminate()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.ws.close()
    await this.closedPromise
  }
}

/** A customer that said hello and got its welcome. */
export async function customer(url: string, hello: Record<string, unknown> = {}): Promise<{ raw: Raw; welcome: Frame }> {
  const raw = await Raw.open(url, '/v1/customer')
  raw.send({ type: 'hello', v: 1, widgetId: 'site', tabId: 'tab-1', ...hello })
  const welcome = await raw.next((f) => f.type === 'welcome')
  return { raw, welcome }
}

/** An authenticated agent. */
export async function agent(url: string, token = 'agent-token'): Promise<{ raw: Raw; ready: Frame }> {
  const raw = await Raw.open(url, '/v1/agent')
  raw.send({ type: 'auth', v: 1, token })
  const ready = await raw.next((f) => f.type === 'ready')
  return { raw, ready }
}

/** A customer whose conversation a fresh agent has accepted: active on both sides. */
export async function activeChat(url: string): Promise<{ a: { raw: Raw; ready: Frame }; c: { raw: Raw; welcome: Frame }; id: string }> {
  const a = await agent(url)
  const c = await customer(url)
  const id = String(c.welcome.conversationId)
  await a.raw.next((f) => f.type === 'offer')
  a.raw.send({ type: 'accept', conversationId: id })
  await c.raw.next((f) => f.type === 'event' && (f.item as Frame).status === 'active')
  return { a, c, id }
}

/** Polls `predicate` until it holds (for state reached through the server, not a frame). */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('waitFor timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}
