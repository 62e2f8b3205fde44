/**
 * The widget's styles, isolated in its shadow root. Theme with CSS custom properties on the element:
 * `--holdline-accent`, `--holdline-accent-text`, `--holdline-font`, `--holdline-bg`, `--holdline-text`,
 * `--holdline-agent-bg`, `--holdline-customer-bg`, `--holdline-radius`, `--holdline-z`.
 */
export const STYLES = `
:host { position: fixed; right: 16px; bottom: 16px; z-index: var(--holdline-z, 2147483000);
  font-family: var(--holdline-font, system-ui, sans-serif); color: var(--holdline-text, #1d2433); }
button { font: inherit; cursor: pointer; }
.launcher { background: var(--holdline-accent, #2456e3); color: var(--holdline-accent-text, #fff); border: 0;
  border-radius: 999px; padding: 12px 18px; box-shadow: 0 4px 14px rgba(0,0,0,.2); }
.panel { width: 360px; height: 520px; max-height: calc(100vh - 32px); display: flex; flex-direction: column;
  background: var(--holdline-bg, #fff); border-radius: var(--holdline-radius, 12px); box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
.panel[hidden], .launcher[hidden], [hidden] { display: none !important; }
header { display: flex; align-items: center; justify-content: space-between; padding: 10px 12px;
  background: var(--holdline-accent, #2456e3); color: var(--holdline-accent-text, #fff); }
header h2 { font-size: 1rem; margin: 0; }
header button { background: transparent; border: 0; color: inherit; font-size: 1.2rem; }
.connection { padding: 6px 12px; font-size: .85rem; background: #fff4e5; color: #7a4a00; }
.notice { padding: 6px 12px; font-size: .85rem; background: #eef2ff; }
.transcript { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 12px; display: flex; flex-direction: column; gap: 6px; }
.message { max-width: 80%; padding: 8px 10px; border-radius: 10px; white-space: pre-wrap; word-wrap: break-word; }
.message[data-from="customer"] { align-self: flex-end; background: var(--holdline-customer-bg, #2456e3); color: #fff; }
.message[data-from="agent"] { align-self: flex-start; background: var(--holdline-agent-bg, #eef0f4); }
.message[data-from="system"] { align-self: center; background: none; color: #6b7280; font-size: .85rem; font-style: italic; }
.message[data-pending="true"] { opacity: .7; }
.message .meta { display: block; font-size: .7rem; opacity: .8; }
.typing { padding: 0 12px 4px; font-size: .8rem; color: #6b7280; min-height: 1em; }
.choice, .confirm { padding: 8px 12px; display: flex; gap: 8px; flex-wrap: wrap; align-items: center; border-top: 1px solid #eee; }
form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #eee; }
textarea { flex: 1; resize: none; font: inherit; padding: 6px; border-radius: 6px; border: 1px solid #c9ced6; }
.send { background: var(--holdline-accent, #2456e3); color: var(--holdline-accent-text, #fff); border: 0; border-radius: 6px; padding: 0 12px; }
.end { background: none; border: 0; color: inherit; text-decoration: underline; font-size: .85rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  :host { right: 0; bottom: 0; left: 0; }
  :host([open]) { top: 0; }
  .panel { width: 100vw; height: 100vh; max-height: none; border-radius: 0; }
  .launcher { position: fixed; right: 16px; bottom: 16px; }
}
`
