/**
 * The agent's logging verbosity as the operator API and `/logging/toggle`
 * see it (glog `FLAGS_v`, libprocess `Logging::set_level`): a level that an
 * operator may raise for a while, after which it falls back to the original.
 * Our logger has no verbose (`VLOG`) lines yet, so the level is recorded and
 * reported only.
 */

/** Schedules `fn` after `ms`; returns a cancel function. Injected so tests need no timers. */
export type Scheduler = (fn: () => void, ms: number) => () => void;

/** Real timers that never keep the process alive. */
export const unrefScheduler: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** See the module comment. */
export class Verbosity {
  private current: number;
  private cancelRevert: (() => void) | undefined;

  /** @param original the level at start (Mesos: `GLOG_v`, default 0). */
  constructor(
    private readonly original = 0,
    private readonly schedule: Scheduler = unrefScheduler,
  ) {
    this.current = original;
  }

  /** The level now (GET_LOGGING_LEVEL `level`). */
  get level(): number {
    return this.current;
  }

  /**
   * Sets `level` for `durationMs`, then reverts to the original level
   * (a later call replaces the pending revert, as libprocess does).
   */
  set(level: number, durationMs: number): void {
    this.cancelRevert?.();
    this.current = level;
    this.cancelRevert = this.schedule(() => {
      this.current = this.original;
      this.cancelRevert = undefined;
    }, Math.max(0, durationMs));
  }
}
