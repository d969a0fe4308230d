/**
 * The executor library's view of the v1 executor API: the shared Call/Event
 * shapes (src/mesos/executor-protocol.ts) and a tolerant event parser.
 */
export type { ExecutorCall, ExecutorEvent } from '../mesos/executor-protocol.js';
import type { ExecutorEvent } from '../mesos/executor-protocol.js';

/** The event type names this client understands. */
export type ExecutorEventType = ExecutorEvent['type'];

const NESTED_FIELD: Record<ExecutorEventType, string | undefined> = {
  SUBSCRIBED: 'subscribed',
  LAUNCH: 'launch',
  LAUNCH_GROUP: 'launch_group',
  KILL: 'kill',
  ACKNOWLEDGED: 'acknowledged',
  MESSAGE: 'message',
  ERROR: 'error',
  SHUTDOWN: undefined,
  HEARTBEAT: undefined,
};

/** Result of parsing one stream record. */
export type ParsedExecutorEvent = { ok: true; event: ExecutorEvent } | { ok: false; reason: string };

/** Checks a decoded record against the Event shape; unknown types are reported, not thrown. */
export function parseExecutorEvent(record: unknown): ParsedExecutorEvent {
  if (typeof record !== 'object' || record === null) return { ok: false, reason: 'event is not an object' };
  const type = (record as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, reason: 'event has no type' };
  if (!(type in NESTED_FIELD)) return { ok: false, reason: `unknown event type '${type}'` };
  const field = NESTED_FIELD[type as ExecutorEventType];
  if (field !== undefined) {
    const nested = (record as Record<string, unknown>)[field];
    if (typeof nested !== 'object' || nested === null) return { ok: false, reason: `${type} event without '${field}'` };
  }
  return { ok: true, event: record as ExecutorEvent };
}
