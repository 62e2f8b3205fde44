/**
 * Every text the widget shows, in one table. Pass `texts` to override any of them (localisation).
 * Functions receive the numbers or names they mention.
 */
export interface WidgetTexts {
  launcher: string
  title: string
  close: string
  inputLabel: string
  placeholder: string
  send: string
  end: string
  endConfirm: string
  endCancel: string
  endQuestion: string
  connecting: string
  /** Shown after about 5 s of `connecting`, beside a retry button. */
  stillConnecting: string
  retry: string
  reconnecting: (queued: number) => string
  offline: (queued: number) => string
  closed: string
  queued: string
  agentTyping: string
  waitingForAgent: string
  /** The place in the queue (1 = next) and, when the server can tell, the estimated wait. */
  queuePosition: (position: number, waitMs?: number) => string
  agentJoined: (name: string) => string
  ended: string
  startNew: string
  reconnectQuestion: string
  reconnectContinue: string
  reconnectNew: string
  newChatNotice: string
  /** Heads a signed-in customer's earlier conversations (read-only, above the transcript). */
  history: string
  newMessages: string
  /** The launcher's accessible name while messages are unread. */
  unread: (count: number) => string
  /** Announced (visually hidden, polite) while the panel is closed. */
  announce: (author: string, text: string) => string
  storageUnavailable: string
  you: string
  agent: string
  transcriptLabel: string
}

const messages = (n: number): string => `${n} message${n === 1 ? '' : 's'}`
const willSend = (n: number): string => `${n > 0 ? messages(n) : 'Messages'} will be sent`
const minutes = (ms: number): string => {
  const m = Math.max(1, Math.round(ms / 60_000))
  return `about ${m} minute${m === 1 ? '' : 's'}`
}

export const DEFAULT_TEXTS: WidgetTexts = {
  launcher: 'Chat with us',
  title: 'Chat',
  close: 'Close chat window',
  inputLabel: 'Your message',
  placeholder: 'Type a message…',
  send: 'Send',
  end: 'End chat',
  endConfirm: 'Yes, end the chat',
  endCancel: 'Keep chatting',
  endQuestion: 'End this chat?',
  connecting: 'Connecting…',
  stillConnecting: 'Still trying to connect…',
  retry: 'Try again',
  reconnecting: (queued) => `Reconnecting… ${willSend(queued)} when the connection is back.`,
  offline: (queued) => `You are offline. ${willSend(queued)} when you are back.`,
  closed: 'Disconnected.',
  queued: 'Queued',
  agentTyping: 'The agent is typing…',
  waitingForAgent: 'Waiting for an agent…',
  queuePosition: (position, waitMs) =>
    `Waiting for an agent: you are ${position === 1 ? 'next' : `number ${position} in the queue`}${waitMs === undefined ? '' : `, ${minutes(waitMs)}`}.`,
  agentJoined: (name) => `You are chatting with ${name}`,
  ended: 'This chat has ended.',
  startNew: 'Start a new chat',
  reconnectQuestion: 'Continue your previous chat?',
  reconnectContinue: 'Continue previous chat',
  reconnectNew: 'Start a new chat',
  newChatNotice: 'Your previous chat has ended. This is a new conversation.',
  history: 'Earlier conversations',
  newMessages: 'New messages ↓',
  unread: (count) => `${messages(count)} unread`,
  announce: (author, text) => `New message from ${author}: ${text}`,
  storageUnavailable: 'Your browser does not let this site store data: a reload will start a new chat.',
  you: 'You',
  agent: 'Agent',
  transcriptLabel: 'Messages',
}
