/**
 * `meseta local` (`mesos-local`): a master and `--num_agents` agents in one
 * process, each built exactly as `meseta master` / `meseta agent` build theirs
 * (same wiring functions). The agents reach the master in memory
 * (src/master/local-agent-channel.ts), as libprocess delivers `mesos-local`'s
 * messages without sockets; with `--zk` the leader may be another process, so
 * they talk HTTP as separate agents would. Everything else — frameworks, the
 * agents' own HTTP APIs, executors — goes over 127.0.0.1.
 */
import { formatHelp, loadFlags } from '../flags.js';
import { LOCAL_FLAGS, LOCAL_USAGE, parseLocalFlags } from '../flag-sets/local.js';
import { MASTER_FLAGS } from '../flag-sets/master.js';
import { AGENT_FLAGS } from '../flag-sets/agent.js';
import { createLogger, type Logger } from '../../logging/logger.js';
import { flagStrings } from '../flag-strings.js';
import { logBanner, setOwnV8Flags, waitForStopSignal } from '../daemon.js';
import { startMaster, type RunningMaster } from '../start-master.js';
import { startAgent } from '../start-agent.js';
import type { Agent } from '../../agent/agent.js';
import { SqliteStore } from '../../coordination/sqlite-store.js';
import { ensureWritableDir } from '../work-dir.js';
import { join } from 'node:path';
import { MESOS_COMPAT_VERSION } from '../../version.js';
import { LocalAgentChannel } from '../../master/local-agent-channel.js';
import type { MasterTransport } from '../../agent/master-link.js';
import { HttpCallError } from '../../transport/stream-client.js';
import { LOCAL_V8_FLAGS } from '../local-v8-flags.js';

/**
 * Runs until SIGINT/SIGTERM, then stops the agents (killing the tasks they
 * started) and the master. Returns the exit code.
 */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = loadFlags(LOCAL_FLAGS, argv, env);
  if (loaded.help) {
    process.stdout.write(formatHelp(LOCAL_USAGE, LOCAL_FLAGS));
    return 0;
  }
  if (loaded.version) {
    process.stdout.write(`mesos ${MESOS_COMPAT_VERSION}\n`);
    return 0;
  }
  const flags = parseLocalFlags(argv, env, { warn: () => undefined });
  const logger = createLogger('local', {
    level: flags.loggingLevel,
    quiet: flags.quiet,
    logDir: flags.logDir,
    program: 'mesos-local',
  });
  logBanner(logger);
  // Before the cluster runs anything, so no function's tiering started under the defaults (why: src/cli/local-v8-flags.ts).
  setOwnV8Flags(LOCAL_V8_FLAGS, env, logger, 'meseta local');
  let master: RunningMaster | undefined;
  let channel: LocalAgentChannel | undefined;
  const agents: Agent[] = [];
  // Frameworks started here (Chronos, Marathon), stopped before the cluster.
  const services: LocalService[] = [];
  const stopAll = async (): Promise<void> => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    await Promise.all(agents.map((a) => a.stop({ killTasks: true }).catch(() => undefined)));
    channel?.close();
    await master?.stop().catch(() => undefined);
  };
  try {
    master = await startMaster(flags.master, logger.child('master'), {
      ...flagStrings(MASTER_FLAGS, loaded.values),
      ip: flags.ip,
      port: String(flags.port),
      work_dir: flags.master.workDir ?? '',
    });
    // With --zk this master may never lead (or stop leading): its agents must follow the leader over HTTP.
    if (!flags.master.zk) {
      channel = new LocalAgentChannel(master.master);
      logger.info('Agents reach the master in process (no HTTP between them)');
    }
    const masterTransport = channel && inProcessTransport(channel);
    for (const [i, agentFlags] of flags.agents.entries()) {
      const strings = { ...flagStrings(AGENT_FLAGS, loaded.values), master: agentFlags.master, port: String(agentFlags.port), work_dir: agentFlags.workDir };
      agents.push(await startAgent(agentFlags, logger.child(`agent${i}`), strings, { masterTransport }));
    }
    if (flags.marathonPort !== 0) {
      services.push(await startLocalMarathon(flags.ip, master.port, flags.marathonPort, join(flags.workDir, 'marathon'), logger));
    }
    if (flags.chronosPort !== 0) {
      services.push(await startLocalChronos(flags.ip, master.port, flags.chronosPort, join(flags.workDir, 'chronos'), logger));
    }
  } catch (error) {
    logger.error((error as Error).message);
    await stopAll();
    return 1;
  }
  const url = `http://${flags.ip}:${master.port}`;
  process.stdout.write(
    `Meseta local cluster: master and ${agents.length} agent(s) running.\n` +
      `  Master API and UI: ${url}/  (state: ${url}/master/state)\n` +
      services.map((s) => `  ${s.name}: ${s.url}\n`).join('') +
      `  Try: bin/meseta test-framework --master=${flags.ip}:${master.port}\n` +
      `  Work directory: ${flags.workDir}\n` +
      `Press Ctrl-C to stop.\n`,
  );
  const signal = await waitForStopSignal();
  logger.info(`Received ${signal}, stopping the local cluster`);
  await stopAll();
  return 0;
}

/**
 * The agents' MasterTransport over the master's in-process channel: the same
 * calls and answers as HTTP (a refused call rejects with HttpCallError), the
 * URL only naming the master in the agents' logs.
 */
export function inProcessTransport(channel: LocalAgentChannel): MasterTransport {
  return {
    open: (_url, call, handlers) => channel.open(call, handlers),
    post: async (_url, call, streamId) => {
      const answer = await channel.call(call, streamId);
      if (answer.status >= 300) throw new HttpCallError(answer.status, answer.body);
    },
  };
}

/** A framework started inside `meseta local`, stopped before the cluster. */
interface LocalService {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a built-in framework (Marathon, Chronos) against the local master with
 * its own SQLite store in `dir`; the store is closed when the framework stops
 * (or fails to start).
 */
async function startLocalService(
  name: string,
  ip: string,
  dir: string,
  dbFile: string,
  start: (store: SqliteStore) => Promise<{ port: number; stop(): Promise<void> }>,
): Promise<LocalService> {
  ensureWritableDir(dir, `${name} state directory`);
  const store = new SqliteStore(join(dir, dbFile));
  const service = await start(store).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return {
    name: `${name} API`,
    url: `http://${ip}:${service.port}/`,
    stop: async () => {
      await service.stop();
      await store.close();
    },
  };
}

/** Marathon as a framework of the local master, its state in `<work_dir>/marathon`. */
async function startLocalMarathon(ip: string, masterPort: number, port: number, dir: string, logger: Logger): Promise<LocalService> {
  const { startMarathon } = await import('../../marathon/start-marathon.js');
  return startLocalService('Marathon', ip, dir, 'marathon.db', (store) =>
    startMarathon({ master: `${ip}:${masterPort}`, httpPort: port, httpAddress: ip, hostname: ip, store, logger: logger.child('marathon') }),
  );
}

/** Chronos as a framework of the local master, its state in `<work_dir>/chronos`. */
async function startLocalChronos(ip: string, masterPort: number, port: number, dir: string, logger: Logger): Promise<LocalService> {
  const { startChronos } = await import('../../chronos/start-chronos.js');
  return startLocalService('Chronos', ip, dir, 'chronos.sqlite', (store) =>
    startChronos({ master: `${ip}:${masterPort}`, httpPort: port, httpAddress: ip, hostname: ip, store, logger: logger.child('chronos') }),
  );
}
