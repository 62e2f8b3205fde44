/**
 * A TCP proxy in front of a server, to lose the network on purpose.
 *
 * - `dropAll()` destroys every live connection pair at once, as a lost network does (no close
 *   frame reaches either side; both see the TCP connection end).
 * - `pause()` holds traffic in both directions without closing anything: the sockets stay OPEN
 *   and silent, the half-open socket a phone produces when its network goes away. `resume()`
 *   delivers what was held, in order.
 * - `lateAnswer(ms)`: the next connection's first answer is late. Its HTTP handshake goes through
 *   (the client's socket opens, and it says `hello` or `auth`), then what the server sends is held
 *   for `ms`: a `ready` or `welcome` that is slow to come.
 * - `refuse(true)` makes new connections fail at once (the network is still gone).
 * - `retarget(url)` sends new connections to another server (a restarted one, on a new port).
 *
 * @example
 * ```ts
 * const proxy = await startProxy(server.url)
 * const chat = createChat({ url: proxy.url, widgetId: 'w', WebSocket, storage })
 * proxy.dropAll()
 * ```
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface Proxy {
  /** `http://127.0.0.1:<port>`: use it as the client's base URL. */
  url: string
  port: number
  /** Live connection pairs. */
  readonly connections: number
  /** How many connections were accepted so far. */
  readonly accepted: number
  /** When bytes from a client last went through towards the server (Date.now()), 0 before any. */
  readonly lastFromClient: number
  dropAll(): void
  pause(): void
  resume(): void
  lateAnswer(ms: number): void
  refuse(on: boolean): void
  retarget(target: string): void
  close(): Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket
}

// Unpiping (not just pausing) so that a 'drain' can never restart the flow behind our back.
function hold({ client, upstream }: Pair): void {
  client.unpipe(upstream)
  upstream.unpipe(client)
  client.pause()
  upstream.pause()
}

function flow({ client, upstream }: Pair): void {
  client.pipe(upstream)
  upstream.pipe(client)
}

/**
 * Passes the server's bytes up to the end of the HTTP response head, then holds the rest for `ms`
 * and delivers it in order (unless `stopped()` says the pair was paused or dropped meanwhile).
 */
function holdAfterHandshake(pair: Pair, ms: number, stopped: () => boolean): void {
  const { client, upstream } = pair
  client.pipe(upstream)
  let head: Buffer = Buffer.alloc(0)
  let passed = false
  const held: Buffer[] = []
  const onData = (chunk: Buffer): void => {
    if (passed) return void held.push(chunk)
    head = Buffer.concat([head, chunk])
    const end = head.indexOf('\r\n\r\n')
    if (end < 0) return
    passed = true
    client.write(head.subarray(0, end + 4))
    if (head.length > end + 4) held.push(head.subarray(end + 4))
    setTimeout(() => {
      upstream.pause()
      upstream.off('data', onData)
      if (client.destroyed) return
      for (const chunk of held) client.write(chunk)
      if (!stopped()) upstream.pipe(client)
    }, ms)
  }
  upstream.on('data', onData)
}

/** Start a proxy on 127.0.0.1, port 0, forwarding to the host and port of `target` (a URL). */
export async function startProxy(target: string): Promise<Proxy> {
  let { hostname, port } = new URL(target)
  const pairs = new Set<Pair>()
  let paused = false
  let refusing = false
  let late: number | undefined
  let accepted = 0
  let lastFromClient = 0

  const server: Server = createServer((client) => {
    if (refusing) return void client.destroy()
    accepted += 1
    const upstream = connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) })
    const pair = { client, upstream }
    pairs.add(pair)
    // Read only while flowing (pause() holds the bytes), so this is when the server could hear them.
    client.on('data', () => void (lastFromClient = Date.now()))
    if (paused) hold(pair)
    else if (late !== undefined) holdAfterHandshake(pair, late, () => paused || !pairs.has(pair))
    else flow(pair)
    late = undefined
    const end = (): void => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('proxy has no port')

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    get connections() {
      return pairs.size
    },
    get accepted() {
      return accepted
    },
    get lastFromClient() {
      return lastFromClient
    },
    dropAll() {
      for (const pair of [...pairs]) {
        pairs.delete(pair)
        pair.client.resetAndDestroy()
        pair.upstream.resetAndDestroy()
      }
    },
    pause() {
      paused = true
      for (const pair of pairs) hold(pair)
    },
    resume() {
      paused = false
      for (const pair of pairs) flow(pair)
    },
    lateAnswer(ms) {
      late = ms
    },
    refuse(on) {
      refusing = on
    },
    retarget(next) {
      ;({ hostname, port } = new URL(next))
    },
    async close() {
      for (const pair of [...pairs]) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      pairs.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
