/**
 * The default widget: `import { mountWidget } from 'holdline/widget'`.
 *
 * @example
 * ```ts
 * import { mountWidget } from 'holdline/widget'
 * mountWidget({ url: 'wss://chat.example.com', widgetId: 'support', texts: { launcher: 'Hilfe' } })
 * ```
 * @packageDocumentation
 */
import { HoldlineChat, type WidgetOptions } from './holdline-chat.js'

export { HoldlineChat, connectionLine, SLOW_CONNECT_MS, type WidgetOptions } from './holdline-chat.js'
export { DEFAULT_TEXTS, type WidgetTexts } from './texts.js'

/** The custom element's tag. */
export const TAG = 'holdline-chat'

/** Register `<holdline-chat>` (once; later calls do nothing). */
export function defineWidget(): void {
  if (!customElements.get(TAG)) customElements.define(TAG, HoldlineChat)
}

/** Create the widget with `options`, append it to `document.body`, and return it. */
export function mountWidget(options: WidgetOptions): HoldlineChat {
  defineWidget()
  const element = document.createElement(TAG) as HoldlineChat
  element.configure(options)
  document.body.append(element)
  return element
}
