/**
 * The `system/*` gauges of `/metrics/snapshot`, the same on a master and an
 * agent, as libprocess's system metrics are: `system/cpus_total`,
 * `system/load_1min`, `system/load_5min`, `system/load_15min`,
 * `system/mem_total_bytes`, `system/mem_free_bytes` (bytes).
 */
import os from 'node:os';

/** Read once per process: os.cpus() reads /proc for every CPU, and in a profiled failover the bench's once-a-second snapshot poll spent ~13 ms of the new leader's reregistration window on it. */
let cpusTotal: number | undefined;

/** The gauges now: CPU count (read once), load averages, total and free memory in bytes. Throws nothing. */
export function systemMetrics(): Record<string, number> {
  cpusTotal ??= os.cpus().length;
  const [load1, load5, load15] = os.loadavg();
  return {
    'system/cpus_total': cpusTotal,
    'system/load_1min': load1!,
    'system/load_5min': load5!,
    'system/load_15min': load15!,
    'system/mem_total_bytes': os.totalmem(),
    'system/mem_free_bytes': os.freemem(),
  };
}
