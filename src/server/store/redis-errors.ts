/**
 * Which node-redis failures mean "Redis could not be reached", turned into the store's one typed
 * failure so that an outage is told apart from a bug (see unavailable.ts).
 */
import { StoreUnavailableError } from './unavailable.js'

/**
 * node-redis's errors for a connection that is gone, by class name: the package is an optional peer,
 * loaded only when a Redis store is asked for, so this module must not import it.
 */
const UNREACHABLE = new Set([
  'ClientClosedError',
  'ClientOfflineError',
  'ConnectionTimeoutError',
  'DisconnectsClientError',
  'ReconnectStrategyError',
  'SocketClosedUnexpectedlyError',
  'SocketTimeoutError',
  'TimeoutError',
])

/** Replies of a Redis that is up but cannot serve now (loading its data, a replica, a cluster failing over). */
const NOT_NOW = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY)\b/

/** Socket-level failures node-redis passes on as they are. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/** `error` as a {@link StoreUnavailableError} when it says Redis is unreachable; otherwise unchanged. */
export function fromRedis(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof StoreUnavailableError) return error
  const code = (error as { code?: unknown }).code
  const unreachable =
    UNREACHABLE.has(error.constructor.name) ||
    NOT_NOW.test(error.message) ||
    (typeof code === 'string' && SOCKET_CODES.has(code))
  return unreachable ? new StoreUnavailableError(`redis unreachable (${error.message})`, { cause: error }) : error
}

/**
 * `store` with every method's failure passed through {@link fromRedis}: one place for every call,
 * rather than a try in each of the store's methods.
 */
export function guarded<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args)
          return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(fromRedis(error))) : result
        } catch (error) {
          throw fromRedis(error)
        }
      }
    },
  })
}
