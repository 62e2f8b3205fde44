/**
 * What the console asked of a conversation (messages, end, close) and the server has not answered
 * yet. R5 holds both ways: one conversation's requests reach the server in the order they were
 * made, each once. So they go out one at a time per conversation, and only on a session the server
 * has taken (`ready`): a request made while an older one waits to be sent again after a reconnect
 * queues behind it instead of overtaking it, and a refusal that asks for a retry (`rate-limited`,
 * `store-unavailable`) cannot let a later request be recorded first. A socket that goes puts every
 * request in flight back at the head of its queue; the server drops a message it already recorded
 * (by client id).
 */

/** One request of the console about a conversation. */
export type AgentRequest =
  | { kind: 'message' | 'note'; conversationId: string; clientId: string; text: string }
  | { kind: 'end' | 'close'; conversationId: string }
  | { kind: 'transfer'; conversationId: string; to?: string; note?: string }

/** Requests per conversation, in order; at most one of each conversation on the wire. */
export class AgentOutbox {
  private readonly queues = new Map<string, AgentRequest[]>()
  /** Conversations whose first request is on the wire. */
  private readonly inFlight = new Set<string>()

  add(request: AgentRequest): void {
    const queue = this.queues.get(request.conversationId)
    if (queue) queue.push(request)
    else this.queues.set(request.conversationId, [request])
  }

  /** The requests to send now (each conversation's first, unless it is on the wire); in flight from here. */
  due(): AgentRequest[] {
    const due: AgentRequest[] = []
    for (const [id, queue] of this.queues) {
      if (this.inFlight.has(id) || queue.length === 0) continue
      this.inFlight.add(id)
      due.push(queue[0] as AgentRequest)
    }
    return due
  }

  /** The oldest request of `conversationId`: the one on the wire, or the next to go. */
  first(conversationId: string): AgentRequest | undefined {
    return this.queues.get(conversationId)?.[0]
  }

  /** The request of `conversationId` on the wire, if any. */
  sent(conversationId: string): AgentRequest | undefined {
    return this.inFlight.has(conversationId) ? this.queues.get(conversationId)?.[0] : undefined
  }

  /** The queued message (or note) with this client id. */
  message(clientId: string): (AgentRequest & { kind: 'message' | 'note' }) | undefined {
    for (const queue of this.queues.values()) {
      for (const r of queue) if ((r.kind === 'message' || r.kind === 'note') && r.clientId === clientId) return r
    }
    return undefined
  }

  /** Answered, or refused for good: the request leaves, and its conversation's next may go. */
  done(request: AgentRequest): void {
    const queue = this.queues.get(request.conversationId)
    const index = queue?.indexOf(request) ?? -1
    if (!queue || index < 0) return
    queue.splice(index, 1)
    if (index === 0) this.inFlight.delete(request.conversationId)
    if (queue.length === 0) this.queues.delete(request.conversationId)
  }

  /** Refused for now: the conversation's first request goes again at the next `due()`. */
  again(conversationId: string): void {
    this.inFlight.delete(conversationId)
  }

  /** Every request of a conversation, removed (it is not ours, or gone). */
  drop(conversationId: string): AgentRequest[] {
    const queue = this.queues.get(conversationId) ?? []
    this.queues.delete(conversationId)
    this.inFlight.delete(conversationId)
    return queue
  }

  /** The socket went: nothing is on the wire any more; the first of each queue goes again. */
  lost(): void {
    this.inFlight.clear()
  }

  /** Every request, removed (the console disconnected for good). */
  clear(): AgentRequest[] {
    const all = [...this.queues.values()].flat()
    this.queues.clear()
    this.inFlight.clear()
    return all
  }
}
