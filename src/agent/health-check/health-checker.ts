/**
 * Runs one task's `TaskInfo.health_check` (thin I/O shell around
 * `HealthState`): one timer at a time, one check in flight at a time; the
 * verdicts go to `onVerdict`. A task without a check gets no checker.
 */
import type { HealthCheck } from '../../mesos/types.js';
import { healthTiming, HealthState, type HealthVerdict } from './health-state.js';
import type { Probe } from './health-probes.js';

export interface HealthCheckerOptions {
  check: HealthCheck;
  /** Runs one attempt (see `probeFor`). */
  probe: Probe;
  /** Milliseconds since the epoch. */
  now(): number;
  /** A counted result to report (RUNNING with `healthy`); `kill` asks for the task's kill. */
  onVerdict(verdict: HealthVerdict): void;
}

/** Checks one task's health until stopped or until it asked for a kill. */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: HealthState | undefined;

  constructor(private readonly options: HealthCheckerOptions) {}

  /** Starts the schedule; the delay and grace period count from now. Idempotent. */
  start(): void {
    if (this.state || this.stopped) return;
    this.state = new HealthState(healthTiming(this.options.check), this.options.now());
    this.arm(this.state.firstCheckAt());
  }

  /** Stops checking; a check in flight is ignored when it ends. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(at: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce(), Math.max(0, at - this.options.now()));
  }

  private async runOnce(): Promise<void> {
    this.timer = undefined;
    const state = this.state;
    if (!state || this.stopped) return;
    const startedAt = this.options.now();
    const ok = await this.options.probe(state.timing.timeoutSeconds * 1000);
    if (this.stopped) return;
    const verdict = state.record(ok, this.options.now());
    if (verdict) this.options.onVerdict(verdict);
    if (!state.killRequested) this.arm(state.nextCheckAt(startedAt));
  }
}
