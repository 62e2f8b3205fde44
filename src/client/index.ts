/**
 * holdline, the customer SDK: a live chat that survives reloads, lost networks and sleeping
 * phones for the server's grace window, and ends cleanly after it.
 *
 * @example
 * ```ts
 * import { createChat } from 'holdline'
 * const chat = createChat({ url: 'https://chat.example.com', widgetId: 'support' })
 * chat.on('message', (m) => console.log(m.from, m.text))
 * await chat.start()
 * await chat.send('Hello!')
 * ```
 * @packageDocumentation
 */
export { createChat } from './create-chat.js'
export { ChatError } from './errors.js'
export { DEFAULTS } from './options.js'
export type {
  Chat,
  ChatErrorCode,
  ChatErrorShape,
  ChatEvents,
  ChatMessage,
  ChatOptions,
  ClientErrorCode,
  ConnectionState,
  ConversationInfo,
  HistoryEntry,
  NewChatReason,
  ReconnectMode,
  StorageKind,
  StorageLike,
} from './types.js'
