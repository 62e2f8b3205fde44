/**
 * `value` without its undefined fields. Events, frames and stored records leave out what they do
 * not have rather than carrying `key: undefined`, so listeners can test `'agent' in conversation`.
 *
 * @example
 * ```ts
 * compact({ id: 'c1', agent: undefined }) // { id: 'c1' }
 * ```
 */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
