import type { ChatMessage } from '../client/index.js'
import type { WidgetTexts } from './texts.js'

const keyOf = (m: ChatMessage): string => m.clientId ?? m.id

/**
 * Brings the transcript list in line with the chat's messages: each message is one element, kept
 * (not re-created) across updates so a screen reader announces only what is new, and a pending
 * message turns into its delivered self in place. Returns how many elements were added.
 */
export function syncTranscript(list: HTMLElement, messages: readonly ChatMessage[], texts: WidgetTexts): number {
  const existing = new Map<string, HTMLElement>()
  for (const child of Array.from(list.children) as HTMLElement[]) existing.set(child.dataset.key ?? '', child)
  const wanted = new Set(messages.map(keyOf))
  for (const [key, el] of existing) if (!wanted.has(key)) el.remove()
  let previous: Element | null = null
  let added = 0
  for (const message of messages) {
    const key = keyOf(message)
    let el = existing.get(key)
    if (!el) {
      el = createItem(key)
      added += 1
    }
    fill(el, message, texts)
    const expectedPosition: Element | null = previous ? previous.nextElementSibling : list.firstElementChild
    if (expectedPosition !== el) list.insertBefore(el, expectedPosition)
    previous = el
  }
  return added
}

function createItem(key: string): HTMLElement {
  const li = document.createElement('li')
  li.className = 'message'
  li.dataset.key = key
  li.dataset.testid = 'message'
  li.setAttribute('part', 'message')
  return li
}

/** Who wrote a message, as the transcript names them. */
export function authorOf(message: ChatMessage, texts: WidgetTexts): string {
  return message.from === 'customer' ? texts.you : message.from === 'agent' ? (message.agent?.name ?? texts.agent) : ''
}

function fill(el: HTMLElement, message: ChatMessage, texts: WidgetTexts): void {
  el.dataset.from = message.from
  el.dataset.seq = String(message.seq)
  el.dataset.pending = message.pending ? 'true' : 'false'
  if (message.automated) el.dataset.automated = message.automated
  const author = authorOf(message, texts)
  const meta = message.pending ? `${author} · ${texts.queued}` : author
  const wanted = `${meta}\u0000${message.text}`
  if (el.dataset.rendered === wanted) return
  el.dataset.rendered = wanted
  el.replaceChildren()
  if (meta) {
    const span = document.createElement('span')
    span.className = 'meta'
    span.textContent = meta
    el.append(span)
  }
  el.append(document.createTextNode(message.text))
}
