/**
 * Local connections by key (conversation id, agent id). Nearly every key has one connection, so it
 * is held alone and only a second one makes a list: at ten thousand idle customers, a list or a Set
 * per conversation would be the largest thing the registry holds.
 */
export class Registry<T extends object> {
  private readonly byKey = new Map<string, T | T[]>()

  get size(): number {
    return this.byKey.size
  }

  /** The connections under `key`, in the order they were added. */
  get(key: string): readonly T[] {
    const held = this.byKey.get(key)
    if (held === undefined) return []
    return Array.isArray(held) ? held : [held]
  }

  /** Adds `value` under `key`; false when it was there already. */
  add(key: string, value: T): boolean {
    const held = this.byKey.get(key)
    if (held === undefined) this.byKey.set(key, value)
    else if (!Array.isArray(held)) {
      if (held === value) return false
      this.byKey.set(key, [held, value])
    } else if (held.includes(value)) return false
    else held.push(value)
    return true
  }

  /** Removes `value` from under `key`; false when it was not there. */
  remove(key: string, value: T): boolean {
    const held = this.byKey.get(key)
    if (held === undefined) return false
    const rest = Array.isArray(held) ? held.filter((v) => v !== value) : held === value ? [] : [held]
    if (rest.length === (Array.isArray(held) ? held.length : 1)) return false
    if (rest.length === 0) this.byKey.delete(key)
    else this.byKey.set(key, rest.length === 1 ? (rest[0] as T) : rest)
    return true
  }

  /** Every key with a connection. */
  keys(): string[] {
    return [...this.byKey.keys()]
  }

  /** Every connection, under any key. */
  all(): T[] {
    return [...this.byKey.values()].flat() as T[]
  }
}
