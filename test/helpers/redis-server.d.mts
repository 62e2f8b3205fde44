/** A real redis-server on a free loopback port (see redis-server.mjs). */
export interface RunningRedis {
  url: string
  stop(): Promise<void>
  /** Starts it again on the same port (after `stop()`); with `persist`, with the data it had. */
  start(): Promise<void>
}

/** With `persist`, every write goes to an append-only file, so a `stop()` then `start()` keeps the data. */
export function startRedis(options?: { persist?: boolean }): Promise<RunningRedis>

/** A port free on 127.0.0.1 now (another process may take it before it is bound). */
export function freePort(): Promise<number>
