import type { AutomatedMessageId } from './frames.js'

/**
 * The one table of automated messages: id -> default text. The server's `messages` option
 * overrides any of them (localisation); nothing else in the code spells these texts.
 */
export const AUTOMATED_MESSAGES: Readonly<Record<AutomatedMessageId, string>> = {
  'customer-disconnected': 'Customer has disconnected.',
  'customer-ended': 'Customer has ended the conversation.',
  'agent-ended': 'The agent has ended the conversation.',
  'agent-joined': 'An agent has joined the conversation.',
  'wrap-up-timeout': 'The conversation was closed automatically.',
  'agent-closed': 'The conversation was closed.',
  'queue-timeout': 'No agent was available. The conversation was closed.',
  'agent-disconnected': 'The agent has been disconnected. Please wait while we reconnect you.',
  'agent-reconnected': 'The agent is back.',
  'customer-reconnected': 'Customer has reconnected to the previous conversation.',
  'agent-transferred': 'You are being transferred to another agent.',
}
