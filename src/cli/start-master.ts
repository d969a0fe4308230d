/**
 * Wires a master from its flags: store, registry, allocator, the Master and its
 * HTTP server. Used by `meseta master` and `meseta local`.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../coordination/sqlite-store.js';
import { HierarchicalDRFAllocator } from '../master/allocator/hierarchical-drf-allocator.js';
import { Master } from '../master/master.js';
import { Registry } from '../master/registry/registry.js';
import { createMasterServer } from '../master/http/server.js';
import { systemClock } from '../mesos/clock.js';
import { MESOS_COMPAT_VERSION } from '../version.js';
import type { MasterFlags } from './flag-sets/master.js';
import { advertisedHostname, advertisedIp } from './network.js';
import type { Logger } from '../logging/logger.js';
import { parseMinAllocatable } from './min-allocatable.js';
import { listen } from './listen.js';
import { ensureWritableDir } from './work-dir.js';
import { FlagError } from './flags.js';
import type { Store } from '../coordination/store.js';
import { formatZooKeeperUrl, parseZooKeeperUrl, type ZooKeeperUrl } from '../coordination/zookeeper/zk-url.js';
import { ZooKeeperStore } from '../coordination/zookeeper/zookeeper-store.js';
import { ZooKeeperSession } from '../coordination/zookeeper/session.js';
import { ZooKeeperContender } from '../coordination/zookeeper/zookeeper-contender.js';
import { ZooKeeperMasterDetector } from '../coordination/zookeeper/zookeeper-master-detector.js';

export interface RunningMaster {
  master: Master;
  server: FastifyInstance;
  /** The bound port (differs from the flag when it was 0). */
  port: number;
  /**
   * Resolves with the reason if this master loses leadership (HA only). As in
   * Mesos the process must then exit: a standby with stale state must not serve.
   */
  aborted: Promise<string>;
  stop(): Promise<void>;
}

/** Flag values as the strings `/master/flags` shows. */
export type FlagStrings = Record<string, string>;

/**
 * Starts a master. Throws an Error with a one-line message when the work_dir is
 * not writable or the port is taken.
 */
export async function startMaster(flags: MasterFlags, logger: Logger, flagStrings: FlagStrings): Promise<RunningMaster> {
  const zk = flags.zk ? parseZooKeeperUrl(flags.zk) : undefined;
  if (zk && flags.quorum === undefined) {
    throw new FlagError('Need to specify --quorum for replicated log based registry when using ZooKeeper', 'quorum');
  }
  let dbPath = ':memory:';
  if (flags.registry === 'sqlite' && !zk) {
    const workDir = flags.workDir!;
    ensureWritableDir(workDir, 'work directory');
    dbPath = join(workDir, 'registry.db');
  }
  // With --zk the registry lives in ZooKeeper (every master sees the leader's writes);
  // otherwise in SQLite under --work_dir.
  const sessionOptions = { sessionTimeoutMs: flags.zkSessionTimeout };
  const store: Store = zk ? await ZooKeeperStore.open(zk, sessionOptions) : new SqliteStore(dbPath);
  const bindIp = flags.ip ?? '0.0.0.0';
  const ip = advertisedIp(flags.advertiseIp ?? flags.ip);
  const allocator = new HierarchicalDRFAllocator({
    weights: flags.weights,
    minAllocatable: parseMinAllocatable(flags.minAllocatableResources),
  });
  logger.info(`Using '${flags.allocator}' allocator`);
  const master = new Master({
    ip,
    port: flags.advertisePort ?? flags.port,
    hostname: advertisedHostname(flags.hostname, ip, flags.hostnameLookup),
    version: MESOS_COMPAT_VERSION,
    cluster: flags.cluster,
    clock: systemClock,
    logger,
    registry: new Registry(store),
    allocator,
    allocationIntervalMs: flags.allocationInterval,
    offerTimeoutMs: flags.offerTimeout,
    agentPingTimeoutMs: flags.agentPingTimeout,
    agentReregisterTimeoutMs: flags.agentReregisterTimeout,
    maxAgentPingTimeouts: flags.maxAgentPingTimeouts,
    maxCompletedFrameworks: flags.maxCompletedFrameworks,
    maxCompletedTasksPerFramework: flags.maxCompletedTasksPerFramework,
    roles: flags.roles,
    weights: flags.weights,
    flags: flagStrings,
  });
  const server = await listen(() => createMasterServer(master), bindIp, flags.port, (app) => {
    // With --port=0 the advertised port is known only once bound.
    if (flags.advertisePort === undefined) master.options.port = (app.server.address() as { port: number }).port;
  });
  master.start();
  let abort!: (reason: string) => void;
  const aborted = new Promise<string>((resolve) => (abort = resolve));
  let election: { contender: ZooKeeperContender; session: ZooKeeperSession; detector: ZooKeeperMasterDetector } | undefined;
  if (zk) {
    election = await contend(zk, sessionOptions, master, logger, abort);
  } else {
    await master.elect();
  }
  return {
    master,
    server,
    port: master.options.port,
    aborted,
    stop: async () => {
      await master.stop();
      await election?.contender.withdraw().catch(() => undefined);
      election?.detector.close();
      await election?.session.close();
      await server.close();
      await store.close();
    },
  };
}

/**
 * Joins the ZooKeeper election with this master's MasterInfo (`json.info_*`) and
 * follows whoever leads. Elected → `master.elect()`; leadership lost → `abort`.
 */
async function contend(
  zk: ZooKeeperUrl,
  sessionOptions: { sessionTimeoutMs: number },
  master: Master,
  logger: Logger,
  abort: (reason: string) => void,
): Promise<{ contender: ZooKeeperContender; session: ZooKeeperSession; detector: ZooKeeperMasterDetector }> {
  const detector = new ZooKeeperMasterDetector(zk, {
    ...sessionOptions,
    onError: (error) => logger.warn(`Master detection: ${error.message}`),
  });
  detector.onLeader((leader) => {
    if (leader?.info.id === master.id) return;
    master.followLeader(
      leader && {
        id: leader.info.id,
        pid: leader.info.pid ?? `master@${leader.address.host}:${leader.address.port}`,
        hostname: leader.info.hostname ?? leader.address.host,
        port: leader.address.port,
      },
    );
  });
  const session = await ZooKeeperSession.connect(zk, sessionOptions);
  const contender = new ZooKeeperContender(session, zk.path, master.info);
  contender.onElected(() => {
    void master.elect().catch((error: Error) => abort(`Failed to recover the registry: ${error.message}`));
  });
  contender.onLostLeadership((reason) => abort(reason));
  await contender.contend();
  logger.info(`Contending for leadership in ${formatZooKeeperUrl(zk)}`);
  return { contender, session, detector };
}
