import type { StorageKind, StorageLike } from './types.js'

/** Storage that never throws: it moves on to the next kind when the current one fails. */
export interface SafeStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
  /** The kind in use now (`custom` for a StorageLike passed in). */
  readonly kind: StorageKind | 'custom'
}

/** Where Web Storage comes from; injectable so tests can hand in throwing stores. */
export interface StorageEnvironment {
  local?: () => StorageLike | undefined
  session?: () => StorageLike | undefined
}

// One memory store per page, so a chat destroyed and created again (an SPA remount) resumes.
const pageMemory = new Map<string, string>()

/** The page-wide memory store (also the last fallback). */
export const memoryStorage: StorageLike = {
  getItem: (key) => pageMemory.get(key) ?? null,
  setItem: (key, value) => void pageMemory.set(key, value),
  removeItem: (key) => void pageMemory.delete(key),
}

const browserEnvironment: Required<StorageEnvironment> = {
  local: () => globalThis.localStorage,
  session: () => globalThis.sessionStorage,
}

type Candidate = { kind: StorageKind | 'custom'; get: () => StorageLike | undefined }

function candidates(choice: StorageKind | StorageLike, env: Required<StorageEnvironment>): Candidate[] {
  const chain: Candidate[] = [
    { kind: 'local', get: env.local },
    { kind: 'session', get: env.session },
    { kind: 'memory', get: () => memoryStorage },
  ]
  // The chain from the chosen kind on; a StorageLike of the app's own falls back to memory.
  return typeof choice === 'object' ? [{ kind: 'custom', get: () => choice }, chain[2]!] : chain.slice(chain.findIndex((c) => c.kind === choice))
}

/**
 * Open storage with the fallback chain local -> session -> memory (a StorageLike falls back to
 * memory). Private modes and some webviews throw on access, on `getItem`, or on `setItem` (quota 0);
 * each failure moves to the next kind and `onUnavailable` is called once, with the first error.
 *
 * @example
 * ```ts
 * const storage = openStorage('local', (error) => console.warn('storage fallback', error))
 * storage.setItem('holdline:support', '{}')
 * ```
 */
export function openStorage(
  choice: StorageKind | StorageLike,
  onUnavailable: (error: unknown) => void,
  env: StorageEnvironment = {},
): SafeStorage {
  const chain = candidates(choice, { ...browserEnvironment, ...env })
  let index = 0
  let reported = false
  // What this page last read or wrote, carried over to the next kind on a fallback so that a
  // store which fails half-way (writes but cannot read, or the reverse) loses nothing.
  const known = new Map<string, string | null>()
  const fail = (error: unknown): void => {
    index += 1
    if (!reported) {
      reported = true
      onUnavailable(error)
    }
    let next: StorageLike | undefined
    try {
      next = chain[index]?.get()
    } catch {
      next = undefined
    }
    for (const [key, value] of known) {
      try {
        if (value === null) next?.removeItem(key)
        else next?.setItem(key, value)
      } catch {
        // The next kind fails too: the next operation moves on again.
      }
    }
  }
  // `index` never passes the last kind: run() rethrows there instead of failing over.
  const current = (): Candidate => chain[index]!
  function run<T>(op: (store: StorageLike) => T): T {
    for (;;) {
      const { kind, get } = current()
      try {
        const store = get()
        if (!store) throw new Error(`no ${kind} storage`)
        return op(store)
      } catch (error) {
        if (index >= chain.length - 1) throw error
        fail(error)
      }
    }
  }
  return {
    getItem: (key) => {
      const value = run((store) => store.getItem(key))
      known.set(key, value)
      return value
    },
    setItem: (key, value) => {
      known.set(key, value)
      run((store) => store.setItem(key, value))
    },
    removeItem: (key) => {
      known.set(key, null)
      run((store) => store.removeItem(key))
    },
    get kind() {
      return current().kind
    },
  }
}
