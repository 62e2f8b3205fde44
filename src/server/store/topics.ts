/**
 * Which topics a message is published to. Shared by every store, so the memory store (one process)
 * and Redis (many) address the same receivers.
 */
import type { BusMessage, Topic } from './types.js'

/** The topic of one conversation. @example conversationTopic('c1') // 'conversation:c1' */
export function conversationTopic(id: string): Topic {
  return `conversation:${id}`
}

/** The topic of one agent (its consoles, wherever they are). @example agentTopic('a1') // 'agent:a1' */
export function agentTopic(id: string): Topic {
  return `agent:${id}`
}

/**
 * The topics `message` goes to. A change goes to its conversation; one that moves it to an agent
 * also to that agent (its consoles do not follow the conversation yet); a new conversation, which
 * nobody can follow yet, to `routing` (supervisors, agents). `resync` is never published.
 * @example topicsOf({ type: 'routing' }) // ['routing']
 */
export function topicsOf(message: BusMessage): Topic[] {
  switch (message.type) {
    case 'routing':
      return ['routing']
    case 'resync':
      return []
    case 'typing':
    case 'note':
      return [conversationTopic(message.conversationId)]
    case 'changed': {
      if (message.created) return ['routing']
      const topics = [conversationTopic(message.conversationId)]
      if (message.agentMoved && message.agentId !== undefined) topics.push(agentTopic(message.agentId))
      return topics
    }
  }
}
