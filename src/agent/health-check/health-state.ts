/**
 * The health verdict of one task (pure; time is passed in as ms since the
 * epoch). Mirrors Mesos's `HealthChecker` (src/checks/health_checker.cpp):
 *
 *   - the first check runs `delay_seconds` after launch, then one every
 *     `interval_seconds`;
 *   - before the first success, failures within `grace_period_seconds` of
 *     launch (the delay included) are ignored;
 *   - every counted failure is reported (healthy=false); the
 *     `consecutive_failures`-th one in a row also asks for the task's kill;
 *   - a success is reported (healthy=true) only when it is the first one or
 *     ends a run of counted failures.
 */
import type { HealthCheck } from '../../mesos/types.js';

/** HealthCheck timing with Mesos's defaults filled in (seconds). */
export interface HealthTiming {
  delaySeconds: number;
  intervalSeconds: number;
  /** 0 = no timeout. */
  timeoutSeconds: number;
  consecutiveFailures: number;
  gracePeriodSeconds: number;
}

/** Mesos defaults (`DEFAULT_HEALTH_CHECK_*`): delay 15 s, interval 10 s, timeout 20 s, 3 failures, grace 10 s. */
export function healthTiming(check: HealthCheck): HealthTiming {
  return {
    delaySeconds: check.delay_seconds ?? 15,
    intervalSeconds: check.interval_seconds ?? 10,
    timeoutSeconds: check.timeout_seconds ?? 20,
    consecutiveFailures: check.consecutive_failures ?? 3,
    gracePeriodSeconds: check.grace_period_seconds ?? 10,
  };
}

/** What to tell the scheduler after one check result; undefined = nothing. */
export interface HealthVerdict {
  healthy: boolean;
  /** The failure count reached `consecutive_failures`: kill the task. */
  kill: boolean;
  /** Failures in a row so far (0 after a success). */
  consecutiveFailures: number;
}

/** The health state of one task. */
export class HealthState {
  private succeededOnce = false;
  private failures = 0;
  private killed = false;

  /** `launchedAt` (ms): when the task reached RUNNING; the delay and the grace period count from it. */
  constructor(
    readonly timing: HealthTiming,
    private readonly launchedAt: number,
  ) {}

  /** When the first check is due (ms). */
  firstCheckAt(): number {
    return this.launchedAt + this.timing.delaySeconds * 1000;
  }

  /** When the check after one that started at `startedAt` is due (ms). */
  nextCheckAt(startedAt: number): number {
    return startedAt + this.timing.intervalSeconds * 1000;
  }

  /** Whether a kill was asked for already (no more checks should run). */
  get killRequested(): boolean {
    return this.killed;
  }

  /**
   * Records one check result obtained at `now` (ms); returns the update to
   * send, if any. After a kill was asked for every result is ignored.
   */
  record(ok: boolean, now: number): HealthVerdict | undefined {
    if (this.killed) return undefined;
    if (ok) {
      const report = !this.succeededOnce || this.failures > 0;
      this.succeededOnce = true;
      this.failures = 0;
      return report ? { healthy: true, kill: false, consecutiveFailures: 0 } : undefined;
    }
    if (!this.succeededOnce && now - this.launchedAt < this.timing.gracePeriodSeconds * 1000) return undefined;
    this.failures++;
    const kill = this.failures >= this.timing.consecutiveFailures;
    if (kill) this.killed = true;
    return { healthy: false, kill, consecutiveFailures: this.failures };
  }
}
