import type { LifecycleInput } from './machine.js'

/** The page objects lifecycle events come from; absent in Node and in some workers. */
export interface LifecycleEnvironment {
  window?: Pick<Window, 'addEventListener' | 'removeEventListener'>
  document?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>
}

/** The page's window and document, where there is a page. */
export function pageEnvironment(): LifecycleEnvironment {
  const { window, document } = globalThis as LifecycleEnvironment
  return {
    window: typeof window?.addEventListener === 'function' ? window : undefined,
    document: typeof document?.addEventListener === 'function' ? document : undefined,
  }
}

const WINDOW_EVENTS = ['pageshow', 'pagehide', 'online', 'offline', 'focus']
const DOCUMENT_EVENTS = ['visibilitychange', 'freeze', 'resume']

/** The input an event means; the other events are inputs of their own name. */
function toInput(event: Event, doc: LifecycleEnvironment['document']): LifecycleInput | undefined {
  const type = event.type
  if (type === 'visibilitychange') return doc?.visibilityState === 'hidden' ? 'hidden' : 'visible'
  if ((event as PageTransitionEvent).persisted === true) return `${type as 'pageshow' | 'pagehide'}-persisted`
  return type === 'pageshow' ? undefined : (type as LifecycleInput)
}

/**
 * Translate the browser's page lifecycle into {@link LifecycleInput}s. `beforeunload` and `unload`
 * are deliberately not used: they are unreliable on mobile and `unload` blocks the back/forward
 * cache. `freeze`/`resume` exist in Chromium only; the other browsers are covered by
 * visibilitychange and pagehide/pageshow. A non-persisted `pageshow` is the first load: ignored.
 *
 * @example
 * ```ts
 * const stop = watchLifecycle((input) => console.log(input))
 * // later
 * stop()
 * ```
 */
export function watchLifecycle(onInput: (input: LifecycleInput) => void, env: LifecycleEnvironment = pageEnvironment()): () => void {
  const listener = (event: Event): void => {
    const input = toInput(event, env.document)
    if (input) onInput(input)
  }
  const each = (method: 'addEventListener' | 'removeEventListener'): void => {
    for (const name of WINDOW_EVENTS) env.window?.[method](name, listener)
    for (const name of DOCUMENT_EVENTS) env.document?.[method](name, listener)
  }
  each('addEventListener')
  return () => each('removeEventListener')
}

/** Whether the browser currently says it is online (true where it cannot tell). */
export function browserOnline(): boolean {
  return (globalThis as { navigator?: Navigator }).navigator?.onLine !== false
}
