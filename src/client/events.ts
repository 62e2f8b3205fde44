import { createNanoEvents } from 'nanoevents'
import type { ChatEvents } from './types.js'

/** The chat's emitter: `on` is public, `emit` stays inside the SDK. */
export interface ChatEmitter {
  on<E extends keyof ChatEvents>(event: E, callback: ChatEvents[E]): () => void
  emit<E extends keyof ChatEvents>(event: E, ...args: Parameters<ChatEvents[E]>): void
  /** Drop every listener (on destroy). */
  clear(): void
}

/**
 * A typed nanoevents emitter whose `emit` survives a throwing listener: an app's bug in one
 * callback must not break the SDK's own bookkeeping, so the error is rethrown asynchronously.
 *
 * @example
 * ```ts
 * const events = createChatEmitter()
 * const off = events.on('connection', ({ state }) => console.log(state))
 * events.emit('connection', { state: 'connected', queued: 0 })
 * off()
 * ```
 */
export function createChatEmitter(): ChatEmitter {
  const emitter = createNanoEvents<ChatEvents>()
  return {
    on: (event, callback) => emitter.on(event, callback),
    emit(event, ...args) {
      const listeners = (emitter.events[event] ?? []).slice() as Array<(...a: unknown[]) => void>
      for (const listener of listeners) {
        try {
          listener(...args)
        } catch (error) {
          globalThis.setTimeout(() => {
            throw error
          }, 0)
        }
      }
    },
    clear() {
      emitter.events = {}
    },
  }
}
