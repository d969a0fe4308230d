/**
 * The `system/*` gauges a master and an agent both serve in /metrics/snapshot.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import { systemMetrics } from '../../../src/mesos/system-metrics.js';

describe('systemMetrics', () => {
  it('gives libprocess\'s six system gauges with this machine\'s CPU count and memory', () => {
    const m = systemMetrics();
    assert.deepEqual(Object.keys(m).sort(), [
      'system/cpus_total', 'system/load_15min', 'system/load_1min', 'system/load_5min', 'system/mem_free_bytes', 'system/mem_total_bytes',
    ]);
    assert.equal(m['system/cpus_total'], os.cpus().length);
    assert.equal(m['system/mem_total_bytes'], os.totalmem());
    assert.ok(m['system/mem_free_bytes']! > 0 && m['system/mem_free_bytes']! <= os.totalmem());
    for (const key of ['system/load_1min', 'system/load_5min', 'system/load_15min']) assert.ok(Number.isFinite(m[key]) && m[key]! >= 0, key);
    // Read again: the CPU count is the one read the first time, the rest are current.
    assert.equal(systemMetrics()['system/cpus_total'], os.cpus().length);
  });
});
