/**
 * The two WebSocket endpoints on the shared HTTP server: `/v1/customer` and `/v1/agent`.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import WebSocket, { WebSocketServer } from 'ws'
import { AgentConnection } from './agent-session.js'
import type { ServerContext } from './context.js'
import { CustomerConnection } from './customer-session.js'
import { originAllowed } from './origin.js'
import { newConnectionId } from './tokens.js'

/** Every open connection, for the dead-socket sweep and close(). */
export type AnyConnection = CustomerConnection | AgentConnection

/** The endpoints as the server's lifecycle needs them. */
export interface Endpoints {
  wss: WebSocketServer
  /** Live connections. */
  connections: Set<AnyConnection>
  /** Resolves once every connection has closed and its departure is recorded in the store. */
  departed(): Promise<void>
}

/**
 * Attaches the endpoints to `http`.
 * @example const { connections } = attachEndpoints(ctx, httpServer)
 */
export function attachEndpoints(ctx: ServerContext, http: HttpServer): Endpoints {
  // maxPayload above our own limit, so an oversize frame gets our error frame rather than a bare close.
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.options.limits.maxFrameBytes * 4 + 1024 })
  const connections = new Set<AnyConnection>()
  const lifetimes = new Set<Promise<void>>()
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== '/v1/customer' && path !== '/v1/agent') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const lifetime = onSocket(ctx, ws, req, path, connections)
      lifetimes.add(lifetime)
      void lifetime.then(() => lifetimes.delete(lifetime))
    })
  })
  return { wss, connections, departed: async () => void (await Promise.all(lifetimes)) }
}

/** Serves one socket; resolves when it has closed and its departure is recorded. */
function onSocket(ctx: ServerContext, ws: WebSocket, req: IncomingMessage, path: string, connections: Set<AnyConnection>): Promise<void> {
  const side = path === '/v1/agent' ? 'agent' : 'customer'
  const conn = side === 'agent' ? new AgentConnection(newConnectionId(), ws, ctx) : new CustomerConnection(newConnectionId(), ws, ctx)
  if (ctx.closing) return refused(conn, 'server-closing', 'the server is shutting down')
  if (!originAllowed(ctx.options.allowedOrigins, req.headers.origin)) {
    return refused(conn, 'origin-forbidden', `origin ${req.headers.origin ?? ''} is not allowed`)
  }
  connections.add(conn)
  ctx.metrics.connections[side] += 1
  ws.on('message', (data, isBinary) => conn.receive(data, isBinary))
  ws.on('error', (error) => ctx.events.emit('error', { error, context: `${side}:socket` }))
  return new Promise((resolve) => {
    ws.on('close', () => {
      connections.delete(conn)
      ctx.metrics.connections[side] -= 1
      void conn.onClose().then(resolve, resolve)
    })
  })
}

function refused(conn: AnyConnection, code: 'server-closing' | 'origin-forbidden', message: string): Promise<void> {
  conn.refuse(code, message, { fatal: true })
  return Promise.resolve()
}
