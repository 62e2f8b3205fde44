import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DeadlineHeap } from '../../../src/server/store/deadline-heap.js'
import { DEADLINE_KINDS, type Deadline } from '../../../src/server/engine/types.js'

const d = (conversationId: string, at: number, kind: Deadline['kind'] = 'grace'): Deadline => ({ conversationId, kind, at })

describe('DeadlineHeap', () => {
  it('gives due deadlines earliest first, up to the limit, each once', () => {
    const heap = new DeadlineHeap()
    heap.replace('a', [d('a', 30)])
    heap.replace('b', [d('b', 10), d('b', 50, 'queue')])
    heap.replace('c', [d('c', 20)])
    expect(heap.takeDue(40, 2).map((x) => x.conversationId)).toEqual(['b', 'c'])
    expect(heap.takeDue(40, 10).map((x) => x.conversationId)).toEqual(['a'])
    expect(heap.takeDue(40, 10)).toEqual([])
    expect(heap.next()).toBe(50)
  })

  it('forgets the deadlines a replace supersedes', () => {
    const heap = new DeadlineHeap()
    heap.replace('a', [d('a', 10), d('a', 20, 'queue')])
    heap.replace('a', [d('a', 30)])
    expect(heap.next()).toBe(30)
    expect(heap.takeDue(100, 10)).toEqual([d('a', 30)])
    heap.replace('b', [d('b', 5)])
    heap.replace('b', [])
    expect(heap.next()).toBeUndefined()
  })

  it('gives back every kind of deadline as it was given', () => {
    const heap = new DeadlineHeap()
    const all = DEADLINE_KINDS.map((kind, i) => d('a', 10 + i, kind))
    heap.replace('a', all)
    expect(heap.takeDue(100, 100)).toEqual(all)
  })

  it('keeps one entry for a deadline restated by every replace', () => {
    const heap = new DeadlineHeap()
    // An idle customer's pings: the liveness deadline moves, the queue deadline stays.
    for (let i = 0; i < 100; i++) heap.replace('a', [d('a', 100 + i, 'liveness'), d('a', 10_000, 'queue')])
    expect(heap.size).toBe(101)
    expect(heap.takeDue(10_000, 10)).toEqual([d('a', 199, 'liveness'), d('a', 10_000, 'queue')])
    expect(heap.size).toBe(0)
  })

  it('agrees with a plain list under any sequence of replaces and claims', () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant('replace' as const), id: fc.constantFrom('a', 'b', 'c'), ats: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }) }),
      fc.record({ type: fc.constant('take' as const), now: fc.integer({ min: 0, max: 100 }), limit: fc.integer({ min: 1, max: 5 }) }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const heap = new DeadlineHeap()
        let model: Deadline[] = []
        for (const o of ops) {
          if (o.type === 'replace') {
            const kinds: Deadline['kind'][] = ['grace', 'queue', 'wrap-up']
            const next = o.ats.map((at, i) => d(o.id, at, kinds[i]))
            model = [...model.filter((x) => x.conversationId !== o.id), ...next]
            heap.replace(o.id, next)
          } else {
            const taken = heap.takeDue(o.now, o.limit)
            const due = model.filter((x) => x.at <= o.now).sort((x, y) => x.at - y.at)
            expect(taken.map((x) => x.at)).toEqual(due.slice(0, o.limit).map((x) => x.at))
            for (const t of taken) model.splice(model.indexOf(model.find((x) => x.conversationId === t.conversationId && x.kind === t.kind)!), 1)
          }
          expect(heap.next()).toBe(model.length ? Math.min(...model.map((x) => x.at)) : undefined)
        }
      }),
    )
  })
})
