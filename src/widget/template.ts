import type { WidgetTexts } from './texts.js'

// Numeric references (`&#60;`) decode as the named ones do, in text and in quoted attributes alike.
const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The launcher alone: what the script-tag loader draws before the rest of the widget is fetched. */
export function launcherTemplate(label: string): string {
  // The count sits beside the button, not in it: the button's name then says it in words
  // ("Chat with us, 2 messages unread") and still contains all its visible text.
  return `<button type="button" class="launcher" part="launcher" data-testid="launcher" aria-expanded="false" aria-controls="panel">${escape(label)}</button><span class="badge" part="badge" data-testid="unread" aria-hidden="true" hidden></span>`
}

/**
 * The widget's shadow DOM. Stable `data-testid` and `part` names are its contract with tests and
 * themes. DOM order is the keyboard order: close, transcript, composer, then the chat's actions.
 */
export function widgetTemplate(texts: WidgetTexts): string {
  const t = (key: keyof WidgetTexts): string => escape(String(texts[key]))
  return `${launcherTemplate(texts.launcher)}
<div class="visually-hidden" data-testid="announcer" aria-live="polite"></div>
<section class="panel" id="panel" part="panel" data-testid="panel" role="dialog" aria-labelledby="title" hidden>
  <header part="header"><div class="heading"><h2 id="title">${t('title')}</h2>
    <p class="agent" data-testid="agent-line" hidden></p></div>
    <button type="button" class="close" data-testid="close" aria-label="${t('close')}"><span aria-hidden="true">×</span></button></header>
  <div class="connection" part="connection" data-testid="connection" role="status">
    <span data-testid="connection-text"></span>
    <button type="button" class="link" data-testid="retry" hidden>${t('retry')}</button></div>
  <p class="notice" part="notice" data-testid="storage-notice" role="status" hidden>${t('storageUnavailable')}</p>
  <p class="notice" part="notice" data-testid="new-chat-notice" role="status" hidden>${t('newChatNotice')}</p>
  <div class="scroller" data-testid="scroller" role="log" aria-live="polite" aria-label="${t('transcriptLabel')}" tabindex="0">
    <details class="history" part="history" data-testid="history" hidden><summary>${t('history')}</summary></details>
    <ol class="transcript" part="transcript" data-testid="transcript"></ol>
    <p class="waiting" data-testid="waiting" hidden></p>
  </div>
  <div class="below">
    <button type="button" class="pill" part="pill" data-testid="new-messages" hidden>${t('newMessages')}</button>
    <p class="typing" data-testid="typing" aria-live="polite"></p>
  </div>
  <div class="choice" data-testid="reconnect-choice" role="group" aria-labelledby="reconnect-q" hidden>
    <p id="reconnect-q">${t('reconnectQuestion')}</p>
    <button type="button" class="primary" data-testid="reconnect-continue">${t('reconnectContinue')}</button>
    <button type="button" class="secondary" data-testid="reconnect-new">${t('reconnectNew')}</button>
  </div>
  <div class="choice" data-testid="ended" hidden>
    <p>${t('ended')}</p>
    <button type="button" class="primary" data-testid="start-new">${t('startNew')}</button>
  </div>
  <form part="composer" data-testid="composer">
    <label class="visually-hidden" for="input">${t('inputLabel')}</label>
    <textarea id="input" data-testid="input" rows="2" placeholder="${t('placeholder')}"></textarea>
    <button type="submit" class="send" data-testid="send">${t('send')}</button>
  </form>
  <div class="actions">
    <button type="button" class="link" data-testid="end">${t('end')}</button>
    <div class="confirm" data-testid="end-question" role="group" aria-labelledby="end-q" hidden>
      <span id="end-q">${t('endQuestion')}</span>
      <button type="button" class="secondary" data-testid="end-confirm">${t('endConfirm')}</button>
      <button type="button" class="secondary" data-testid="end-cancel">${t('endCancel')}</button>
    </div>
  </div>
</section>`
}
