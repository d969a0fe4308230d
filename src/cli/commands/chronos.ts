/**
 * `meseta chronos` (`chronos`): a Chronos-compatible job scheduler as its own
 * process, a framework of the master given by `--master` (`host:port` or
 * `zk://…/mesos`). Jobs and the framework id persist in
 * `<work_dir>/chronos.sqlite`, or with `--zk_hosts`/`--zk` in ZooKeeper under
 * `--zk_path`, where every Chronos given the same place joins one leader
 * election and standbys relay the API to the leader.
 */
import { join } from 'node:path';
import type { Store } from '../../coordination/store.js';
import { ZooKeeperStore } from '../../coordination/zookeeper/zookeeper-store.js';
import { formatZooKeeperUrl } from '../../coordination/zookeeper/zk-url.js';
import { ZooKeeperLeadership } from '../../chronos/leadership.js';
import { formatHelp } from '../flags.js';
import { CHRONOS_FLAGS, CHRONOS_USAGE, parseChronosFlags } from '../flag-sets/chronos.js';
import { createLogger } from '../../logging/logger.js';
import { logBanner, waitForStopSignal } from '../daemon.js';
import { ensureWritableDir } from '../work-dir.js';
import { SqliteStore } from '../../coordination/sqlite-store.js';
import { startChronos } from '../../chronos/start-chronos.js';
import { MESETA_VERSION } from '../../version.js';

/** Chronos's store file inside `--work_dir`. */
export const CHRONOS_STORE_FILE = 'chronos.sqlite';

/** Runs until SIGINT/SIGTERM; returns the exit code. Throws FlagError on bad flags. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseChronosFlags(argv, env);
  if (flags.help) {
    process.stdout.write(formatHelp(CHRONOS_USAGE, CHRONOS_FLAGS));
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`chronos 3.0.2 (Meseta ${MESETA_VERSION})\n`);
    return 0;
  }
  const logger = createLogger('chronos', { level: flags.loggingLevel, quiet: flags.quiet, logDir: flags.logDir, program: 'chronos' });
  logBanner(logger);
  const zk = flags.zk;
  const zkOptions = { sessionTimeoutMs: flags.zkTimeoutMs };
  let store: Store;
  try {
    if (zk) {
      store = await ZooKeeperStore.open(zk, zkOptions);
    } else {
      ensureWritableDir(flags.workDir, 'work directory');
      store = new SqliteStore(join(flags.workDir, CHRONOS_STORE_FILE));
    }
  } catch (error) {
    logger.error(zk ? `Failed to open the ZooKeeper state store at ${formatZooKeeperUrl(zk)}: ${(error as Error).message}` : (error as Error).message);
    return 1;
  }
  let running;
  try {
    running = await startChronos({
      master: flags.master,
      httpPort: flags.httpPort,
      httpAddress: flags.httpAddress,
      hostname: flags.hostname,
      store,
      logger,
      frameworkName: flags.frameworkName,
      role: flags.mesosRole,
      user: flags.user,
      failureRetryMs: flags.failureRetryMs,
      disableAfterFailures: flags.disableAfterFailures,
      taskDefaults: { cpus: flags.taskCpus, mem: flags.taskMemMb, disk: flags.taskDiskMb },
      failoverTimeoutSeconds: flags.failoverTimeoutSeconds,
      checkpoint: flags.checkpoint,
      declineOfferDurationMs: flags.declineOfferDurationMs,
      minReviveIntervalMs: flags.minReviveIntervalMs,
      ...(zk
        ? {
            createLeadership: (self: { host: string; port: number }) =>
              new ZooKeeperLeadership(zk, self, { ...zkOptions, onError: (error) => logger.warn(`Leader election: ${error.message}`) }),
          }
        : {}),
    });
  } catch (error) {
    logger.error((error as Error).message);
    await store.close();
    return 1;
  }
  const where = zk ? formatZooKeeperUrl(zk) : join(flags.workDir, CHRONOS_STORE_FILE);
  process.stdout.write(`Chronos listening on ${flags.httpAddress}:${running.port} (state in ${where})\n`);
  const signal = await waitForStopSignal();
  logger.info(`Received ${signal}, shutting down`);
  await running.stop();
  await store.close();
  return 0;
}
