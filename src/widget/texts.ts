/**
 * Every text the widget shows, in one table. Pass `texts` to override any of them (localisation).
 * Functions receive the numbers they mention.
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
  reconnecting: string
  offline: (queued: number) => string
  closed: string
  queued: string
  agentTyping: string
  waitingForAgent: string
  ended: string
  startNew: string
  reconnectQuestion: string
  reconnectContinue: string
  reconnectNew: string
  newChatNotice: string
  you: string
  agent: string
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
  reconnecting: 'Reconnecting… Your messages will be sent when the connection is back.',
  offline: (queued) =>
    `You are offline. ${queued > 0 ? `${queued} message${queued === 1 ? '' : 's'} will be sent` : 'Messages will be sent'} when you are back.`,
  closed: 'Disconnected.',
  queued: 'Queued',
  agentTyping: 'The agent is typing…',
  waitingForAgent: 'Waiting for an agent…',
  ended: 'This chat has ended.',
  startNew: 'Start a new chat',
  reconnectQuestion: 'Continue your previous chat?',
  reconnectContinue: 'Continue previous chat',
  reconnectNew: 'Start a new chat',
  newChatNotice: 'Your previous chat has ended. This is a new conversation.',
  you: 'You',
  agent: 'Agent',
}
