/**
 * A small seeded random generator (mulberry32), so a random schedule can be replayed from its seed.
 *
 * @example
 * const random = seeded(42)
 * random.between(100, 200) // the same number for the same seed, every run
 */
export interface Random {
  /** A float in [0, 1). */
  (): number
  /** An integer in [min, max]. */
  between(min: number, max: number): number
  /** One of `items`, each as likely as its weight. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T
  /** True with probability `p`. */
  chance(p: number): boolean
}

export function seeded(seed: number): Random {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return Object.assign(next, {
    between: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
      const total = items.reduce((sum, [, w]) => sum + w, 0)
      let r = next() * total
      for (const [item, w] of items) {
        r -= w
        if (r < 0) return item
      }
      return items[items.length - 1]![0]
    },
  })
}

/** The seed from `HOLDLINE_SEED`, or a fresh one; printed by the caller so a failure can be replayed. */
export function seedFromEnv(): number {
  return Number(process.env.HOLDLINE_SEED ?? Date.now() % 2 ** 31)
}
