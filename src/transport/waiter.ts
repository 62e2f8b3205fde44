/** A promise's two ends, kept until the server answers what it waits for. */
export interface Waiter<T> {
  resolve(value: T): void
  reject(error: Error): void
}
