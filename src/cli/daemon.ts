/**
 * What every long-running command shares: the start-up banner, the V8 flags a
 * daemon sets on itself, and waiting for SIGINT/SIGTERM to stop cleanly.
 */
import { setFlagsFromString } from 'node:v8';
import { BUILD } from '../master/http/state-json.js';
import { v8FlagsToSet, type ProcessV8Flag } from '../master/v8-heap-flags.js';
import { MESETA_VERSION, MESOS_COMPAT_VERSION } from '../version.js';
import type { Logger } from '../logging/logger.js';

/** Logs the Build/Version lines Mesos daemons start with (seed cases 2 and 3). */
export function logBanner(logger: Logger): void {
  logger.info(`Build: ${BUILD.build_date} by ${BUILD.build_user}`);
  logger.info(`Version: ${MESOS_COMPAT_VERSION} (Meseta ${MESETA_VERSION})`);
}

/**
 * Sets on this process those of `flags` the operator did not give node
 * (`process.execArgv`, `NODE_OPTIONS` in `env`), and logs them as set by `who`.
 * Call it before the daemon does its work, so V8 gathers its feedback under them.
 */
export function setOwnV8Flags(flags: readonly ProcessV8Flag[], env: NodeJS.ProcessEnv, logger: Logger, who: string): void {
  const toSet = v8FlagsToSet(flags, process.execArgv, env.NODE_OPTIONS);
  for (const flag of toSet) setFlagsFromString(flag);
  if (toSet.length > 0) logger.info(`V8 flags set by ${who}: ${toSet.join(' ')}`);
}

/** Resolves with the signal name on the first SIGINT or SIGTERM. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
