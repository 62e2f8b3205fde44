import type { Chat, ConnectionState } from '../client/index.js'
import type { WidgetTexts } from './texts.js'

/** The connection line: nothing when all is well, the truth otherwise. `slow`: connecting for over ~5 s. */
export function connectionLine(state: ConnectionState, queued: number, texts: WidgetTexts, slow = false): string {
  switch (state) {
    case 'connected':
    case 'closed':
      return ''
    case 'connecting':
      return slow ? texts.stillConnecting : texts.connecting
    case 'reconnecting':
      return texts.reconnecting(queued)
    case 'offline':
      return texts.offline(queued)
  }
}

/** What the widget shows about the conversation, decided from the chat alone. */
export interface ChatView {
  ended: boolean
  /** Open, connected, and the customer has written: waiting for an agent. */
  waiting: boolean
  agentName?: string
  queued: number
}

export function chatView(chat: Chat): ChatView {
  const status = chat.conversation?.status
  const ended = status === 'wrap-up' || status === 'closed'
  const messages = chat.messages
  const queued = messages.filter((m) => m.pending).length
  const wrote = messages.some((m) => m.from === 'customer')
  const agentName = status === 'active' ? chat.conversation?.agent?.name : undefined
  return { ended, waiting: status === 'open' && wrote && chat.connection === 'connected', agentName, queued }
}
