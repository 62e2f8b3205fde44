// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { watchLifecycle } from '../../src/client/lifecycle.js'
import type { LifecycleInput } from '../../src/client/machine.js'

function pageTransition(type: 'pageshow' | 'pagehide', persisted: boolean): Event {
  const event = new Event(type)
  Object.defineProperty(event, 'persisted', { value: persisted })
  return event
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('watchLifecycle (real DOM events)', () => {
  it('turns each page lifecycle event into an input', () => {
    const inputs: LifecycleInput[] = []
    const stop = watchLifecycle((input) => inputs.push(input))
    const visibility = vi.spyOn(document, 'visibilityState', 'get')

    visibility.mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    visibility.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    window.dispatchEvent(pageTransition('pagehide', true))
    window.dispatchEvent(pageTransition('pageshow', true))
    window.dispatchEvent(pageTransition('pagehide', false))
    window.dispatchEvent(pageTransition('pageshow', false))
    document.dispatchEvent(new Event('freeze'))
    document.dispatchEvent(new Event('resume'))
    window.dispatchEvent(new Event('offline'))
    window.dispatchEvent(new Event('online'))
    window.dispatchEvent(new Event('focus'))

    expect(inputs).toEqual([
      'hidden',
      'visible',
      'pagehide-persisted',
      'pageshow-persisted',
      'pagehide',
      'freeze',
      'resume',
      'offline',
      'online',
      'focus',
    ])
    stop()
    window.dispatchEvent(new Event('online'))
    expect(inputs).toHaveLength(10)
  })

  it('does nothing without a page (Node, workers)', () => {
    const inputs: LifecycleInput[] = []
    const stop = watchLifecycle((input) => inputs.push(input), {})
    window.dispatchEvent(new Event('online'))
    stop()
    expect(inputs).toEqual([])
  })
})
