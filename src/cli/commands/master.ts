/**
 * `meseta master` (`mesos-master`): one master process with Mesos's flags.
 */
import { loadFlags, formatHelp } from '../flags.js';
import { applyConfigDirs, FLAGS_DIR_FLAG } from '../config-dirs.js';
import { MASTER_FLAGS, MASTER_USAGE, readMasterFlags } from '../flag-sets/master.js';
import { createLogger } from '../../logging/logger.js';
import { flagStrings } from '../flag-strings.js';
import { logBanner, setOwnV8Flags, waitForStopSignal } from '../daemon.js';
import { startMaster } from '../start-master.js';
import { MESOS_COMPAT_VERSION } from '../../version.js';
import { MASTER_V8_FLAGS } from '../../master/v8-heap-flags.js';

/** How long a master that lost leadership tries to stop cleanly before exiting, ms. */
const SUICIDE_STOP_BOUND_MS = 1000;

/** Runs until SIGINT/SIGTERM; returns the exit code. Throws FlagError on bad flags. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Mesosphere packages' /etc/mesos/zk and /etc/mesos-master/<flag>, below the command line and MESOS_*.
  const loaded = loadFlags(MASTER_FLAGS, applyConfigDirs('master', MASTER_FLAGS, argv, env, 'MESOS_'), env);
  if (loaded.help) {
    process.stdout.write(formatHelp(MASTER_USAGE, [...MASTER_FLAGS, FLAGS_DIR_FLAG]));
    return 0;
  }
  if (loaded.version) {
    process.stdout.write(`mesos ${MESOS_COMPAT_VERSION}\n`);
    return 0;
  }
  const flags = readMasterFlags(loaded.values, { help: false, version: false, warnings: loaded.warnings });
  const logger = createLogger('master', {
    level: flags.loggingLevel,
    quiet: flags.quiet,
    logDir: flags.logDir,
    program: 'mesos-master',
  });
  logBanner(logger);
  // Before the master allocates anything, so V8's allocation-site feedback is
  // gathered under these flags (why: src/master/v8-heap-flags.ts).
  setOwnV8Flags(MASTER_V8_FLAGS, env, logger, 'the master');
  logger.info('Starting Mesos master');
  let running;
  try {
    running = await startMaster(flags, logger, flagStrings(MASTER_FLAGS, loaded.values));
  } catch (error) {
    logger.error((error as Error).message);
    return 1;
  }
  const ended = await Promise.race([
    waitForStopSignal().then((signal) => ({ signal })),
    running.aborted.then((reason) => ({ reason })),
  ]);
  if ('reason' in ended) {
    // As Mesos: a master that lost leadership exits so its supervisor restarts it as a standby.
    logger.fatal(`Lost leadership... committing suicide! (${ended.reason})`);
    // Mesos exits at once; a clean stop is only tried briefly, since a registry
    // write stuck on a ZooKeeper without quorum would hold it forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running.stop().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, SUICIDE_STOP_BOUND_MS)))]);
    clearTimeout(timer);
    return 1;
  }
  logger.info(`Received ${ended.signal}, shutting down`);
  await running.stop();
  return 0;
}
