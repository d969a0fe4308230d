/**
 * Reconnect delays: exponential, capped, with jitter so that many frameworks
 * losing the same master do not all come back in the same millisecond.
 * Pure: the random number is an argument.
 */

/** Backoff bounds in milliseconds. */
export interface BackoffPolicy {
  /** Delay cap for the first retry (attempt 0). */
  initialMs: number;
  /** No delay exceeds this. */
  maxMs: number;
}

/** Mesos's scheduler library retries registration from ~2 s, growing to a minute. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/**
 * The delay before retry number `attempt` (0-based): the cap is
 * `min(maxMs, initialMs * 2^attempt)` and the delay is uniform in [cap/2, cap]
 * ("equal jitter": never zero, never above the cap). `random01` is in [0, 1).
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random01: number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const cap = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const r = Math.min(Math.max(random01, 0), 1);
  return Math.round(cap / 2 + (cap / 2) * r);
}
