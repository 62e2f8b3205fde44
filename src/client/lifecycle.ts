import type { LifecycleInput } from './machine.js'

/** The page objects lifecycle events come from; absent in Node and in some workers. */
export interface LifecycleEnvironment {
  window?: Pick<Window, 'addEventListener' | 'removeEventListener'>
  document?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>
}

function pageEnvironment(): LifecycleEnvironment {
  const env: LifecycleEnvironment = {}
  if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') env.window = window
  if (typeof document !== 'undefined' && typeof document.addEventListener === 'function') env.document = document
  return env
}

type Binding = [target: 'window' | 'document', event: string, toInput: (event: Event) => LifecycleInput | undefined]

const persisted = (event: Event): boolean => (event as PageTransitionEvent).persisted === true

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
  const doc = env.document
  const bindings: Binding[] = [
    ['document', 'visibilitychange', () => (doc?.visibilityState === 'hidden' ? 'hidden' : 'visible')],
    ['window', 'pageshow', (e) => (persisted(e) ? 'pageshow-persisted' : undefined)],
    ['window', 'pagehide', (e) => (persisted(e) ? 'pagehide-persisted' : 'pagehide')],
    ['document', 'freeze', () => 'freeze'],
    ['document', 'resume', () => 'resume'],
    ['window', 'online', () => 'online'],
    ['window', 'offline', () => 'offline'],
    ['window', 'focus', () => 'focus'],
  ]
  const removers = bindings.flatMap(([where, name, toInput]) => {
    const target = where === 'window' ? env.window : env.document
    if (!target) return []
    const listener = (event: Event): void => {
      const input = toInput(event)
      if (input) onInput(input)
    }
    target.addEventListener(name, listener)
    return [() => target.removeEventListener(name, listener)]
  })
  return () => removers.forEach((remove) => remove())
}

/** Whether the browser currently says it is online (true where it cannot tell). */
export function browserOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false
}
