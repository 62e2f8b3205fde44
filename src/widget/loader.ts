/**
 * The script-tag loader (`dist/holdline-loader.js`, at most 2 KB gzipped): draws the launcher at once
 * and fetches the widget with the SDK (`holdline.iife.js`, beside it) on the first click, or at once
 * when a conversation is stored (so a reload inside the window resumes on load, as with the full
 * bundle). Same data attributes as `holdline.iife.js`, plus `data-src` for the full bundle's URL.
 *
 * ```html
 * <script src="https://chat.example.com/dist/holdline-loader.js" data-url="wss://chat.example.com" data-widget-id="support" async></script>
 * ```
 * `window.Holdline.open()`, `close()` and `toggle()` work before the rest has arrived.
 */
import { LAUNCHER_STYLES } from './styles.js'
import { launcherTemplate } from './template.js'
import { applyScriptData } from './page-attributes.js'
import { readMemory, storedConversationId } from './widget-state.js'

type Api = { open(): void; close(): void; toggle(): void }
type Global = { Holdline?: Api & { defineWidget?: () => void } }

function boot(script: HTMLScriptElement): void {
  const data = script.dataset
  const widgetId = data.widgetId ?? 'default'
  const element = document.createElement('holdline-chat')
  applyScriptData(element, { ...data, widgetId, url: data.url ?? new URL(script.src, location.href).origin })
  const root = element.attachShadow({ mode: 'open' })
  root.innerHTML = `<style>${LAUNCHER_STYLES}</style>${launcherTemplate(data.label ?? 'Chat with us')}`
  document.body.append(element)

  let loading: Promise<Api> | undefined
  const load = (): Promise<Api> =>
    (loading ??= new Promise((resolve, reject) => {
      const full = document.createElement('script')
      full.src = data.src ?? new URL('holdline.iife.js', script.src).href
      full.dataset.mount = 'false'
      full.onload = () => {
        const api = (globalThis as Global).Holdline!
        api.defineWidget?.()
        resolve(api)
      }
      full.onerror = reject
      document.head.append(full)
    }))
  const call = (action: keyof Api) => (): void => void load().then((api) => api[action]())
  ;(globalThis as Global).Holdline = { open: call('open'), close: call('close'), toggle: call('toggle') }
  root.querySelector('button')!.addEventListener('click', call('open'), { once: true })
  if (readMemory(widgetId).started && storedConversationId(widgetId)) void load()
}

const script = document.currentScript as HTMLScriptElement | null
if (script) {
  if (document.body) boot(script)
  else document.addEventListener('DOMContentLoaded', () => boot(script), { once: true })
}
