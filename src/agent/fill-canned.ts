/**
 * Canned responses: the `{{name}}` placeholder filled in with the customer's name, or taken out so
 * the reply still reads well when the name is unknown.
 */
import type { AgentConversation } from './types.js'

const PLACEHOLDER = /\{\{\s*name\s*\}\}/g
// With its comma and the spaces before it ("Thanks, {{name}}!" -> "Thanks!"), inside a line...
const INSIDE = /[ \t]*,?[ \t]*\{\{\s*name\s*\}\}/g
// ...or at a line's start, with the comma or colon and spaces after it ("{{name}}, hi" -> "Hi").
const LINE_START = /^([ \t]*)\{\{\s*name\s*\}\}[ \t]*[,:;]?[ \t]*(\S?)/gm

/**
 * The canned `text` for `conversation`: each `{{name}}` (spaces inside the braces allowed) becomes
 * the customer's name. When the name is unknown (or blank) the placeholder goes, with the comma and
 * spaces that only made sense around it, and a line it began starts with a capital. Other
 * `{{...}}` are left as they are.
 *
 * @example
 * ```ts
 * fillCanned('Hi {{name}}, how can I help?', conversation) // 'Hi Ana, how can I help?'
 * fillCanned('Hi {{name}}, how can I help?', anonymous)    // 'Hi, how can I help?'
 * fillCanned('{{name}}, thanks for waiting.', anonymous)   // 'Thanks for waiting.'
 * ```
 */
export function fillCanned(text: string, conversation: Pick<AgentConversation, 'customer'>): string {
  const name = conversation.customer?.name?.trim()
  // A function replacer: a name holding "$&" is text, not a replacement pattern.
  if (name) return text.replace(PLACEHOLDER, () => name)
  return text.replace(LINE_START, (_all, indent: string, next: string) => indent + next.toUpperCase()).replace(INSIDE, '')
}
