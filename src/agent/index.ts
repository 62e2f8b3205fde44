/**
 * The agent SDK: `import { createAgent } from 'holdline/agent'`. Runs in browsers and in Node.
 */
export { createAgent } from './create-agent.js'
export { AgentError } from './errors.js'
export { fillCanned } from './fill-canned.js'
export type {
  Agent,
  AgentConnectionState,
  AgentConversation,
  AgentErrorShape,
  AgentEvents,
  AgentOptions,
} from './types.js'
export type { AgentInfo, CustomerPresence, MessageItem, StatusItem, TranscriptItem } from '../protocol/index.js'
export type { AgentRole, AgentSummary, NoteItem } from '../protocol/index.js'
export type { CannedResponse, CustomerDetails, PageVisit } from '../protocol/index.js'
