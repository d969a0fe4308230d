/**
 * `meseta marathon` (`marathon`): a Marathon-compatible service scheduler
 * registering with a Mesos master (`--master=host:port` or `zk://…/mesos`),
 * REST API on `--http_port` (8080). State in SQLite under `--work_dir`, or in
 * ZooKeeper with `--zk=zk://…/marathon`, where every Marathon given the same
 * URL joins one leader election and standbys relay the API to the leader.
 * Runs until SIGINT/SIGTERM; its tasks keep running for the framework
 * failover timeout after it stops.
 */
import { join } from 'node:path';
import type { Store } from '../../coordination/store.js';
import { ZooKeeperStore } from '../../coordination/zookeeper/zookeeper-store.js';
import { formatZooKeeperUrl } from '../../coordination/zookeeper/zk-url.js';
import { ZooKeeperLeadership } from '../../marathon/leadership.js';
import { formatHelp } from '../flags.js';
import { MARATHON_ENV_PREFIX, MARATHON_FLAGS, MARATHON_USAGE, parseMarathonFlags } from '../flag-sets/marathon.js';
import { applyConfigDirs, FLAGS_DIR_FLAG } from '../config-dirs.js';
import { createLogger } from '../../logging/logger.js';
import { SqliteStore } from '../../coordination/sqlite-store.js';
import { waitForStopSignal } from '../daemon.js';
import { ensureWritableDir } from '../work-dir.js';
import { MARATHON_COMPAT_VERSION, startMarathon } from '../../marathon/start-marathon.js';

/** Runs until a stop signal; returns the exit code. Throws FlagError on bad flags. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // The package's /etc/marathon/conf/<flag> (and /etc/mesos/zk as --master), below the command line and MARATHON_*.
  const flags = parseMarathonFlags(applyConfigDirs('marathon', MARATHON_FLAGS, argv, env, MARATHON_ENV_PREFIX), env);
  if (flags.help) {
    process.stdout.write(formatHelp(MARATHON_USAGE, [...MARATHON_FLAGS, FLAGS_DIR_FLAG]));
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`marathon ${MARATHON_COMPAT_VERSION}\n`);
    return 0;
  }
  const logger = createLogger('marathon', { level: flags.loggingLevel, quiet: flags.quiet, logDir: flags.logDir, program: 'marathon' });
  const zk = flags.zk;
  logger.info(`Starting Marathon ${MARATHON_COMPAT_VERSION} with --master=${flags.master}${zk ? ` --zk=${formatZooKeeperUrl(zk)}` : ''}`);
  const zkOptions = { sessionTimeoutMs: flags.zkSessionTimeoutMs, operationTimeoutMs: flags.zkTimeoutMs, connectTimeoutMs: flags.zkConnectionTimeoutMs };
  let store: Store;
  let running;
  try {
    if (zk) {
      store = await ZooKeeperStore.open(zk, zkOptions);
    } else {
      ensureWritableDir(flags.workDir, 'work directory');
      store = new SqliteStore(join(flags.workDir, 'marathon.db'));
    }
  } catch (error) {
    logger.error(zk ? `Failed to open the ZooKeeper state store at ${formatZooKeeperUrl(zk)}: ${(error as Error).message}` : (error as Error).message);
    return 1;
  }
  try {
    running = await startMarathon({
      master: flags.master,
      httpPort: flags.httpPort,
      httpAddress: flags.httpAddress,
      ...(flags.hostname ? { hostname: flags.hostname } : {}),
      frameworkName: flags.frameworkName,
      mesosRole: flags.mesosRole,
      ...(flags.mesosUser ? { mesosUser: flags.mesosUser } : {}),
      taskLaunchTimeoutMs: flags.taskLaunchTimeoutMs,
      failoverTimeoutSeconds: flags.failoverTimeoutSeconds,
      features: flags.features,
      defaultAcceptedRoles: flags.defaultAcceptedRoles,
      ...(flags.envVarsPrefix !== undefined ? { envVarsPrefix: flags.envVarsPrefix } : {}),
      localPortMin: flags.localPortMin,
      localPortMax: flags.localPortMax,
      maxInstancesPerOffer: flags.maxInstancesPerOffer,
      declineOfferDurationMs: flags.declineOfferDurationMs,
      reconciliationIntervalMs: flags.reconciliationIntervalMs,
      killRetryTimeoutMs: flags.killRetryTimeoutMs,
      ...(flags.defaultNetworkName ? { defaultNetworkName: flags.defaultNetworkName } : {}),
      ...(zk ? { zk: formatZooKeeperUrl(zk), zkSessionTimeoutMs: flags.zkSessionTimeoutMs } : {}),
      ...(zk && flags.ha
        ? {
            createLeadership: (self: { host: string; port: number }) =>
              new ZooKeeperLeadership(zk, self, { ...zkOptions, onError: (error) => logger.warn(`Leader election: ${error.message}`) }),
          }
        : {}),
      leaderProxy: { connectionTimeoutMs: flags.leaderProxyConnectionTimeoutMs, readTimeoutMs: flags.leaderProxyReadTimeoutMs },
      store,
      logger,
    });
  } catch (error) {
    logger.error(`Failed to start Marathon: ${(error as Error).message}`);
    await store.close();
    return 1;
  }
  const signal = await waitForStopSignal();
  logger.info(`Received ${signal}, shutting down`);
  await running.stop();
  await store.close();
  return 0;
}
