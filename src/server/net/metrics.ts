/**
 * Counters and gauges for `GET /metrics`, in the Prometheus text format.
 */
import type { ConversationStatus } from '../../protocol/frames.js'

/** Process-local counters. @example metrics.refused('rate-limited') */
export class Metrics {
  readonly connections = { customer: 0, agent: 0 }
  private readonly transitions = new Map<string, number>()
  private readonly refusals = new Map<string, number>()

  transition(reason: string): void {
    this.transitions.set(reason, (this.transitions.get(reason) ?? 0) + 1)
  }

  refused(code: string): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1)
  }

  /** Renders every metric; conversation counts come from the store. */
  render(byState: Record<ConversationStatus, number>): string {
    const lines = [
      '# HELP holdline_connections Open WebSocket connections by side.',
      '# TYPE holdline_connections gauge',
      `holdline_connections{side="customer"} ${this.connections.customer}`,
      `holdline_connections{side="agent"} ${this.connections.agent}`,
      '# HELP holdline_conversations Conversations by state.',
      '# TYPE holdline_conversations gauge',
      ...Object.entries(byState).map(([state, n]) => `holdline_conversations{state="${state}"} ${n}`),
      '# HELP holdline_transitions_total Conversation transitions by reason.',
      '# TYPE holdline_transitions_total counter',
      ...[...this.transitions].map(([reason, n]) => `holdline_transitions_total{reason="${reason}"} ${n}`),
      '# HELP holdline_frames_refused_total Frames refused, by error code.',
      '# TYPE holdline_frames_refused_total counter',
      ...[...this.refusals].map(([code, n]) => `holdline_frames_refused_total{code="${code}"} ${n}`),
    ]
    return `${lines.join('\n')}\n`
  }
}
