/**
 * `meseta agent` (`mesos-agent`, `mesos-slave`): one agent process with Mesos's flags.
 */
import { formatHelp, loadFlags } from '../flags.js';
import { applyConfigDirs, FLAGS_DIR_FLAG } from '../config-dirs.js';
import { AGENT_FLAGS, AGENT_USAGE, readAgentFlags } from '../flag-sets/agent.js';
import { createLogger } from '../../logging/logger.js';
import { flagStrings } from '../flag-strings.js';
import { logBanner, waitForStopSignal } from '../daemon.js';
import { startAgent } from '../start-agent.js';
import { MESOS_COMPAT_VERSION } from '../../version.js';

/**
 * Runs until SIGINT/SIGTERM. Tasks are left running on a signal, as a Mesos
 * agent leaves them for the next agent to recover. Returns the exit code.
 */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Mesosphere packages' /etc/mesos/zk and /etc/mesos-slave/<flag>, below the command line and MESOS_*.
  const loaded = loadFlags(AGENT_FLAGS, applyConfigDirs('agent', AGENT_FLAGS, argv, env, 'MESOS_'), env);
  if (loaded.help) {
    process.stdout.write(formatHelp(AGENT_USAGE, [...AGENT_FLAGS, FLAGS_DIR_FLAG]));
    return 0;
  }
  if (loaded.version) {
    process.stdout.write(`mesos ${MESOS_COMPAT_VERSION}\n`);
    return 0;
  }
  const flags = readAgentFlags(loaded.values, { help: false, version: false, warnings: loaded.warnings });
  const logger = createLogger('agent', {
    level: flags.loggingLevel,
    quiet: flags.quiet,
    logDir: flags.logDir,
    program: 'mesos-agent',
  });
  logBanner(logger);
  let agent;
  try {
    agent = await startAgent(flags, logger, flagStrings(AGENT_FLAGS, loaded.values));
  } catch (error) {
    logger.error((error as Error).message);
    return 1;
  }
  // The master may tell the agent to shut down (e.g. it was marked gone); the process then exits too.
  const signal = await Promise.race([waitForStopSignal(), agent.stopped.then(() => undefined)]);
  if (signal) {
    logger.info(`Received ${signal}, shutting down`);
    await agent.stop({ killTasks: false });
  }
  return 0;
}
