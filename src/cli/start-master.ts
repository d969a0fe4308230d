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

export interface RunningMaster {
  master: Master;
  server: FastifyInstance;
  /** The bound port (differs from the flag when it was 0). */
  port: number;
  stop(): Promise<void>;
}

/** Flag values as the strings `/master/flags` shows. */
export type FlagStrings = Record<string, string>;

/**
 * Starts a master. Throws an Error with a one-line message when the work_dir is
 * not writable or the port is taken.
 */
export async function startMaster(flags: MasterFlags, logger: Logger, flagStrings: FlagStrings): Promise<RunningMaster> {
  let dbPath = ':memory:';
  if (flags.registry === 'sqlite') {
    const workDir = flags.workDir!;
    ensureWritableDir(workDir, 'work directory');
    dbPath = join(workDir, 'registry.db');
  }
  const store = new SqliteStore(dbPath);
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
  await master.start();
  return {
    master,
    server,
    port: master.options.port,
    stop: async () => {
      await master.stop();
      await server.close();
      await store.close();
    },
  };
}
