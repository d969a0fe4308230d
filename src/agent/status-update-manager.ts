/**
 * I/O shell around `StatusUpdateStreams`: owns the single retry timer and hands
 * updates to `forward` (which POSTs STATUS_UPDATE to the master). The core does
 * the bookkeeping; this file only turns its decisions into calls and timers.
 *
 * Timing: the first retry of an unacknowledged update comes `policy.minMs`
 * after it was sent (Mesos: 10 s), doubling up to `policy.maxMs` (10 min).
 * Meseta lets the agent choose a shorter `minMs` (tests, `meseta local`);
 * reconnecting to the master always resends every stream's head at once.
 */
import type { Clock } from '../mesos/clock.js';
import {
  type AckResult,
  type AddResult,
  MESOS_RETRY_POLICY,
  type RetryPolicy,
  type StatusUpdate,
  StatusUpdateStreams,
} from './status-update-streams.js';

export interface StatusUpdateManagerOptions {
  clock: Clock;
  policy?: RetryPolicy;
  /** Sends one update to the master; failures are retried by the timer, so it must not throw. */
  forward(update: StatusUpdate): void;
}

/** Reliable, ordered delivery of task status updates to the master. */
export class StatusUpdateManager {
  private readonly streams: StatusUpdateStreams;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private stopped = false;
  /** First retry delay, ms: nothing just sent is due sooner. */
  private readonly minMs: number;

  constructor(private readonly options: StatusUpdateManagerOptions) {
    const policy = options.policy ?? MESOS_RETRY_POLICY;
    this.streams = new StatusUpdateStreams(policy);
    this.minMs = policy.minMs;
  }

  /** Queues an update (with `uuid`); sends it at once if its task has nothing in flight. */
  update(update: StatusUpdate): AddResult {
    const result = this.streams.add(update, this.options.clock.now());
    if (result.kind === 'queued') this.flush(result.send);
    return result;
  }

  /** Applies a scheduler acknowledgement relayed by the master. */
  acknowledge(frameworkId: string, taskId: string, uuid: string): AckResult {
    const result = this.streams.acknowledge(frameworkId, taskId, uuid, this.options.clock.now());
    if (result.kind === 'acknowledged') this.flush(result.send);
    return result;
  }

  /** The master link is up: resend every stream's head. */
  connect(): void {
    this.flush(this.streams.connect(this.options.clock.now()));
  }

  /** The master link is down: hold everything until `connect`. */
  disconnect(): void {
    this.streams.disconnect();
    this.arm();
  }

  /** Forgets a framework's streams. */
  removeFramework(frameworkId: string): void {
    this.streams.removeFramework(frameworkId);
    this.arm();
  }

  /** Puts back a task's stream from its checkpoints (agent recovery); sent on the next `connect`. */
  restore(frameworkId: string, taskId: string, restored: Parameters<StatusUpdateStreams['restore']>[2]): void {
    this.streams.restore(frameworkId, taskId, restored);
    this.arm();
  }

  /** Unacknowledged updates of a task, oldest first. */
  pending(frameworkId: string, taskId: string): readonly StatusUpdate[] {
    return this.streams.pending(frameworkId, taskId);
  }

  describe(): ReturnType<StatusUpdateStreams['describe']> {
    return this.streams.describe();
  }

  /** Cancels the timer; later calls still update state but send nothing. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private flush(updates: StatusUpdate[]): void {
    if (!this.stopped) for (const update of updates) this.options.forward(update);
    // What was just sent is due no earlier than now + minMs: a timer set to fire by
    // then covers it. Finding the earliest deadline is a scan of every stream in
    // flight, which per update and acknowledgement made bursts of tasks quadratic;
    // a timer that fires early (its stream was acknowledged) just looks again.
    if (this.timerAt !== undefined && this.timerAt <= this.options.clock.now() + this.minMs) return;
    this.arm();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    this.flush(this.streams.due(this.options.clock.now()));
  }

  /**
   * Keeps one timer, set to the earliest retry deadline (none when nothing is in
   * flight), recomputed when it fires or when `flush` cannot keep it.
   */
  private arm(): void {
    if (this.stopped) return;
    const at = this.streams.nextDeadline();
    if (at === this.timerAt) return;
    this.clearTimer();
    if (at === undefined) return;
    this.timerAt = at;
    // The floor keeps an injected clock that lags the real timer from spinning.
    this.timer = setTimeout(() => this.onTimer(), Math.max(10, at - this.options.clock.now()));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}
