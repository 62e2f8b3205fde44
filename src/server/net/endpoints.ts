/**
 * The two WebSocket endpoints on the shared HTTP server: `/v1/customer` and `/v1/agent`.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type WebSocket from 'ws'
import type { WebSocketServer } from 'ws'
import { AgentSocket } from './agent-socket.js'
import type { ServerContext } from './context.js'
import { CustomerSocket } from './customer-socket.js'
import { clientAddress } from './new-chat-limit.js'
import { originAllowed } from './origin.js'
import { agentConnectionId } from '../runner/agent-presence.js'
import { newConnectionId } from './tokens.js'

/** Every open connection, for the dead-socket sweep and close(). */
export type AnyConnection = CustomerSocket | AgentSocket

/** The open connections, by their socket. */
export type Connections = Map<WebSocket, AnyConnection>

/** What the endpoints hold open. */
export interface Endpoints {
  wss: WebSocketServer
  /** Connections accepted and not yet closed. */
  connections: Connections
  /** Sockets refused (an error frame, then a close) whose close has not completed yet. */
  refused: Set<WebSocket>
  /** Resolves once every connection has closed and its departure is recorded in the store. */
  departed(): Promise<void>
  /** Sends a protocol ping to `conn`; its pong counts as a sign of life. */
  probe(conn: AnyConnection): void
}

/**
 * Attaches the endpoints to `http`. `Server` is ws's WebSocketServer, passed in because `ws` is an
 * optional peer loaded at start (see peer.ts).
 * @example const { connections } = attachEndpoints(ctx, httpServer, WebSocketServer)
 */
export function attachEndpoints(ctx: ServerContext, http: HttpServer, Server: typeof WebSocketServer): Endpoints {
  const wss = new Server({
    noServer: true,
    // maxPayload above our own limit, so an oversize frame gets our error frame rather than a bare close.
    maxPayload: ctx.options.limits.maxFrameBytes * 4 + 1024,
    // No clientTracking: ws would add a closure per socket to keep its own set; ours are above.
    clientTracking: false,
    // ws's default, stated because it matters: deflate would keep zlib state (tens of KiB) per socket.
    perMessageDeflate: false,
  })
  const connections: Connections = new Map()
  const departures = new Departures()
  const endpoints: Endpoints = { wss, connections, refused: new Set(), departed: () => departures.settled(connections), probe: (conn) => probe(conn.ws, listeners) }
  const listeners = socketListeners(ctx, endpoints, departures)
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== '/v1/customer' && path !== '/v1/agent') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    const origin = req.headers.origin
    // Read only when counted: an idle customer then holds no address string.
    const address = ctx.newChats && path === '/v1/customer' ? clientAddress(req, ctx.options.trustProxy) : undefined
    const userAgent = path === '/v1/customer' ? req.headers['user-agent'] : undefined
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ctx, ws, origin, address, path, endpoints, listeners, userAgent))
  })
  return endpoints
}

interface Listeners {
  message(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void
  pong(this: WebSocket): void
  error(this: WebSocket, error: Error): void
  close(this: WebSocket): void
  refusedClose(this: WebSocket): void
}

/**
 * One set of socket listeners per server, not per socket: each finds its connection from the socket
 * it is called on, so an idle connection costs no closures.
 */
function socketListeners(ctx: ServerContext, { connections, refused }: Endpoints, departures: Departures): Listeners {
  return {
    message(data, isBinary) {
      connections.get(this)?.receive(data, isBinary)
    },
    pong() {
      const conn = connections.get(this)
      if (conn) conn.lastAliveAt = ctx.now()
    },
    error(error) {
      ctx.events.emit('error', { error, context: `${connections.get(this)?.side ?? 'refused'}:socket` })
    },
    close() {
      const conn = connections.get(this)
      if (!conn) return
      connections.delete(this)
      conn.stopHelloTimer()
      ctx.metrics.connections[conn.side] -= 1
      departures.track(conn.onClose())
    },
    refusedClose() {
      refused.delete(this)
    },
  }
}

function onSocket(ctx: ServerContext, ws: WebSocket, origin: string | undefined, address: string | undefined, path: string, endpoints: Endpoints, listeners: Listeners, userAgent?: string): void {
  const conn = path === '/v1/agent' ? new AgentSocket(agentConnectionId(ctx, newConnectionId()), ws, ctx) : new CustomerSocket(newConnectionId(), ws, ctx, address, userAgent)
  const allowed = originAllowed(ctx.options.allowedOrigins, origin)
  if (ctx.closing || !allowed) {
    endpoints.refused.add(ws)
    ws.on('close', listeners.refusedClose)
    // A bad frame before the close completes would otherwise be an uncaught 'error' event.
    ws.on('error', listeners.error)
    if (ctx.closing) return conn.refuse('server-closing', 'the server is shutting down', { fatal: true })
    return conn.refuse('origin-forbidden', `origin ${origin ?? ''} is not allowed`, { fatal: true })
  }
  endpoints.connections.set(ws, conn)
  ctx.metrics.connections[conn.side] += 1
  ws.on('message', listeners.message)
  ws.on('error', listeners.error)
  ws.on('close', listeners.close)
  conn.awaitHello()
}

/** Departures still being recorded in the store, so that close() can wait for them. */
class Departures {
  private readonly pending = new Set<Promise<void>>()

  track(departure: Promise<void>): void {
    const done = departure.catch(() => undefined)
    this.pending.add(done)
    void done.then(() => this.pending.delete(done))
  }

  /** Resolves once `connections` is empty (their close events came) and every departure is recorded. */
  async settled(connections: Connections): Promise<void> {
    while (connections.size > 0 || this.pending.size > 0) {
      // A timer, not a microtask, while only closes are awaited: their events need the loop to turn.
      if (this.pending.size > 0) await Promise.all(this.pending)
      else await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}

/**
 * The pong listener is added with a socket's first probe. Only sockets silent for a heartbeat are
 * probed, so most never get one, and a fourth listener grows every socket's listener table by ~100
 * bytes.
 */
function probe(ws: WebSocket, listeners: Listeners): void {
  if (ws.listenerCount('pong') === 0) ws.on('pong', listeners.pong)
  ws.ping(undefined, undefined, ignore)
}

function ignore(): void {}
