/**
 * Frame validation for both directions. Every field is checked; a frame is either accepted whole or
 * refused with a stable code and a message. Nothing here throws, whatever the input.
 */
import type { ErrorCode } from './codes.js'
import type {
  AgentFrame,
  CustomerFrame,
  ServerToAgentFrame,
  ServerToCustomerFrame,
} from './frames.js'
import { DEFAULT_LIMITS, MAX_ID_LENGTH } from './limits.js'
import { CONVERSATION_STATUSES } from './frames.js'
import { MAX_CANNED_ID_LENGTH, MAX_CANNED_TITLE_LENGTH, MAX_TITLE_LENGTH, MAX_URL_LENGTH } from './context.js'

/** Result of parsing one frame. */
export type ParseResult<F> = { ok: true; frame: F } | { ok: false; code: ErrorCode; message: string }

/** Limits the parsers enforce; the server passes its configured ones. */
export interface ParseLimits {
  maxFrameBytes: number
  maxTextLength: number
}

type Check = (value: unknown) => boolean
type Shape = Record<string, { check: Check; optional?: boolean }>

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str: Check = (v) => typeof v === 'string'
const id: Check = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH
const seq: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v)
const bool: Check = (v) => typeof v === 'boolean'
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v)
const obj = (shape: Shape): Check => (v) => isObject(v) && fieldError(v, shape) === undefined
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check)
const req = (check: Check) => ({ check })
const opt = (check: Check) => ({ check, optional: true })

function fieldError(value: Record<string, unknown>, shape: Shape): string | undefined {
  for (const key in shape) {
    const rule = shape[key] as Shape[string]
    const field = value[key]
    if (field === undefined) {
      if (!rule.optional) return `missing field "${key}"`
      continue
    }
    if (!rule.check(field)) return `field "${key}" has the wrong type or value`
  }
  return undefined
}

const status = oneOf(...CONVERSATION_STATUSES)
const agentInfo = obj({ id: req(str), name: req(str) })
const credentials = { conversationId: req(id), token: req(id) }
// A client-made secret (a random UUID in practice): long enough not to be guessed.
const startId: Check = (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{22,64}$/.test(v)
const text = (limits: ParseLimits): Check => (v) => typeof v === 'string' && v.length <= limits.maxTextLength

const transcriptItem: Check = (v) => {
  if (!isObject(v)) return false
  if (v.kind === 'message')
    return fieldError(v, {
      seq: req(seq), id: req(str), from: req(oneOf('customer', 'agent', 'system')), text: req(str), at: req(num),
      clientId: opt(str), automated: opt(str), agent: opt(agentInfo),
    }) === undefined
  if (v.kind === 'status')
    return fieldError(v, { seq: req(seq), status: req(status), reason: req(str), at: req(num), agent: opt(agentInfo) }) === undefined
  return false
}

const presence = obj({
  conversationId: req(str), state: req(oneOf('connected', 'disconnected')), since: opt(num), deadline: opt(num),
})
const noteItem = obj({ id: req(str), at: req(num), text: req(str), agent: req(agentInfo), afterSeq: req(seq), clientId: opt(str) })
const agentSummary = obj({ id: req(str), name: req(str), online: req(bool), used: req(num), capacity: req(num) })
const snapshot = obj({
  id: req(str), status: req(status), widgetId: req(str), customer: req(isObject), agent: opt(agentInfo),
  createdAt: req(num), wrapUpDeadline: opt(num), presence: req(presence), transcript: req(arrayOf(transcriptItem)),
  notes: opt(arrayOf(noteItem)),
})
// Customer context and canned responses (context.ts).
const pageShape: Shape = {
  url: req((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_URL_LENGTH),
  title: req((v) => typeof v === 'string' && v.length <= MAX_TITLE_LENGTH),
}
const canned = obj({
  id: req((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_CANNED_ID_LENGTH),
  title: req((v) => typeof v === 'string' && v.length <= MAX_CANNED_TITLE_LENGTH),
  text: req(str),
})

const errorShape: Shape = { code: req(str), message: req(str), fatal: opt(bool), ref: opt(str) }
const ackShape: Shape = { clientId: req(str), seq: req(seq), messageId: req(str), conversationId: opt(str) }

function customerShapes(limits: ParseLimits): Record<string, Shape> {
  return {
    hello: {
      v: req(num), widgetId: req(id), tabId: req(id),
      resume: opt(obj({ ...credentials, lastSeq: req(seq) })), previous: opt(obj(credentials)),
      reconnect: opt(bool), customer: opt(obj({ name: opt((v) => typeof v === 'string' && v.length <= 200) })),
      start: opt(startId), page: opt(obj(pageShape)),
    },
    page: pageShape,
    message: { clientId: req(id), text: req(text(limits)) },
    ack: { seq: req(seq) },
    ping: { t: req(num) },
    typing: {},
    end: {},
    away: {},
  }
}

function agentShapes(limits: ParseLimits): Record<string, Shape> {
  return {
    auth: { v: req(num), token: req((v) => typeof v === 'string' && v.length <= 512), capacity: opt((v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 1000) },
    accept: { conversationId: req(id) },
    message: { conversationId: req(id), clientId: req(id), text: req(text(limits)) },
    end: { conversationId: req(id) },
    close: { conversationId: req(id) },
    typing: { conversationId: req(id) },
    ping: { t: req(num) },
    // The note's length is checked by the server (text-too-long, named by the conversation).
    transfer: { conversationId: req(id), to: opt(id), note: opt(str) },
    note: { conversationId: req(id), clientId: req(id), text: req(text(limits)) },
  }
}

const SERVER_TO_CUSTOMER: Record<string, Shape> = {
  welcome: {
    v: req(num), conversationId: req(str), token: req(str), status: req(status), agent: opt(agentInfo),
    resumed: req(bool), reconnected: opt(bool), newChatReason: opt(str), previousConversationId: opt(str),
    lastSeq: req(seq), graceMs: req(num), heartbeatMs: req(num), reconnectWindowMs: opt(num),
  },
  'reconnect-available': { conversationId: req(str), status: req(status), agent: opt(agentInfo), endedAt: req(num), expiresInMs: req(num) },
  event: { item: req(transcriptItem) },
  ack: ackShape,
  pong: { t: req(num) },
  typing: { from: req(oneOf('customer', 'agent')), conversationId: opt(str) },
  error: errorShape,
}

const SERVER_TO_AGENT: Record<string, Shape> = {
  ready: {
    v: req(num), agent: req(obj({ id: req(str), name: req(str), capacity: req(num) })),
    conversations: req(arrayOf(snapshot)), offers: req(arrayOf(snapshot)),
    graceMs: req(num), agentGraceMs: req(num), heartbeatMs: req(num), canned: opt(arrayOf(canned)),
    // A literal, not opt(oneOf(...)): the customer bundle then drops it whole (no call left behind).
    role: { check: (v) => v === 'agent' || v === 'supervisor', optional: true }, agents: opt(arrayOf(agentSummary)),
  },
  customer: { conversationId: req(str), customer: req(isObject) },
  offer: { conversation: req(snapshot) },
  'offer-withdrawn': { conversationId: req(str) },
  event: { conversationId: req(str), item: req(transcriptItem) },
  presence: { presence: req(presence) },
  capacity: { used: req(num), total: req(num) },
  ack: ackShape,
  pong: { t: req(num) },
  typing: { from: req(oneOf('customer', 'agent')), conversationId: opt(str) },
  error: errorShape,
  note: { conversationId: req(str), note: req(noteItem) },
  agents: { agents: req(arrayOf(agentSummary)) },
  conversation: { conversation: req(snapshot) },
}

function byteLength(raw: string): number {
  // A frame may be oversize in bytes before it is in characters (multi-byte UTF-8).
  return typeof TextEncoder === 'undefined' ? raw.length * 3 : new TextEncoder().encode(raw).length
}

/** True when `raw` is longer than `max` bytes of UTF-8; encodes only when the length cannot tell. */
function tooManyBytes(raw: string, max: number): boolean {
  if (raw.length > max) return true
  // At most three bytes per UTF-16 unit: short frames (every ping) need no encoding.
  return raw.length * 3 > max && byteLength(raw) > max
}

function parseWith<F>(raw: unknown, shapes: Record<string, Shape>, limits: ParseLimits): ParseResult<F> {
  if (typeof raw !== 'string') return { ok: false, code: 'bad-json', message: 'frames are JSON text' }
  if (tooManyBytes(raw, limits.maxFrameBytes))
    return { ok: false, code: 'frame-too-large', message: `frames are limited to ${limits.maxFrameBytes} bytes` }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { ok: false, code: 'bad-json', message: 'the frame is not valid JSON' }
  }
  if (!isObject(value)) return { ok: false, code: 'bad-json', message: 'a frame is a JSON object' }
  const type = value.type
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(shapes, type))
    return { ok: false, code: 'unknown-type', message: `unknown frame type ${JSON.stringify(type)?.slice(0, 40)}` }
  const shape = shapes[type] as Shape
  const problem = fieldError(value, shape)
  if (problem) {
    // Over-long text is its own code so the sender can tell "too long" from "malformed".
    const tooLong = 'text' in shape && typeof value.text === 'string' && value.text.length > limits.maxTextLength
    return tooLong
      ? { ok: false, code: 'text-too-long', message: `messages are limited to ${limits.maxTextLength} characters` }
      : { ok: false, code: 'bad-frame', message: `${type}: ${problem}` }
  }
  if (typeof value.text === 'string' && value.text.trim().length === 0)
    return { ok: false, code: 'bad-frame', message: `${type}: empty text` }
  return { ok: true, frame: value as F }
}

const DEFAULT_PARSE_LIMITS: ParseLimits = { maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes, maxTextLength: DEFAULT_LIMITS.maxTextLength }
// Server frames carry whole transcripts (agent `ready`): no size limit on what a client accepts.
const UNLIMITED: ParseLimits = { maxFrameBytes: Number.POSITIVE_INFINITY, maxTextLength: Number.POSITIVE_INFINITY }

// The shapes for each limits object, made once: a server parses every ping with them.
const customerCache = new WeakMap<ParseLimits, Record<string, Shape>>()
const agentCache = new WeakMap<ParseLimits, Record<string, Shape>>()

function shapesFor(cache: WeakMap<ParseLimits, Record<string, Shape>>, limits: ParseLimits, make: (l: ParseLimits) => Record<string, Shape>): Record<string, Shape> {
  let shapes = cache.get(limits)
  if (!shapes) cache.set(limits, (shapes = make(limits)))
  return shapes
}

/** Parse a frame a customer sent. */
export function parseCustomerFrame(raw: unknown, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseResult<CustomerFrame> {
  return parseWith(raw, shapesFor(customerCache, limits, customerShapes), limits)
}

/** Parse a frame an agent sent. */
export function parseAgentFrame(raw: unknown, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseResult<AgentFrame> {
  return parseWith(raw, shapesFor(agentCache, limits, agentShapes), limits)
}

/** Parse a frame the server sent to a customer. */
export function parseServerToCustomerFrame(raw: unknown): ParseResult<ServerToCustomerFrame> {
  return parseWith(raw, SERVER_TO_CUSTOMER, UNLIMITED)
}

/** Parse a frame the server sent to an agent. */
export function parseServerToAgentFrame(raw: unknown): ParseResult<ServerToAgentFrame> {
  return parseWith(raw, SERVER_TO_AGENT, UNLIMITED)
}

