/**
 * A real Master for unit tests: registry in an in-memory SQLite store, the
 * hierarchical DRF allocator, no HTTP server, no log output; already elected.
 */
import { Master } from '../../src/master/master.js';
import { Registry } from '../../src/master/registry/registry.js';
import { HierarchicalDRFAllocator } from '../../src/master/allocator/hierarchical-drf-allocator.js';
import { SqliteStore } from '../../src/coordination/sqlite-store.js';
import { systemClock } from '../../src/mesos/clock.js';

/** A logger that drops everything. */
export const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Starts and elects a master. `agentPingTimeoutMs` is Mesos's
 * `--agent_ping_timeout` in ms (default 15 s). The caller stops the master
 * (`master.stop()`), then calls `close()` for the store.
 */
export async function startMemoryMaster(agentPingTimeoutMs = 15_000): Promise<{ master: Master; close: () => Promise<void> }> {
  const store = new SqliteStore(':memory:');
  const master = new Master({
    ip: '127.0.0.1',
    port: 5050,
    hostname: 'localhost',
    version: '1.11.0',
    clock: systemClock,
    logger: silent,
    registry: new Registry(store),
    allocator: new HierarchicalDRFAllocator(),
    allocationIntervalMs: 1000,
    agentPingTimeoutMs,
    maxAgentPingTimeouts: 5,
    maxCompletedFrameworks: 50,
    maxCompletedTasksPerFramework: 1000,
    flags: {},
  });
  await master.elect();
  return { master, close: () => store.close() };
}
