/**
 * The widget's styles, isolated in its shadow root. Every colour, radius and font is a CSS custom
 * property a site sets on `holdline-chat` (the README lists them); the `--_` names are internal and
 * carry the light and dark defaults. The launcher's part is shared with the script-tag loader.
 */
const LIGHT = `--_bg: var(--holdline-bg, #fff); --_text: var(--holdline-text, #1d2433);
  --_muted: var(--holdline-muted, #5b6472); --_border: var(--holdline-border, #d5d9e0);
  --_agent-bg: var(--holdline-agent-bg, #eef0f4);
  --_status-bg: var(--holdline-status-bg, #fff4e5); --_status-text: var(--holdline-status-text, #6b4100);
  --_notice-bg: var(--holdline-notice-bg, #eef2ff);
  --_input-bg: var(--holdline-input-bg, #fff);`
const DARK = `--_bg: var(--holdline-bg, #181b22); --_text: var(--holdline-text, #e8eaf0);
  --_muted: var(--holdline-muted, #a9b0bd); --_border: var(--holdline-border, #3a404c);
  --_agent-bg: var(--holdline-agent-bg, #2a2f3a);
  --_status-bg: var(--holdline-status-bg, #3d2f12); --_status-text: var(--holdline-status-text, #ffd89a);
  --_notice-bg: var(--holdline-notice-bg, #232a44);
  --_input-bg: var(--holdline-input-bg, #101318);`

export const LAUNCHER_STYLES = `
:host { --_accent: var(--holdline-accent, #2456e3); --_accent-text: var(--holdline-accent-text, #fff);
  --_badge-bg: var(--holdline-badge-bg, #c8102e); --_badge-text: var(--holdline-badge-text, #fff);
  --_offset: var(--holdline-offset, 16px);
  position: fixed; right: calc(var(--_offset) + env(safe-area-inset-right, 0px)); bottom: calc(var(--_offset) + env(safe-area-inset-bottom, 0px));
  z-index: var(--holdline-z, 2147483000); font-family: var(--holdline-font, system-ui, sans-serif);
  font-size: var(--holdline-font-size, 15px); line-height: 1.4; }
:host([position="left"]) { right: auto; left: calc(var(--_offset) + env(safe-area-inset-left, 0px)); }
[hidden] { display: none !important; }
button { font: inherit; cursor: pointer; }
.launcher { position: relative; background: var(--_accent); color: var(--_accent-text); border: 0; min-height: 48px;
  border-radius: var(--holdline-launcher-radius, 999px); padding: 12px 20px; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher:focus-visible { outline: 3px solid var(--_accent); outline-offset: 3px; }
:host([launcher="hidden"]) .launcher, :host([open]) .badge { display: none; }
/* Absolute to the host (fixed), over the launcher's corner; clicks go through to the launcher. */
.badge { pointer-events: none; position: absolute; top: -6px; inset-inline-end: -6px; min-width: 22px; height: 22px; padding: 0 6px; box-sizing: border-box;
  border-radius: 11px; background: var(--_badge-bg); color: var(--_badge-text); font-size: 13px; font-weight: 700; line-height: 22px; text-align: center; }
`

export const STYLES = `${LAUNCHER_STYLES}
:host { ${LIGHT} color: var(--_text);
  --_agent-text: var(--holdline-agent-text, var(--_text)); --_notice-text: var(--holdline-notice-text, var(--_text)); }
:host([data-theme="dark"]) { ${DARK} }
@media (prefers-color-scheme: dark) { :host(:not([data-theme="light"])) { ${DARK} } }
.panel { width: 370px; height: 560px; max-height: calc(100vh - 2 * var(--_offset)); display: flex; flex-direction: column;
  background: var(--_bg); color: var(--_text); border-radius: var(--holdline-radius, 14px); border: 1px solid var(--_border);
  box-shadow: 0 10px 34px rgba(0,0,0,.28); overflow: hidden; }
header { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 12px 14px;
  background: var(--_accent); color: var(--_accent-text); }
header h2 { font-size: 1.05rem; margin: 0; }
header .agent { margin: 0; font-size: .85rem; }
.close { background: transparent; border: 0; color: inherit; font-size: 1.6rem; line-height: 1; width: 44px; height: 44px; border-radius: 8px; }
.panel :focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
header .close:focus-visible { outline-color: var(--_accent-text); outline-offset: -4px; }
.connection { display: flex; gap: 8px; align-items: center; padding: 6px 14px; font-size: .875rem; background: var(--_status-bg); color: var(--_status-text); }
.connection:not([data-line]) { display: none; }
.notice { margin: 0; padding: 6px 14px; font-size: .875rem; background: var(--_notice-bg); color: var(--_notice-text); }
.scroller { flex: 1; overflow-y: auto; overscroll-behavior: contain; padding: 12px 14px; scroll-behavior: smooth; }
.transcript, .history ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.message { max-width: 82%; padding: 8px 12px; border-radius: var(--holdline-bubble-radius, 14px); white-space: pre-wrap; overflow-wrap: anywhere; }
.message[data-from="customer"] { align-self: flex-end; background: var(--holdline-customer-bg, var(--_accent)); color: var(--holdline-customer-text, var(--_accent-text)); }
.message[data-from="agent"] { align-self: flex-start; background: var(--_agent-bg); color: var(--_agent-text); }
.message[data-from="system"] { align-self: center; max-width: 100%; text-align: center; background: none; color: var(--_muted); font-size: .875rem; font-style: italic; padding: 2px 8px; }
/* Pending: marked by its "Queued" line and a dashed outline (an opacity would cost contrast). */
.message[data-pending="true"] { outline: 2px dashed var(--_muted); outline-offset: 2px; }
.message .meta { display: block; font-size: .75rem; font-weight: 600; margin-bottom: 2px; }
/* Earlier conversations: each list is titled, visibly, by its accessible name (when it began). */
.history ol::before { content: attr(aria-label); align-self: center; color: var(--_muted); font-size: .875rem; margin-top: 8px; }
.waiting { margin: 12px 0 0; text-align: center; color: var(--_muted); font-size: .875rem; }
.below { position: relative; }
.pill { position: absolute; bottom: calc(100% + 8px); left: 50%; transform: translateX(-50%); background: var(--_accent); color: var(--_accent-text);
  border: 0; border-radius: 999px; padding: 6px 14px; font-size: .875rem; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
.typing { margin: 0; padding: 0 14px 4px; font-size: .8125rem; color: var(--_muted); min-height: 1.2em; }
.choice { padding: 12px 14px; display: flex; gap: 8px; flex-wrap: wrap; align-items: center; border-top: 1px solid var(--_border); }
.choice p { margin: 0; flex-basis: 100%; font-weight: 600; }
.primary { background: var(--_accent); color: var(--_accent-text); border: 0; border-radius: 8px; padding: 10px 16px; font-weight: 600; min-height: 44px; }
.secondary { background: transparent; color: var(--_text); border: 1px solid var(--_border); border-radius: 8px; padding: 8px 12px; min-height: 40px; }
form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--_border); }
textarea { flex: 1; resize: none; font: inherit; font-size: max(16px, 1em); padding: 8px 10px; border-radius: 8px; color: var(--_text);
  background: var(--_input-bg); border: 1px solid var(--_border); }
textarea:disabled { opacity: .7; }
.send { background: var(--_accent); color: var(--_accent-text); border: 0; border-radius: 8px; padding: 0 16px; font-weight: 600; }
.send:disabled { opacity: .5; cursor: default; }
.actions { display: flex; justify-content: flex-end; padding: 0 12px 8px; }
.actions .confirm { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.link { background: none; border: 0; color: inherit; text-decoration: underline; font-size: .875rem; padding: 6px 4px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  :host([open]) { inset: 0; top: var(--_vv-top, 0px); height: var(--_vv-height, 100dvh); }
  .panel { width: 100%; height: 100%; max-height: none; border-radius: 0; border: 0;
    padding: env(safe-area-inset-top, 0px) env(safe-area-inset-right, 0px) env(safe-area-inset-bottom, 0px) env(safe-area-inset-left, 0px); box-sizing: border-box; }
}
/* The only motion the widget has. */
@media (prefers-reduced-motion: reduce) { .scroller { scroll-behavior: auto; } }
`
