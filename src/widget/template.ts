import type { WidgetTexts } from './texts.js'

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

/** The widget's shadow DOM. Stable `data-testid` and `part` names are its contract with tests and themes. */
export function widgetTemplate(texts: WidgetTexts): string {
  const t = (key: keyof WidgetTexts): string => escape(String(texts[key]))
  return `
<button type="button" class="launcher" part="launcher" data-testid="launcher" aria-expanded="false" aria-controls="panel">${t('launcher')}</button>
<section class="panel" id="panel" part="panel" data-testid="panel" role="dialog" aria-labelledby="title" hidden>
  <header part="header"><h2 id="title">${t('title')}</h2>
    <button type="button" class="close" data-testid="close" aria-label="${t('close')}">×</button></header>
  <p class="connection" part="connection" data-testid="connection" role="status" hidden></p>
  <p class="notice" part="notice" data-testid="new-chat-notice" role="status" hidden>${t('newChatNotice')}</p>
  <ol class="transcript" part="transcript" data-testid="transcript" role="log" aria-live="polite" aria-label="${t('title')}"></ol>
  <p class="typing" data-testid="typing" aria-live="polite"></p>
  <div class="choice" data-testid="reconnect-choice" role="group" aria-label="${t('reconnectQuestion')}" hidden>
    <span>${t('reconnectQuestion')}</span>
    <button type="button" data-testid="reconnect-continue">${t('reconnectContinue')}</button>
    <button type="button" data-testid="reconnect-new">${t('reconnectNew')}</button>
  </div>
  <div class="confirm" data-testid="end-question" role="group" aria-label="${t('endQuestion')}" hidden>
    <span>${t('endQuestion')}</span>
    <button type="button" data-testid="end-confirm">${t('endConfirm')}</button>
    <button type="button" data-testid="end-cancel">${t('endCancel')}</button>
  </div>
  <div class="confirm" data-testid="ended" hidden>
    <span>${t('ended')}</span>
    <button type="button" data-testid="start-new">${t('startNew')}</button>
  </div>
  <form part="composer" data-testid="composer">
    <label class="visually-hidden" for="input">${t('inputLabel')}</label>
    <textarea id="input" data-testid="input" rows="2" placeholder="${t('placeholder')}"></textarea>
    <button type="submit" class="send" data-testid="send">${t('send')}</button>
  </form>
  <div class="confirm"><button type="button" class="end" data-testid="end">${t('end')}</button></div>
</section>`
}
