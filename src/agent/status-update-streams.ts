/**
 * Pure core of the agent's status update manager (Mesos
 * `src/slave/task_status_update_manager.cpp`): one FIFO stream per task, one
 * update in flight per stream, retried with exponential backoff until the
 * master relays the scheduler's ACKNOWLEDGE with the same uuid, then the next
 * queued update goes out. Time comes in as `now` (ms); the caller owns the
 * timer and the network (see status-update-manager.ts).
 *
 * Memory: a stream holds its queued updates plus a short ring of recently seen
 * uuids (to drop an executor's resent duplicates); it is freed when its
 * terminal update is acknowledged. Streams with nothing in flight have no
 * deadline, so the caller arms at most one timer for all of them.
 */
import type { FrameworkID, TaskStatus } from '../mesos/types.js';
import { isTerminalState } from '../mesos/task-states.js';

/** The update forwarded to the master (`STATUS_UPDATE.status_update`); `status.uuid` is set. */
export interface StatusUpdate {
  framework_id: FrameworkID;
  status: TaskStatus;
}

/** Retry timing in ms. Mesos: 10 s doubling to 10 min (`STATUS_UPDATE_RETRY_INTERVAL_MIN/MAX`). */
export interface RetryPolicy {
  minMs: number;
  maxMs: number;
}

/** Mesos's retry policy. */
export const MESOS_RETRY_POLICY: RetryPolicy = { minMs: 10_000, maxMs: 600_000 };

/** Result of `add`. */
export type AddResult =
  | { kind: 'queued'; send: StatusUpdate[] }
  | { kind: 'duplicate' }
  | { kind: 'after-terminal' }
  | { kind: 'invalid'; message: string };

/** Result of `acknowledge`. */
export type AckResult =
  | { kind: 'acknowledged'; terminal: boolean; send: StatusUpdate[] }
  | { kind: 'unknown-stream' }
  | { kind: 'unexpected'; expected?: string };

interface Stream {
  frameworkId: string;
  taskId: string;
  queue: StatusUpdate[];
  /** Set while queue[0] has been sent and is awaiting its ack. */
  retryAt?: number;
  backoffMs: number;
  terminalReceived: boolean;
  recentUuids: string[];
}

const RECENT_UUIDS = 16;

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

/** All status update streams of one agent. */
export class StatusUpdateStreams {
  private readonly streams = new Map<string, Stream>();
  /** Keys of streams whose head is in flight. */
  private readonly inFlight = new Set<string>();
  private connected = false;

  constructor(private readonly policy: RetryPolicy = MESOS_RETRY_POLICY) {}

  /**
   * Queues an update (must carry `uuid`). Returns what to send now: the update
   * itself when its stream was idle and the master is connected.
   */
  add(update: StatusUpdate, now: number): AddResult {
    const uuid = update.status.uuid;
    if (!uuid) return { kind: 'invalid', message: 'Status update has no uuid' };
    if (update.status.state === 'TASK_STAGING') return { kind: 'invalid', message: 'TASK_STAGING cannot be sent' };
    const k = key(update.framework_id.value, update.status.task_id.value);
    let stream = this.streams.get(k);
    if (!stream) {
      stream = {
        frameworkId: update.framework_id.value,
        taskId: update.status.task_id.value,
        queue: [],
        backoffMs: this.policy.minMs,
        terminalReceived: false,
        recentUuids: [],
      };
      this.streams.set(k, stream);
    }
    if (stream.recentUuids.includes(uuid)) return { kind: 'duplicate' };
    if (stream.terminalReceived) return { kind: 'after-terminal' };
    stream.recentUuids.push(uuid);
    if (stream.recentUuids.length > RECENT_UUIDS) stream.recentUuids.shift();
    if (isTerminalState(update.status.state)) stream.terminalReceived = true;
    stream.queue.push(update);
    return { kind: 'queued', send: stream.queue.length === 1 ? this.sendHead(k, stream, now) : [] };
  }

  /**
   * Applies the scheduler's acknowledgement. Only the in-flight update's uuid
   * is accepted; anything else is reported `unexpected` and ignored, as Mesos
   * does. On success returns the next update to send, if any.
   */
  acknowledge(frameworkId: string, taskId: string, uuid: string, now: number): AckResult {
    const k = key(frameworkId, taskId);
    const stream = this.streams.get(k);
    if (!stream || stream.queue.length === 0) return { kind: 'unknown-stream' };
    const head = stream.queue[0]!;
    if (head.status.uuid !== uuid) return { kind: 'unexpected', expected: head.status.uuid };
    stream.queue.shift();
    this.inFlight.delete(k);
    stream.retryAt = undefined;
    stream.backoffMs = this.policy.minMs;
    const terminal = isTerminalState(head.status.state);
    if (terminal) {
      this.streams.delete(k);
      return { kind: 'acknowledged', terminal, send: [] };
    }
    return { kind: 'acknowledged', terminal, send: stream.queue.length > 0 ? this.sendHead(k, stream, now) : [] };
  }

  /** In-flight updates whose retry time has come; each one's backoff doubles (capped). */
  due(now: number): StatusUpdate[] {
    if (!this.connected) return [];
    const out: StatusUpdate[] = [];
    for (const k of this.inFlight) {
      const stream = this.streams.get(k)!;
      if (stream.retryAt !== undefined && stream.retryAt <= now) {
        stream.backoffMs = Math.min(stream.backoffMs * 2, this.policy.maxMs);
        stream.retryAt = now + stream.backoffMs;
        out.push(stream.queue[0]!);
      }
    }
    return out;
  }

  /**
   * The master link is up (after REGISTERED/REREGISTERED): every stream's head
   * is (re)sent now with a fresh backoff.
   */
  connect(now: number): StatusUpdate[] {
    this.connected = true;
    const out: StatusUpdate[] = [];
    for (const [k, stream] of this.streams) {
      if (stream.queue.length === 0) continue;
      stream.backoffMs = this.policy.minMs;
      out.push(...this.sendHead(k, stream, now));
    }
    return out;
  }

  /** The master link is down: nothing is in flight until `connect`. */
  disconnect(): void {
    this.connected = false;
    for (const k of this.inFlight) this.streams.get(k)!.retryAt = undefined;
    this.inFlight.clear();
  }

  /** Earliest retry deadline (ms), or undefined when nothing is in flight. */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const k of this.inFlight) {
      const at = this.streams.get(k)!.retryAt;
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  /** Drops every stream of a framework (framework shut down: its acks will never come). */
  removeFramework(frameworkId: string): void {
    for (const [k, stream] of this.streams) {
      if (stream.frameworkId !== frameworkId) continue;
      this.streams.delete(k);
      this.inFlight.delete(k);
    }
  }

  /**
   * Puts back a task's stream as checkpoints left it (agent recovery, Mesos
   * `StatusUpdateStream::replay`): `pending` is queued again (sent on the next
   * `connect`), `uuids` make an executor's resent duplicates recognizable, and
   * after a recorded terminal update nothing more is accepted. Replaces any
   * stream the task had.
   */
  restore(frameworkId: string, taskId: string, restored: { pending: readonly StatusUpdate[]; uuids: readonly string[]; terminalReceived: boolean }): void {
    const k = key(frameworkId, taskId);
    this.inFlight.delete(k);
    if (restored.pending.length === 0 && !restored.terminalReceived && restored.uuids.length === 0) {
      this.streams.delete(k);
      return;
    }
    this.streams.set(k, {
      frameworkId,
      taskId,
      queue: [...restored.pending],
      backoffMs: this.policy.minMs,
      terminalReceived: restored.terminalReceived,
      recentUuids: restored.uuids.slice(-RECENT_UUIDS),
    });
  }

  /** Updates not yet acknowledged for a task, oldest first (for REREGISTER and executor resubscription). */
  pending(frameworkId: string, taskId: string): readonly StatusUpdate[] {
    return this.streams.get(key(frameworkId, taskId))?.queue ?? [];
  }

  /** Number of streams and in-flight updates, for metrics and failing tests. */
  describe(): { streams: number; inFlight: number; queued: number; connected: boolean } {
    let queued = 0;
    for (const stream of this.streams.values()) queued += stream.queue.length;
    return { streams: this.streams.size, inFlight: this.inFlight.size, queued, connected: this.connected };
  }

  private sendHead(k: string, stream: Stream, now: number): StatusUpdate[] {
    if (!this.connected) return [];
    this.inFlight.add(k);
    stream.retryAt = now + stream.backoffMs;
    return [stream.queue[0]!];
  }
}
