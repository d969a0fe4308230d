/**
 * Reliable status updates of one simulated task, as pure functions over a
 * small record the task carries (no object per stream, no timer): updates wait
 * in FIFO order, the head is in flight until the master relays the scheduler's
 * ACKNOWLEDGE with its uuid, and is resent with exponential backoff meanwhile
 * (Mesos's agent: `STATUS_UPDATE_RETRY_INTERVAL_MIN` 10 s doubling to
 * `_MAX` 10 min). While the agent is disconnected nothing is sent; on
 * (re)registration every head goes out again at once.
 *
 * Time is a parameter (ms). The caller sends what these functions return and
 * schedules a wake-up at `retryAt`.
 */
import type { TaskState, TaskStatus } from '../mesos/types.js';
import { isTerminalState } from '../mesos/task-states.js';

/** Retry bounds in ms. */
export interface RetryPolicy {
  minMs: number;
  maxMs: number;
}

/** Mesos's agent defaults: 10 s doubling to 10 min. */
export const MESOS_RETRY_POLICY: RetryPolicy = { minMs: 10_000, maxMs: 600_000 };

/** The per-task state these functions read and change. */
export interface Backlog {
  /** Unacknowledged updates, oldest first; `pending[0]` is in flight when `retryAt` is set. */
  pending: TaskStatus[];
  /** When to resend the head (ms); undefined when nothing is in flight. */
  retryAt: number | undefined;
  /** Delay before the next resend (ms). */
  backoffMs: number;
}

/** A fresh, empty backlog. */
export function emptyBacklog(policy: RetryPolicy): Backlog {
  return { pending: [], retryAt: undefined, backoffMs: policy.minMs };
}

/**
 * Queues `status` (which must carry a `uuid`). Returns the update to send now
 * (`status` itself when nothing was in flight and `connected`), else undefined.
 */
export function enqueue(backlog: Backlog, status: TaskStatus, now: number, connected: boolean): TaskStatus | undefined {
  backlog.pending.push(status);
  if (backlog.pending.length > 1 || !connected) return undefined;
  return sendHead(backlog, now);
}

/** Outcome of {@link acknowledge}. */
export interface AckOutcome {
  /** The uuid matched the head (false: stale or duplicate ack, ignored). */
  matched: boolean;
  /** The acknowledged update was terminal: the task can be forgotten. */
  terminal: boolean;
  /** Next update to send now, if any. */
  send?: TaskStatus;
}

/** Applies an ACKNOWLEDGE for `uuid`; only the head can be acknowledged (Mesos drops others). */
export function acknowledge(backlog: Backlog, uuid: string, now: number, connected: boolean, policy: RetryPolicy): AckOutcome {
  const head = backlog.pending[0];
  if (!head || head.uuid !== uuid) return { matched: false, terminal: false };
  backlog.pending.shift();
  backlog.retryAt = undefined;
  backlog.backoffMs = policy.minMs;
  const terminal = isTerminalState(head.state);
  if (backlog.pending.length === 0 || !connected) return { matched: true, terminal };
  return { matched: true, terminal, send: sendHead(backlog, now) };
}

/** The head to resend if its retry time has come (and doubles the backoff), else undefined. */
export function dueResend(backlog: Backlog, now: number, policy: RetryPolicy): TaskStatus | undefined {
  if (backlog.retryAt === undefined || backlog.retryAt > now || backlog.pending.length === 0) return undefined;
  backlog.backoffMs = Math.min(backlog.backoffMs * 2, policy.maxMs);
  return sendHead(backlog, now);
}

/** The agent (re)registered: the head goes out again at once, backoff reset. */
export function resendOnConnect(backlog: Backlog, now: number, policy: RetryPolicy): TaskStatus | undefined {
  if (backlog.pending.length === 0) return undefined;
  backlog.backoffMs = policy.minMs;
  return sendHead(backlog, now);
}

/** The agent lost its master: nothing is in flight until it reconnects. */
export function holdOnDisconnect(backlog: Backlog): void {
  backlog.retryAt = undefined;
}

/**
 * Newest state held for the task when it differs from the head's
 * (`StatusUpdate.latest_state`), so the master can free a finished task's
 * resources before the older updates are acknowledged.
 */
export function latestState(backlog: Backlog): TaskState | undefined {
  const last = backlog.pending.at(-1);
  const head = backlog.pending[0];
  return last && head && last.state !== head.state ? last.state : undefined;
}

/** Marks the head in flight until `now + backoffMs`. */
function sendHead(backlog: Backlog, now: number): TaskStatus | undefined {
  backlog.retryAt = now + backlog.backoffMs;
  return backlog.pending[0];
}
