/** Small DOM helpers: the console builds its elements by hand, with no framework to ship. */

type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>
type Child = Node | string | undefined | false

/**
 * An element with attributes (`on*` functions become listeners, `false`/`undefined` are left out)
 * and children.
 * @example h('button', { type: 'button', onclick: () => go() }, 'Accept')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(name.slice(2), value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children) if (child !== undefined && child !== false) el.append(child)
  return el
}

/** Sets text only when it differs, so screen readers in live regions hear changes only. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text
}

/**
 * Keeps `container`'s children in step with `keys`, in that order, reusing the element of each key so
 * that focus and scroll survive a re-render: `create` makes a new one, `update` refreshes it.
 */
export function syncList<T>(
  container: Element,
  items: readonly T[],
  key: (item: T) => string,
  create: (item: T) => HTMLElement,
  update: (el: HTMLElement, item: T) => void,
): void {
  const held = new Map<string, HTMLElement>()
  for (const child of Array.from(container.children)) if (child instanceof HTMLElement && child.dataset.key) held.set(child.dataset.key, child)
  let previous: Element | null = null
  for (const item of items) {
    const k = key(item)
    let el = held.get(k)
    if (el) held.delete(k)
    else {
      el = create(item)
      el.dataset.key = k
    }
    update(el, item)
    const expected: Element | null = previous ? previous.nextElementSibling : container.firstElementChild
    if (expected !== el) container.insertBefore(el, expected)
    previous = el
  }
  for (const el of held.values()) el.remove()
}
