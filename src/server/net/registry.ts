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

  add(key: string, value: T): void {
    const held = this.byKey.get(key)
    if (held === undefined) this.byKey.set(key, value)
    else if (!Array.isArray(held)) {
      if (held !== value) this.byKey.set(key, [held, value])
    } else if (!held.includes(value)) held.push(value)
  }

  remove(key: string, value: T): void {
    const held = this.byKey.get(key)
    if (held === undefined) return
    const rest = Array.isArray(held) ? held.filter((v) => v !== value) : held === value ? [] : [held]
    if (rest.length === 0) this.byKey.delete(key)
    else this.byKey.set(key, rest.length === 1 ? (rest[0] as T) : rest)
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
