import { HoldlineError } from '../transport/errors.js'
import type { AgentErrorShape } from './types.js'

/**
 * The error agent actions reject with. `code` is the server's wire code (`forbidden`,
 * `capacity-full`, `conflict`, `unauthorized`, ...), `closed` after `disconnect()`, or
 * `socket-refused` when the browser would not open a socket to the URL.
 *
 * @example
 * ```ts
 * try { await agent.accept(id) } catch (error) {
 *   if (error instanceof AgentError && error.code === 'conflict') console.log('taken by someone else')
 * }
 * ```
 */
export class AgentError extends HoldlineError<AgentErrorShape['code']> implements AgentErrorShape {
  constructor(code: AgentErrorShape['code'], message?: string, ref?: string) {
    super(code, message, ref)
    this.name = 'AgentError'
  }
}
