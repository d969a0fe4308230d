/**
 * What every long-running command shares: the start-up banner and waiting for
 * SIGINT/SIGTERM to stop cleanly.
 */
import { BUILD } from '../master/http/state-json.js';
import { MESETA_VERSION, MESOS_COMPAT_VERSION } from '../version.js';
import type { Logger } from '../logging/logger.js';

/** Logs the Build/Version lines Mesos daemons start with (seed cases 2 and 3). */
export function logBanner(logger: Logger): void {
  logger.info(`Build: ${BUILD.build_date} by ${BUILD.build_user}`);
  logger.info(`Version: ${MESOS_COMPAT_VERSION} (Meseta ${MESETA_VERSION})`);
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
