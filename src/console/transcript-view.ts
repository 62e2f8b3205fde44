/**
 * A conversation's transcript: customer and agent messages as bubbles, automated messages and status
 * changes as readable lines, internal notes marked as seen by agents only. Rows are kept by key
 * across renders, and the view follows new items only when the agent was already at the bottom.
 */
import type { TranscriptItem } from '../agent/index.js'
import { h, syncList } from './dom.js'
import { formatTime } from './format.js'
import { statusLine } from './status-lines.js'

/** An internal note, as the transcript places it: after the item whose seq is `afterSeq`. */
export interface TranscriptNote {
  id: string
  at: number
  text: string
  agent: { name: string }
  afterSeq: number
}

type Entry = { key: string; item: TranscriptItem } | { key: string; note: TranscriptNote }

/** Items in seq order, each note right after the item it followed. */
export function entries(items: readonly TranscriptItem[], notes: readonly TranscriptNote[] = []): Entry[] {
  const out: Entry[] = []
  const pending = [...notes].sort((a, b) => a.afterSeq - b.afterSeq || a.at - b.at)
  let n = 0
  for (const item of items) {
    while (n < pending.length && pending[n]!.afterSeq < item.seq) out.push({ key: `n${pending[n]!.id}`, note: pending[n++]! })
    out.push({ key: `s${item.seq}`, item })
  }
  while (n < pending.length) out.push({ key: `n${pending[n]!.id}`, note: pending[n++]! })
  return out
}

export interface TranscriptView {
  readonly el: HTMLElement
  render(items: readonly TranscriptItem[], notes?: readonly TranscriptNote[]): void
  /** A different chat: start afresh; `customer` names the customer's messages. */
  reset(label: string, customer: string): void
}

export function createTranscriptView(): TranscriptView {
  let customer = 'Customer'
  const list = h('ol', { class: 'hl-transcript', 'data-testid': 'agent-transcript' })
  // The log wraps the list: role="log" on the <ol> itself would strip its list semantics.
  const el = h('div', { class: 'hl-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Transcript', tabindex: '0' }, list)
  return {
    el,
    render(items, notes) {
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40
      syncList(list, entries(items, notes), (e) => e.key, (e) => renderEntry(e, customer), () => undefined)
      if (atBottom) el.scrollTop = el.scrollHeight
    },
    reset(label, name) {
      customer = name
      list.replaceChildren()
      el.setAttribute('aria-label', label)
      el.scrollTop = 0
    },
  }
}

function renderEntry(entry: Entry, customer: string): HTMLElement {
  if ('note' in entry) {
    const { note } = entry
    return h(
      'li',
      { class: 'hl-note', 'data-testid': 'note' },
      h('span', { class: 'hl-meta' }, h('strong', {}, `Note by ${note.agent.name}`), ' · Only agents see this · ', time(note.at)),
      h('span', { class: 'hl-text' }, note.text),
    )
  }
  const { item } = entry
  if (item.kind === 'status') {
    return h('li', { class: 'hl-event', 'data-testid': 'status-line', 'data-seq': item.seq, 'data-reason': item.reason }, h('span', {}, statusLine(item)), ' ', time(item.at))
  }
  if (item.from === 'system') {
    return h(
      'li',
      { class: 'hl-event hl-automated', 'data-testid': 'automated-line', 'data-seq': item.seq },
      h('span', {}, `Automatic message to the customer: “${item.text}”`),
      ' ',
      time(item.at),
    )
  }
  const author = item.from === 'agent' ? (item.agent?.name ?? 'Agent') : customer
  return h(
    'li',
    { class: 'hl-message', 'data-from': item.from, 'data-testid': 'message', 'data-seq': item.seq },
    h('span', { class: 'hl-meta' }, h('strong', {}, author), ' ', time(item.at)),
    h('span', { class: 'hl-text' }, item.text),
  )
}

function time(at: number): HTMLElement {
  return h('time', { datetime: new Date(at).toISOString() }, formatTime(at))
}
