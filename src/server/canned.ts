/**
 * Canned responses as configured (`cannedResponses`, `--canned FILE`): checked once at start-up, so
 * a mistake in the file is said there, naming the file and the entry, rather than found by an agent.
 */
import { readFileSync } from 'node:fs'
import { MAX_CANNED, MAX_CANNED_ID_LENGTH, MAX_CANNED_TITLE_LENGTH, type CannedResponse } from '../protocol/context.js'

/** A configuration mistake, said in one line that names where it is. */
export class CannedError extends TypeError {}

function describe(entry: unknown): string {
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined
  return typeof id === 'string' && id !== '' ? ` (id ${JSON.stringify(id.slice(0, MAX_CANNED_ID_LENGTH))})` : ''
}

function sized(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max
}

/**
 * Checks `value` as canned responses; throws a {@link CannedError} naming `where` (a file, or the
 * option) and the entry (from 0) on the first mistake. `maxTextLength` is the server's message limit:
 * a reply longer than it could never be sent.
 *
 * @example checkCannedResponses([{ id: 'hi', title: 'Greeting', text: 'Hi {{name}}!' }], 'cannedResponses', 4000)
 */
export function checkCannedResponses(value: unknown, where: string, maxTextLength: number): CannedResponse[] {
  const fail = (message: string): never => {
    throw new CannedError(`holdline: ${where}: ${message}`)
  }
  if (!Array.isArray(value)) fail('canned responses must be a JSON array of { id, title, text }')
  const list = value as unknown[]
  if (list.length > MAX_CANNED) fail(`at most ${MAX_CANNED} canned responses (there are ${list.length})`)
  const seen = new Map<string, number>()
  return list.map((entry, i) => {
    const at = `entry ${i}${describe(entry)}`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`${at} must be an object { id, title, text }`)
    const { id, title, text, ...rest } = entry as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) fail(`${at} has an unknown field "${extra}" (the fields are id, title, text)`)
    if (!sized(id, MAX_CANNED_ID_LENGTH)) fail(`${at}: "id" must be a non-empty string of at most ${MAX_CANNED_ID_LENGTH} characters`)
    if (!sized(title, MAX_CANNED_TITLE_LENGTH)) fail(`${at}: "title" must be a non-empty string of at most ${MAX_CANNED_TITLE_LENGTH} characters`)
    if (!sized(text, maxTextLength)) fail(`${at}: "text" must be a non-empty string of at most ${maxTextLength} characters (limits.maxTextLength)`)
    const first = seen.get(id as string)
    if (first !== undefined) fail(`${at}: the id is already used by entry ${first}`)
    seen.set(id as string, i)
    return { id: id as string, title: title as string, text: text as string }
  })
}

/**
 * Reads and checks a canned responses file (`--canned FILE`): a JSON array of { id, title, text }.
 * Throws a {@link CannedError} naming the file when it cannot be read, is not JSON, or an entry is wrong.
 */
export function readCannedFile(path: string, maxTextLength: number): CannedResponse[] {
  let raw: string
  try {
    raw = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CannedError(`holdline: ${path}: cannot read the canned responses file (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    throw new CannedError(`holdline: ${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  return checkCannedResponses(value, path, maxTextLength)
}
