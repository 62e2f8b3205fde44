import { describe, expectTypeOf, it } from 'vitest'
import { createChat, type Chat, type ChatMessage, type ConnectionState, type ConversationInfo } from '../../src/client/index.js'

describe('public types of the customer SDK', () => {
  it('events are typed, one context object each', () => {
    const chat = createChat({ url: 'https://x.example', widgetId: 'w' })
    chat.on('connection', (ctx) => {
      expectTypeOf(ctx.state).toEqualTypeOf<ConnectionState>()
      expectTypeOf(ctx.queued).toEqualTypeOf<number>()
    })
    chat.on('message', (m) => expectTypeOf(m).toEqualTypeOf<ChatMessage>())
    chat.on('new-chat', (info) => expectTypeOf(info.reason).toEqualTypeOf<'resume-expired' | 'resume-unknown' | 'token-invalid' | 'reconnect-unavailable' | 'local-window-passed'>())
    expectTypeOf(chat.on('resumed', () => {})).toEqualTypeOf<() => void>()
    // @ts-expect-error unknown event
    chat.on('nope', () => {})
    // @ts-expect-error wrong payload
    chat.on('message', (m: number) => m)
  })

  it('exposes on, never emit', () => {
    expectTypeOf<Chat>().not.toHaveProperty('emit')
    expectTypeOf<Chat['start']>().returns.toEqualTypeOf<Promise<ConversationInfo>>()
    expectTypeOf<Chat['send']>().parameters.toEqualTypeOf<[text: string]>()
  })

  it('options are checked', () => {
    // @ts-expect-error widgetId is required
    createChat({ url: 'https://x.example' })
    // @ts-expect-error reconnect mode
    createChat({ url: 'https://x.example', widgetId: 'w', reconnect: 'sometimes' })
  })
})
