/**
 * A conversation's transcript for the back office: as JSON, and as plain text for a ticket or an
 * e-mail (one line per item, UTC times).
 */
import type { TranscriptItem } from '../../../protocol/frames.js'
import type { Conversation } from '../../engine/types.js'

/**
 * The transcript as text.
 * @example transcriptText(conv, items) // '2026-12-02T01:00:00.000Z Customer: hello\n...'
 */
export function transcriptText(conv: Conversation, items: readonly TranscriptItem[]): string {
  const lines = [`Conversation ${conv.id} (${conv.status}), started ${iso(conv.createdAt)}`]
  for (const item of items) {
    if (item.kind === 'status') lines.push(`${iso(item.at)} -- ${item.status} (${item.reason}${item.agent ? `, ${item.agent.name}` : ''})`)
    // A message's own line breaks are indented, so no text can pass for another line.
    else lines.push(`${iso(item.at)} ${who(item.from, item.agent?.name)}: ${item.text.replace(/\r?\n/g, '\n    ')}`)
  }
  return `${lines.join('\n')}\n`
}

function who(from: string, agentName: string | undefined): string {
  if (from === 'agent') return agentName ?? 'Agent'
  return from === 'customer' ? 'Customer' : 'System'
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
