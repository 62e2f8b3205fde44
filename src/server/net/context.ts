/**
 * What the network layer shares: one object per server, handed to every endpoint.
 */
import type { Emitter } from 'nanoevents'
import type { ServerEvents } from '../engine/events.js'
import type { EngineConfig } from '../engine/types.js'
import type { ResolvedOptions } from '../options.js'
import type { ConversationService } from '../runner/service.js'
import type { Store } from '../store/types.js'
import type { Hub } from './hub.js'
import type { IdentityVerifier } from './identity.js'
import type { Metrics } from './metrics.js'
import type { NewChatLimit } from './new-chat-limit.js'

export interface ServerContext {
  options: ResolvedOptions
  config: EngineConfig
  store: Store
  service: ConversationService
  hub: Hub
  metrics: Metrics
  events: Emitter<ServerEvents>
  now: () => number
  /** This server's id among the processes sharing the store (agent connection ids start with it). */
  processId: string
  /** True once close() began: new work is refused with `server-closing`. */
  closing: boolean
  /** Per-address count of new conversations; undefined when `newChatsPerAddress` is unset. */
  newChats: NewChatLimit | undefined
  /** Verifies `hello.identity`; undefined when `identity` is not configured (tokens are ignored). */
  identity?: IdentityVerifier | undefined
}
