/**
 * How the back-office API answers: JSON, and errors as `{ error: code, message }` with a stable code.
 */
import type { ServerResponse } from 'node:http'

/** The API's error codes, one per HTTP status it uses. */
export type ApiErrorCode = 'unauthorized' | 'forbidden' | 'not-found' | 'bad-query' | 'conflict' | 'method-not-allowed'

const STATUS: Record<ApiErrorCode, number> = { unauthorized: 401, forbidden: 403, 'not-found': 404, 'bad-query': 400, conflict: 409, 'method-not-allowed': 405 }

/** Writes `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

/** Writes an API error. @example apiError(res, 'not-found', 'no such conversation') */
export function apiError(res: ServerResponse, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, STATUS[code], { error: code, message }, headers)
}

/** A query parameter that is not right: answered 400 `bad-query` with its message. */
export class BadQuery extends Error {}
