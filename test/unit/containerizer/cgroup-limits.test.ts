import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  cfsQuotaUs,
  cpuShares,
  cpuWeightFromShares,
  cpuWritesV1,
  cpuWritesV2,
  formatBytes,
  memLimitBytes,
  memoryLimitationMessage,
  memWritesV1,
  memWritesV2,
  oomKilledV1,
  oomKilledV2,
  parseFlatKeyed,
} from '../../../src/agent/isolator/cgroup-limits.js';

const MiB = 1024 * 1024;

describe('cpu limits', () => {
  it('shares are 1024 per cpu, rounded, never below 2', () => {
    assert.equal(cpuShares(1), 1024);
    assert.equal(cpuShares(0.5), 512);
    assert.equal(cpuShares(0.1), 102); // 102.4 rounds down
    assert.equal(cpuShares(2.5), 2560);
    assert.equal(cpuShares(0.001), 2); // 1.024 → floor of 2
    assert.equal(cpuShares(0), 2);
  });

  it('CFS quota is 100 ms × cpus per 100 ms period, at least 1 ms', () => {
    assert.equal(cfsQuotaUs(1), 100_000);
    assert.equal(cfsQuotaUs(0.25), 25_000);
    assert.equal(cfsQuotaUs(4), 400_000);
    assert.equal(cfsQuotaUs(0.001), 1_000);
  });

  it('v2 weight maps the share range 2..262144 onto 1..10000', () => {
    assert.equal(cpuWeightFromShares(2), 1);
    assert.equal(cpuWeightFromShares(262_144), 10_000);
    assert.equal(cpuWeightFromShares(1024), 39); // 1 + 1022 × 9999 / 262142 = 39.98 → 39
    assert.equal(cpuWeightFromShares(1), 1); // clamped
    assert.equal(cpuWeightFromShares(10_000_000), 10_000); // clamped
    let last = 0;
    for (let s = 2; s <= 262_144; s += 997) {
      const w = cpuWeightFromShares(s);
      assert.ok(w >= last, 'monotonic');
      last = w;
    }
  });

  it('v1 writes shares, and period + quota only with CFS', () => {
    assert.deepEqual(cpuWritesV1(0.5, true), [
      { file: 'cpu.shares', content: '512' },
      { file: 'cpu.cfs_period_us', content: '100000' },
      { file: 'cpu.cfs_quota_us', content: '50000' },
    ]);
    assert.deepEqual(cpuWritesV1(0.5, false), [{ file: 'cpu.shares', content: '512' }]);
  });

  it('v2 writes weight and cpu.max (`max` without CFS)', () => {
    assert.deepEqual(cpuWritesV2(2, true), [
      { file: 'cpu.weight', content: String(cpuWeightFromShares(2048)) },
      { file: 'cpu.max', content: '200000 100000' },
    ]);
    assert.deepEqual(cpuWritesV2(2, false)[1], { file: 'cpu.max', content: 'max 100000' });
  });
});

describe('memory limits', () => {
  it('is memMB MiB with a 32 MB floor', () => {
    assert.equal(memLimitBytes(64), 64 * MiB);
    assert.equal(memLimitBytes(1024), 1024 * MiB);
    assert.equal(memLimitBytes(16), 32 * MiB);
  });

  it('v1: limit_in_bytes first, memsw to the same value when swap accounting exists', () => {
    assert.deepEqual(memWritesV1(128, { swap: true }), [
      { file: 'memory.limit_in_bytes', content: String(128 * MiB) },
      { file: 'memory.memsw.limit_in_bytes', content: String(128 * MiB) },
    ]);
    assert.deepEqual(memWritesV1(128, { swap: false }), [
      { file: 'memory.limit_in_bytes', content: String(128 * MiB) },
    ]);
  });

  it('v2: memory.max, and memory.swap.max = 0 when it exists', () => {
    assert.deepEqual(memWritesV2(64, { swap: true }), [
      { file: 'memory.max', content: String(64 * MiB) },
      { file: 'memory.swap.max', content: '0' },
    ]);
    assert.deepEqual(memWritesV2(64, { swap: false }), [{ file: 'memory.max', content: String(64 * MiB) }]);
  });
});

describe('OOM detection', () => {
  const base = { failcnt: 0, maxUsageBytes: 10 * MiB, limitBytes: 64 * MiB };

  it('v1 trusts the oom_kill counter when the kernel has it', () => {
    assert.equal(oomKilledV1({ ...base, oomControl: 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n' }), true);
    // A failed charge alone (reclaim at the limit) is not a kill when the counter says 0.
    assert.equal(
      oomKilledV1({ oomControl: 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n', failcnt: 5, maxUsageBytes: 64 * MiB, limitBytes: 64 * MiB }),
      false,
    );
  });

  it('v1 falls back to under_oom, then failcnt with usage at the limit, on old kernels', () => {
    assert.equal(oomKilledV1({ ...base, oomControl: 'oom_kill_disable 0\nunder_oom 1\n' }), true);
    assert.equal(oomKilledV1({ ...base, oomControl: 'oom_kill_disable 0\nunder_oom 0\n' }), false);
    assert.equal(
      oomKilledV1({ oomControl: 'oom_kill_disable 0\nunder_oom 0\n', failcnt: 3, maxUsageBytes: 64 * MiB, limitBytes: 64 * MiB }),
      true,
    );
    assert.equal(
      oomKilledV1({ oomControl: 'oom_kill_disable 0\nunder_oom 0\n', failcnt: 3, maxUsageBytes: 60 * MiB, limitBytes: 64 * MiB }),
      false,
    );
  });

  it('v2 reads oom_kill from memory.events (oom alone is not a kill)', () => {
    assert.equal(oomKilledV2('low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n'), true);
    assert.equal(oomKilledV2('low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n'), false);
    assert.equal(oomKilledV2(''), false);
  });

  it('parses flat-keyed files, skipping junk', () => {
    const m = parseFlatKeyed('cache 4096\nrss 123\n\nbogus\nname text\n');
    assert.deepEqual([...m], [
      ['cache', 4096],
      ['rss', 123],
    ]);
  });
});

describe('limitation message', () => {
  it('prints bytes like Mesos: the largest exact unit', () => {
    assert.equal(formatBytes(0), '0B');
    assert.equal(formatBytes(64 * MiB), '64MB');
    assert.equal(formatBytes(2 * 1024 * MiB), '2GB');
    assert.equal(formatBytes(MiB + 1024), '1025KB');
    assert.equal(formatBytes(1536), '1536B');
  });

  it('has the Mesos memory isolator shape', () => {
    assert.equal(
      memoryLimitationMessage(64 * MiB, 64 * MiB, 'cache 0\nrss 67108864\n'),
      'Memory limit exceeded: Requested: 64MB Maximum Used: 64MB\n\nMEMORY STATISTICS: \ncache 0\nrss 67108864\n',
    );
  });
});
