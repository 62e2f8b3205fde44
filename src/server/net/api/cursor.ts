/**
 * Paging of the conversation list: newest first (createdAt, then id, descending), and a cursor that
 * names the last one returned, so a page after it is right even while conversations are added.
 */
import type { Conversation } from '../../engine/types.js'
import { BadQuery } from './respond.js'

/** Where a page ends: the sort key of its last conversation. */
export interface CursorKey {
  createdAt: number
  id: string
}

/** The cursor after `conv`. */
export function cursorAfter(conv: Conversation): string {
  return Buffer.from(JSON.stringify([conv.createdAt, conv.id]), 'utf8').toString('base64url')
}

/** The key a cursor names; throws BadQuery when it is not one of ours. */
export function readCursor(cursor: string): CursorKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return { createdAt: value[0] as number, id: value[1] }
    }
  } catch {
    // Worded below, as for any cursor that is not ours.
  }
  throw new BadQuery('cursor is not one this API returned')
}

/** Newest first; ties by id, so the order is total and a cursor is unambiguous. */
export function newestFirst(a: CursorKey, b: CursorKey): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/** True when `conv` comes after the cursor's key in {@link newestFirst} order. */
export function isAfter(conv: CursorKey, key: CursorKey): boolean {
  return newestFirst(key, conv) < 0
}
