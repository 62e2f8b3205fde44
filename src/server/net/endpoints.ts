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

/**
 * Attaches the endpoints to `http`. Returns the live connection set.
 * @example const connections = attachEndpoints(ctx, httpServer)
 */
export function attachEndpoints(ctx: ServerContext, http: HttpServer): { wss: WebSocketServer; connections: Set<AnyConnection> } {
  // maxPayload above our own limit, so an oversize frame gets our error frame rather than a bare close.
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.options.limits.maxFrameBytes * 4 + 1024 })
  const connections = new Set<AnyConnection>()
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== '/v1/customer' && path !== '/v1/agent') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ctx, ws, req, path, connections))
  })
  return { wss, connections }
}

function onSocket(ctx: ServerContext, ws: WebSocket, req: IncomingMessage, path: string, connections: Set<AnyConnection>): void {
  const side = path === '/v1/agent' ? 'agent' : 'customer'
  const conn = side === 'agent' ? new AgentConnection(newConnectionId(), ws, ctx) : new CustomerConnection(newConnectionId(), ws, ctx)
  if (ctx.closing) return conn.refuse('server-closing', 'the server is shutting down', { fatal: true })
  if (!originAllowed(ctx.options.allowedOrigins, req.headers.origin)) {
    return conn.refuse('origin-forbidden', `origin ${req.headers.origin ?? ''} is not allowed`, { fatal: true })
  }
  connections.add(conn)
  ctx.metrics.connections[side] += 1
  ws.on('message', (data, isBinary) => conn.receive(data, isBinary))
  ws.on('error', (error) => ctx.events.emit('error', { error, context: `${side}:socket` }))
  ws.on('close', () => {
    connections.delete(conn)
    ctx.metrics.connections[side] -= 1
    void conn.onClose()
  })
}
