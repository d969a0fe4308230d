/**
 * `meseta simulate-agents`: N simulated agents in one process, registered with a
 * real master over the real agent channel, running tasks without processes
 * (src/simulator). For trying frameworks, placement policies and the master
 * itself at cluster sizes no test machine has.
 *
 * By default all agents share one link to the master (a handful of sockets).
 * With `--no-link` each agent holds its own stream, so this process needs about
 * N + 100 file descriptors and the master N more (plus its frameworks): the
 * soft RLIMIT_NOFILE is checked at start and a shortfall is reported, since
 * Node cannot raise it. Run several processes (distinct `--id_offset`) to
 * spread the agents.
 */
import { readFileSync } from 'node:fs';
import { formatHelp } from '../flags.js';
import { parseSimulateAgentsFlags, SIMULATE_AGENTS_FLAGS, SIMULATE_AGENTS_USAGE } from '../flag-sets/simulate-agents.js';
import { createLogger, type Logger } from '../../logging/logger.js';
import { waitForStopSignal } from '../daemon.js';
import { startSimulatedAgents } from '../../simulator/simulator.js';
import type { SimulatorLogger } from '../../simulator/simulated-agent.js';
import { MESOS_COMPAT_VERSION } from '../../version.js';

/** Above this many agents, per-agent log lines give way to a periodic summary. */
const PER_AGENT_LOG_LIMIT = 100;
/** Descriptors this process needs besides one per agent (pool of call sockets, stdio, loader). */
const FD_MARGIN = 100;

/** Runs until SIGINT/SIGTERM; returns the exit code. Throws FlagError on bad flags. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseSimulateAgentsFlags(argv, env);
  if (flags.help) {
    process.stdout.write(formatHelp(SIMULATE_AGENTS_USAGE, SIMULATE_AGENTS_FLAGS));
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`mesos ${MESOS_COMPAT_VERSION}\n`);
    return 0;
  }
  const logger = createLogger('simulator', { level: flags.loggingLevel, quiet: flags.quiet, logDir: flags.logDir, program: 'meseta-simulate-agents' });
  const limit = openFilesLimit();
  if (!flags.link && limit !== undefined && flags.count + FD_MARGIN > limit) {
    logger.warn(
      `RLIMIT_NOFILE is ${limit}: ${flags.count} agents need about ${flags.count + FD_MARGIN} descriptors here ` +
        `(and ${flags.count} on the master); raise it with 'ulimit -n' or split the agents over several processes with --id_offset`,
    );
  }
  let fleet;
  try {
    fleet = startSimulatedAgents({
      master: flags.master,
      count: flags.count,
      resources: flags.resources,
      attributes: flags.attributes,
      taskDurationMs: flags.taskDurationMs,
      hostnamePrefix: flags.hostnamePrefix,
      idOffset: flags.idOffset,
      registrationRate: flags.registrationRate,
      registrationBackoffFactorMs: flags.registrationBackoffFactorMs,
      link: flags.link,
      statusUpdateRetry: { minMs: flags.statusUpdateRetryMinMs, maxMs: Math.max(flags.statusUpdateRetryMinMs, 600_000) },
      logger: fleetLogger(logger, flags.count),
    });
  } catch (error) {
    logger.error((error as Error).message);
    return 1;
  }
  logger.info(`Simulating ${flags.count} agents (${flags.hostnamePrefix}-${flags.idOffset}…) against ${flags.master}`);
  let last = '';
  const report = setInterval(() => {
    const s = fleet.stats();
    const line =
      `${s.registered}/${s.count} agents registered (${s.queued} queued, ${s.connecting} connecting); ` +
      `tasks: ${s.tasksActive} active, ${s.tasksLaunched} launched, ${s.tasksFinished} finished, ${s.tasksKilled} killed`;
    if (line !== last) logger.info(line);
    last = line;
  }, 5000);
  report.unref();
  const signal = await waitForStopSignal();
  logger.info(`Received ${signal}, shutting down`);
  clearInterval(report);
  fleet.stop();
  return 0;
}

/** Per-agent lines only for small fleets; large ones rely on the periodic summary. */
function fleetLogger(logger: Logger, count: number): SimulatorLogger {
  if (count <= PER_AGENT_LOG_LIMIT) return { info: (m) => logger.info(m), warn: (m) => logger.warn(m) };
  return { info: () => undefined, warn: () => undefined };
}

/** Soft limit on open files of this process, from /proc (undefined when unknown or unlimited). */
function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = Number(soft);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
