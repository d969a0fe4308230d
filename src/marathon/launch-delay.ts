/**
 * Launch backoff per app config version (Marathon's RateLimiter, §6.3):
 * the first failure delays the next launch by `backoffSeconds`, each further
 * failure multiplies the delay by `backoffFactor`, capped at
 * `maxLaunchDelaySeconds`. The entry is dropped after `maxLaunchDelaySeconds`
 * without failures (counted from the last failure or successful start), by
 * `DELETE /v2/queue/{id}/delay`, and by any new config version. Pure: times
 * are ms since the epoch, passed in.
 */
import type { AppDefinition } from './app-definition.js';

/** The backoff state of one app. */
export interface LaunchDelay {
  /** `versionInfo.lastConfigChangeAt` the delay belongs to. */
  configVersion: string;
  /** Current delay (seconds). */
  delaySeconds: number;
  /** When the last failure happened (ms): launches wait until `failedAt + delay`. */
  failedAt: number;
  /** Last failure or successful start (ms): the entry expires `maxLaunchDelaySeconds` after it. */
  referenceTime: number;
}

type BackoffFields = Pick<AppDefinition, 'backoffSeconds' | 'backoffFactor' | 'maxLaunchDelaySeconds' | 'versionInfo'>;

/** The delay after one more failure of `app` at `now`. A delay of another config version starts afresh. */
export function delayAfterFailure(previous: LaunchDelay | undefined, app: BackoffFields, now: number): LaunchDelay {
  const configVersion = app.versionInfo.lastConfigChangeAt;
  const current = previous && previous.configVersion === configVersion && !isExpired(previous, app, now) ? previous : undefined;
  const delaySeconds = current
    ? Math.min(current.delaySeconds * app.backoffFactor, app.maxLaunchDelaySeconds)
    : Math.min(app.backoffSeconds, app.maxLaunchDelaySeconds);
  return { configVersion, delaySeconds, failedAt: now, referenceTime: now };
}

/** A task of the app started (STAGING/RUNNING): the entry lives on, its expiry counted from now. */
export function restampDelay(delay: LaunchDelay, now: number): LaunchDelay {
  return { ...delay, referenceTime: now };
}

/** True when the entry no longer applies: another config version, or quiet for `maxLaunchDelaySeconds`. */
export function isExpired(delay: LaunchDelay, app: BackoffFields, now: number): boolean {
  return delay.configVersion !== app.versionInfo.lastConfigChangeAt || now - delay.referenceTime > app.maxLaunchDelaySeconds * 1000;
}

/** Seconds left before the app may launch again (0 when not delayed). */
export function delayLeftSeconds(delay: LaunchDelay | undefined, app: BackoffFields, now: number): number {
  if (!delay || isExpired(delay, app, now)) return 0;
  const left = delay.failedAt + delay.delaySeconds * 1000 - now;
  return left > 0 ? left / 1000 : 0;
}

/** True while launches of `app` must wait. */
export function isDelayed(delay: LaunchDelay | undefined, app: BackoffFields, now: number): boolean {
  return delayLeftSeconds(delay, app, now) > 0;
}
