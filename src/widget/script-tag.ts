/**
 * The script-tag bundle (`dist/holdline.iife.js`, global `Holdline`): mounts the widget from the
 * script's data attributes with no other code. The lighter `dist/holdline-loader.js` draws the
 * launcher first and fetches this file on the first click (see `loader.ts`).
 *
 * ```html
 * <script src="https://chat.example.com/dist/holdline.iife.js" data-url="wss://chat.example.com" data-widget-id="support"></script>
 * ```
 * Attributes: `data-url` (default: the script's own origin), `data-widget-id` (default `default`),
 * `data-reconnect` (`prompt` | `auto` | `off`), `data-storage` (`local` | `session` | `memory`),
 * `data-theme` (`light` | `dark`; default: the system's), `data-position` (`left`; default right),
 * `data-launcher="hidden"` (the site opens it with `Holdline.open()`), `data-sound` (play a sound for
 * agent messages while closed), `data-lang`, `data-dir` (`rtl`), and `data-mount="false"` to only
 * define `window.Holdline` without mounting.
 */
import { TAG, defineWidget } from './index.js'
import type { HoldlineChat } from './holdline-chat.js'
import { applyScriptData } from './page-attributes.js'

export { createChat, ChatError } from '../client/index.js'
export { mountWidget, defineWidget, HoldlineChat, DEFAULT_TEXTS } from './index.js'

const widget = (): HoldlineChat | null => document.querySelector<HoldlineChat>(TAG)

/** Open the mounted widget's panel (for a site's own button, with `data-launcher="hidden"`). */
export const open = (): void => widget()?.open()
/** Close the mounted widget's panel. */
export const close = (): void => widget()?.close()
/** Open or close the mounted widget's panel. */
export const toggle = (): void => widget()?.toggle()

function autoMount(): void {
  const script = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null)
  if (!script || script.dataset.mount === 'false') return
  const data = script.dataset
  const mount = (): void => {
    defineWidget()
    const element = document.createElement(TAG)
    applyScriptData(element, { widgetId: 'default', ...data, url: data.url ?? new URL(script.src, location.href).origin })
    document.body.append(element)
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount, { once: true })
}

autoMount()
