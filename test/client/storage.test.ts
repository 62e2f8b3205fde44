import { describe, expect, it, vi } from 'vitest'
import { memoryStorage, openStorage } from '../../src/client/storage.js'
import { parseRecord, updateRecord, withoutConversation } from '../../src/client/record.js'
import type { StorageLike } from '../../src/client/types.js'

function mapStorage(): StorageLike & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) }
}

function throwing(which: 'get' | 'set' | 'both'): StorageLike {
  const store = mapStorage()
  const boom = (): never => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }
  return {
    getItem: which === 'set' ? store.getItem : boom,
    setItem: which === 'get' ? store.setItem : boom,
    removeItem: store.removeItem,
  }
}

describe('openStorage: local -> session -> memory', () => {
  it('uses local storage when it works, and says nothing', () => {
    const local = mapStorage()
    const onUnavailable = vi.fn()
    const storage = openStorage('local', onUnavailable, { local: () => local, session: () => mapStorage() })
    storage.setItem('k', 'v')
    expect(local.map.get('k')).toBe('v')
    expect(storage.getItem('k')).toBe('v')
    expect(storage.kind).toBe('local')
    expect(onUnavailable).not.toHaveBeenCalled()
  })

  it.each(['get', 'set', 'both'] as const)('falls back to session when local throws on %s, and says so once', (which) => {
    const session = mapStorage()
    const onUnavailable = vi.fn()
    const storage = openStorage('local', onUnavailable, { local: () => throwing(which), session: () => session })
    storage.setItem('k', 'v')
    storage.setItem('k', 'w')
    expect(storage.getItem('k')).toBe('w')
    expect(storage.kind).toBe('session')
    expect(session.map.get('k')).toBe('w')
    expect(onUnavailable).toHaveBeenCalledTimes(1)
  })

  it('falls back to memory when local and session both throw (or are missing), still once', () => {
    const onUnavailable = vi.fn()
    const storage = openStorage('local', onUnavailable, {
      local: () => {
        throw new DOMException('denied', 'SecurityError')
      },
      session: () => throwing('both'),
    })
    storage.setItem('holdline:test-fallback', 'x')
    expect(storage.getItem('holdline:test-fallback')).toBe('x')
    expect(storage.kind).toBe('memory')
    expect(memoryStorage.getItem('holdline:test-fallback')).toBe('x')
    expect(onUnavailable).toHaveBeenCalledTimes(1)
    storage.removeItem('holdline:test-fallback')
  })

  it('a StorageLike that throws falls back to memory', () => {
    const onUnavailable = vi.fn()
    const storage = openStorage(throwing('set'), onUnavailable)
    storage.setItem('holdline:custom', '1')
    expect(storage.kind).toBe('memory')
    expect(storage.getItem('holdline:custom')).toBe('1')
    expect(onUnavailable).toHaveBeenCalledTimes(1)
    storage.removeItem('holdline:custom')
  })

  it("'memory' never touches Web Storage", () => {
    const local = vi.fn(() => mapStorage())
    openStorage('memory', vi.fn(), { local, session: local }).setItem('holdline:m', '1')
    expect(local).not.toHaveBeenCalled()
    memoryStorage.removeItem('holdline:m')
  })
})

describe('the stored local window', () => {
  it('parses what it wrote and ignores garbage', () => {
    expect(parseRecord('not json')).toEqual({ lastSeq: 0, outbox: [] })
    expect(parseRecord(null)).toEqual({ lastSeq: 0, outbox: [] })
    expect(parseRecord(JSON.stringify({ conversationId: 'c', lastSeq: 'x', outbox: [{ clientId: 1 }] }))).toEqual({ lastSeq: 0, outbox: [] })
    const record = { conversationId: 'c', token: 't', lastSeq: 3, awaySince: 5, lastAliveAt: 4, graceMs: 9, outbox: [{ clientId: 'a', text: 'hi', at: 1 }] }
    expect(parseRecord(JSON.stringify(record))).toEqual(record)
  })

  it('updateRecord re-reads before writing (another tab may have written)', () => {
    const store = mapStorage()
    const storage = openStorage(store, vi.fn())
    store.setItem('k', JSON.stringify({ conversationId: 'c', token: 't', lastSeq: 2, outbox: [] }))
    updateRecord(storage, 'k', (r) => ({ ...r, awaySince: 10 }))
    expect(parseRecord(store.getItem('k'))).toMatchObject({ conversationId: 'c', lastSeq: 2, awaySince: 10 })
  })

  it('withoutConversation keeps the outbox and the durations only', () => {
    const outbox = [{ clientId: 'a', text: 'hi', at: 1 }]
    expect(withoutConversation({ conversationId: 'c', token: 't', lastSeq: 3, awaySince: 1, graceMs: 9, outbox })).toEqual({ lastSeq: 0, graceMs: 9, outbox })
  })
})
