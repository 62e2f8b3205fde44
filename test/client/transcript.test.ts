import { describe, expect, it } from 'vitest'
import { createSeqTracker, fromItem, fromOutbox } from '../../src/client/transcript.js'
import { enqueue, nextToSend, retire } from '../../src/client/outbox.js'
import { newClientId } from '../../src/transport/client-id.js'

describe('seq de-duplication', () => {
  it('accepts each seq once and tracks the highest seq without gaps', () => {
    const seen = createSeqTracker()
    expect([1, 2, 2, 1, 4, 3, 4, 5].map((s) => seen.accept(s))).toEqual([true, true, false, false, true, true, false, true])
    expect(seen.lastSeq).toBe(5)
    seen.reset()
    expect(seen.lastSeq).toBe(0)
    expect(seen.accept(1)).toBe(true)
  })

  it('refuses nonsense', () => {
    const seen = createSeqTracker()
    expect([0, -1, 1.5, Number.NaN].map((s) => seen.accept(s))).toEqual([false, false, false, false])
  })
})

describe('outbox', () => {
  it('keeps order, ignores a repeated clientId, retires on ack', () => {
    const a = { clientId: 'a', text: '1', at: 1 }
    const b = { clientId: 'b', text: '2', at: 2 }
    let box = enqueue(enqueue(enqueue([], a), b), a)
    expect(box).toEqual([a, b])
    expect(nextToSend(box)).toEqual(a)
    box = retire(box, 'a')
    expect(nextToSend(box)).toEqual(b)
    expect(nextToSend(retire(box, 'b'))).toBeUndefined()
  })

  it('client ids are unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, newClientId))
    expect(ids.size).toBe(1000)
  })

  it('maps items and pending entries to chat messages', () => {
    expect(fromItem({ kind: 'message', seq: 3, id: 'm', from: 'system', text: 'x', at: 9, automated: 'customer-disconnected' })).toEqual({
      id: 'm', seq: 3, from: 'system', text: 'x', at: 9, automated: 'customer-disconnected',
    })
    expect(fromOutbox({ clientId: 'a', text: 'hi', at: 4 })).toEqual({ id: 'a', seq: 0, from: 'customer', text: 'hi', at: 4, clientId: 'a', pending: true })
  })
})
