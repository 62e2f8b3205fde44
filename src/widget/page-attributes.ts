/**
 * The script tag's data attributes that become attributes of `<holdline-chat>` (look and behaviour,
 * not chat options): shared by the full script-tag bundle and the loader.
 */
export const ELEMENT_ATTRIBUTES: Array<[data: string, attribute: string]> = [
  ['url', 'url'],
  ['widgetId', 'widget-id'],
  ['reconnect', 'reconnect'],
  ['storage', 'storage'],
  ['theme', 'data-theme'],
  ['position', 'position'],
  ['launcher', 'launcher'],
  ['sound', 'sound'],
  ['lang', 'lang'],
  ['dir', 'dir'],
]

/** Copy the script's data attributes onto the element; `data-sound="false"` leaves the sound off. */
export function applyScriptData(element: HTMLElement, data: DOMStringMap): void {
  for (const [key, attribute] of ELEMENT_ATTRIBUTES) {
    const value = data[key]
    if (value !== undefined && !(key === 'sound' && value === 'false')) element.setAttribute(attribute, value)
  }
}
