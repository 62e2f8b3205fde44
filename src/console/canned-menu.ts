/**
 * Canned replies in the composer: "/" at the start of a word opens a list of the server's prepared
 * replies, filtered by what follows it; arrow keys move, Enter or Tab inserts (with the customer's
 * name filled in), Escape closes. The field keeps focus throughout (aria-activedescendant).
 */
import type { CannedResponse } from '../agent/index.js'
import { h, setText } from './dom.js'

export interface CannedMenu {
  readonly el: HTMLElement
  /** The composer's text changed: open, filter or close. */
  input(field: HTMLTextAreaElement): void
  /** A key in the composer; true when the menu used it. */
  key(event: KeyboardEvent, field: HTMLTextAreaElement): boolean
  close(): void
}

/** The "/word" right before the caret, if the caret ends one. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s)\/([^\s/]*)$/.exec(text.slice(0, caret))
  if (!match) return undefined
  return { start: caret - match[2]!.length - 1, query: match[2]! }
}

/** Responses whose title or text holds every word of `query`, titles first. */
export function filterCanned(canned: readonly CannedResponse[], query: string): CannedResponse[] {
  const words = query.toLowerCase().split(/[\s-]+/).filter(Boolean)
  const holds = (s: string): boolean => words.every((w) => s.toLowerCase().includes(w))
  const byTitle = canned.filter((c) => holds(`${c.id} ${c.title}`))
  return [...byTitle, ...canned.filter((c) => !byTitle.includes(c) && holds(c.text))]
}

export function createCannedMenu(canned: () => readonly CannedResponse[], fill: (text: string) => string): CannedMenu {
  const list = h('ul', { class: 'hl-canned', id: 'hl-canned', role: 'listbox', 'aria-label': 'Canned replies', 'data-testid': 'canned-menu', hidden: true })
  let shown: CannedResponse[] = []
  let active = 0
  let query: { start: number; query: string } | undefined
  let target: HTMLTextAreaElement | undefined

  const close = (): void => {
    list.hidden = true
    shown = []
    query = undefined
    target?.removeAttribute('aria-activedescendant')
    target?.removeAttribute('aria-controls')
  }
  const highlight = (): void => {
    Array.from(list.children).forEach((li, i) => li.setAttribute('aria-selected', String(i === active)))
    const li = list.children[active]
    if (li && target) {
      target.setAttribute('aria-activedescendant', li.id)
      li.scrollIntoView({ block: 'nearest' })
    }
  }
  const pick = (field: HTMLTextAreaElement, response: CannedResponse): void => {
    if (!query) return
    const text = fill(response.text)
    const end = query.start + 1 + query.query.length
    field.value = field.value.slice(0, query.start) + text + field.value.slice(end)
    const caret = query.start + text.length
    field.setSelectionRange(caret, caret)
    close()
    field.dispatchEvent(new Event('input', { bubbles: true }))
    field.focus()
  }

  return {
    el: list,
    close,
    input(field) {
      target = field
      const found = slashQuery(field.value, field.selectionStart ?? field.value.length)
      if (!found || !canned().length) return close()
      query = found
      shown = filterCanned(canned(), found.query)
      active = 0
      list.replaceChildren(
        ...shown.map((c, i) =>
          h(
            'li',
            { id: `hl-canned-${i}`, role: 'option', 'data-testid': 'canned-option', onmousedown: (e) => e.preventDefault(), onclick: () => pick(field, c) },
            h('span', { class: 'hl-name' }, c.title),
            h('span', { class: 'hl-preview' }, fill(c.text)),
          ),
        ),
      )
      if (!shown.length) list.append(h('li', { role: 'option', 'aria-disabled': 'true', class: 'hl-muted' }, `No canned reply matches “${found.query}”`))
      list.hidden = false
      field.setAttribute('aria-controls', list.id)
      highlight()
    },
    key(event, field) {
      if (list.hidden) return false
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        if (shown.length) active = (active + (event.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length
        highlight()
        return true
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && shown[active]) {
        event.preventDefault()
        pick(field, shown[active]!)
        return true
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        event.stopPropagation()
        close()
        return true
      }
      return false
    },
  }
}

/** How many canned replies there are, for the composer's hint. */
export function cannedHint(el: HTMLElement, count: number): void {
  setText(el, count ? `${count} canned replies: type /` : '')
}
