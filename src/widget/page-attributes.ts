/**
 * The script tag's data attributes that become attributes of `<holdline-chat>` (look and behaviour,
 * not chat options): shared by the full script-tag bundle and the loader.
 */

/**
 * Each data attribute (`dataset` name), with the element's attribute after a colon where the names
 * differ. One string rather than a table of pairs: the loader carries it to every page.
 */
export const ELEMENT_ATTRIBUTES = 'url widgetId:widget-id reconnect storage theme:data-theme position launcher sound lang dir'

/** Copy the script's data attributes onto the element; `data-sound="false"` leaves the sound off. */
export function applyScriptData(element: HTMLElement, data: DOMStringMap): void {
  for (const pair of ELEMENT_ATTRIBUTES.split(' ')) {
    const [key, attribute = key] = pair.split(':') as [string, string?]
    const value = data[key]
    if (value !== undefined && !(key === 'sound' && value === 'false')) element.setAttribute(attribute, value)
  }
}
