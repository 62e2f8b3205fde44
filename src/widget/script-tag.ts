/**
 * The script-tag bundle (`dist/holdline.iife.js`, global `Holdline`): mounts the widget from the
 * script's data attributes with no other code.
 *
 * ```html
 * <script src="https://chat.example.com/dist/holdline.iife.js" data-url="wss://chat.example.com" data-widget-id="support"></script>
 * ```
 * Attributes: `data-url` (default: the script's own origin), `data-widget-id` (default `default`),
 * `data-reconnect` (`prompt` | `auto` | `off`), `data-storage` (`local` | `session` | `memory`),
 * `data-mount="false"` to only define `window.Holdline` without mounting.
 */
import type { ChatOptions } from '../client/index.js'
import { mountWidget } from './index.js'

export { createChat, ChatError } from '../client/index.js'
export { mountWidget, defineWidget, HoldlineChat, DEFAULT_TEXTS } from './index.js'

function autoMount(): void {
  const script = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null)
  if (!script || script.dataset.mount === 'false') return
  const data = script.dataset
  const options: ChatOptions = {
    url: data.url ?? new URL(script.src, location.href).origin,
    widgetId: data.widgetId ?? 'default',
  }
  if (data.reconnect) options.reconnect = data.reconnect as ChatOptions['reconnect']
  if (data.storage) options.storage = data.storage as ChatOptions['storage']
  const mount = (): void => void mountWidget(options)
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount, { once: true })
}

autoMount()
