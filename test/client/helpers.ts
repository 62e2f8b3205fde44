import type { Chat, ChatEvents, StorageLike } from '../../src/client/types.js'

/** A shared in-memory StorageLike (what every tab of one origin shares, in Node). */
export function mapStorage(): StorageLike & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) }
}

/** Resolve once `predicate` holds (checked every few ms), or fail after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** The next `event` of a chat that satisfies `match`. */
export function nextEvent<E extends keyof ChatEvents>(
  chat: Chat,
  event: E,
  match: (...args: Parameters<ChatEvents[E]>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ChatEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`timed out waiting for '${String(event)}'`))
    }, timeoutMs)
    const off = chat.on(event, ((...args: Parameters<ChatEvents[E]>) => {
      if (!match(...args)) return
      clearTimeout(timer)
      off()
      resolve(args[0])
    }) as ChatEvents[E])
  })
}

/** Every emission of the given events, in order, as `[event, payload]`. */
export function record(chat: Chat, events: Array<keyof ChatEvents>): Array<[keyof ChatEvents, unknown]> {
  const log: Array<[keyof ChatEvents, unknown]> = []
  for (const event of events) chat.on(event, ((payload: unknown) => log.push([event, payload])) as ChatEvents[typeof event])
  return log
}
