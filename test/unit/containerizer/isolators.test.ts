import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { CgroupUnavailableError } from '../../../src/agent/isolator/cgroup-hierarchy.js';
import type { IsolationLaunchInfo } from '../../../src/agent/isolator/isolator.js';
import { createIsolators, parseIsolation, UnknownIsolatorError } from '../../../src/agent/isolator/create-isolators.js';

// Fake hierarchies in a temp dir: the isolators only see files, so the exact file
// contents they write can be checked for both cgroup versions on any machine.
const scratch = mkdtempSync(join(tmpdir(), 'meseta-cgroups-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const MiB = 1024 * 1024;

function fakeV1(): string {
  const root = mkdtempSync(join(scratch, 'v1-'));
  for (const c of ['cpu', 'cpuacct', 'memory']) {
    mkdirSync(join(root, c));
    writeFileSync(join(root, c, 'cgroup.procs'), '');
  }
  return root;
}

function fakeV2(controllers = 'cpuset cpu io memory pids'): string {
  const root = mkdtempSync(join(scratch, 'v2-'));
  writeFileSync(join(root, 'cgroup.controllers'), `${controllers}\n`);
  return root;
}

const read = (...p: string[]): string => readFileSync(join(...p), 'utf8');

/** Carries a plan out as meseta-launcher does (that part is tested in launcher-server.test.ts). */
function asLauncher(plan: IsolationLaunchInfo): void {
  for (const dir of plan.cgroups) mkdirSync(dir, { recursive: true });
  for (const w of plan.writes) writeFileSync(w.path, w.content);
}
const opts = (hierarchy: string) => ({ cgroupsHierarchy: hierarchy, cgroupsRoot: 'mesos', cgroupsEnableCfs: true });

describe('createIsolators', () => {
  it('rejects unknown names with the Mesos-style message', () => {
    assert.throws(
      () => createIsolators('posix/cpu,foo/bar', opts('/nonexistent')),
      (err: unknown) => err instanceof UnknownIsolatorError && err.message === "Unknown isolator 'foo/bar'",
    );
  });

  it('parses the flag: trims, drops empties and duplicates, keeps order', () => {
    assert.deepEqual(parseIsolation(' cgroups/mem, cgroups/cpu,,cgroups/mem '), ['cgroups/mem', 'cgroups/cpu']);
    assert.deepEqual(
      createIsolators('posix/cpu,posix/mem', opts('/nonexistent')).map((i) => i.name),
      ['posix/cpu', 'posix/mem'],
    );
  });

  it('fails clearly when a controller is not there', () => {
    assert.throws(() => createIsolators('cgroups/mem', opts(join(scratch, 'missing'))), CgroupUnavailableError);
    assert.throws(() => createIsolators('cgroups/mem', opts(fakeV2('cpu io'))), /'memory' is not available/);
  });
});

describe('cgroups v1 isolators (fake hierarchy)', () => {
  it('plan shares, CFS quota and the memory limits for the launcher, and the cgroups to create and join', async () => {
    const h = fakeV1();
    const [cpu, mem] = createIsolators('cgroups/cpu,cgroups/mem', opts(h));
    // Swap accounting is present when the memsw file exists in the containers'
    // parent cgroup (prepare creates that parent); emulate a kernel that has it.
    mkdirSync(join(h, 'memory/mesos'), { recursive: true });
    writeFileSync(join(h, 'memory/mesos/memory.memsw.limit_in_bytes'), '');
    const container = { containerId: 'c1', cpus: 0.5, memMB: 64 };
    assert.deepEqual(await cpu!.prepare(container), {
      cgroups: [join(h, 'cpu/mesos/c1'), join(h, 'cpuacct/mesos/c1')],
      writes: [
        { path: join(h, 'cpu/mesos/c1/cpu.shares'), content: '512' },
        { path: join(h, 'cpu/mesos/c1/cpu.cfs_period_us'), content: '100000' },
        { path: join(h, 'cpu/mesos/c1/cpu.cfs_quota_us'), content: '50000' },
      ],
    });
    assert.deepEqual(await mem!.prepare(container), {
      cgroups: [join(h, 'memory/mesos/c1')],
      writes: [
        { path: join(h, 'memory/mesos/c1/memory.limit_in_bytes'), content: String(64 * MiB) },
        { path: join(h, 'memory/mesos/c1/memory.memsw.limit_in_bytes'), content: String(64 * MiB) },
      ],
      // The launcher removes the cgroups itself when this says `oom_kill 0` at the end.
      oomCheck: join(h, 'memory/mesos/c1/memory.oom_control'),
    });
    // The parents exist for the launcher; the containers' own cgroups are its to create.
    assert.ok(existsSync(join(h, 'cpu/mesos')) && existsSync(join(h, 'cpuacct/mesos')));
    assert.equal(existsSync(join(h, 'cpu/mesos/c1')), false);
  });

  it('leave out the swap limit when the kernel has no swap accounting', async () => {
    const [mem] = createIsolators('cgroups/mem', opts(fakeV1()));
    const plan = await mem!.prepare({ containerId: 'c9', cpus: 1, memMB: 16 });
    assert.deepEqual(plan.writes.map((w) => [w.path.split('/').pop(), w.content]), [['memory.limit_in_bytes', String(32 * MiB)]]);
  });

  it('report the OOM limitation with Mesos’s message, and usage from the files', async () => {
    const h = fakeV1();
    const [cpu, mem] = createIsolators('cgroups/cpu,cgroups/mem', opts(h));
    asLauncher(await cpu!.prepare({ containerId: 'c2', cpus: 1, memMB: 32 }));
    asLauncher(await mem!.prepare({ containerId: 'c2', cpus: 1, memMB: 32 }));
    const dir = join(h, 'memory/mesos/c2');
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    writeFileSync(join(dir, 'memory.max_usage_in_bytes'), String(20 * MiB));
    writeFileSync(join(dir, 'memory.failcnt'), '0');
    writeFileSync(join(dir, 'memory.stat'), 'rss 1024\ntotal_rss 4096\n');
    assert.equal(await mem!.limitation('c2'), undefined);
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    writeFileSync(join(dir, 'memory.max_usage_in_bytes'), String(32 * MiB));
    assert.deepEqual(await mem!.limitation('c2'), {
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      message: 'Memory limit exceeded: Requested: 32MB Maximum Used: 32MB\n\nMEMORY STATISTICS: \nrss 1024\ntotal_rss 4096\n',
    });
    assert.deepEqual(await mem!.usage('c2', []), { memRssBytes: 4096 });
    writeFileSync(join(h, 'cpuacct/mesos/c2/cpuacct.usage'), '2500000000\n');
    assert.deepEqual(await cpu!.usage('c2', []), { cpuTimeSecs: 2.5 });
    writeFileSync(join(dir, 'cgroup.procs'), '10\n11\n');
    assert.deepEqual(await mem!.pids('c2'), [10, 11]);
  });

  it('remove their cgroups through the given RemoveDirs, once per isolator, retrying while busy', async () => {
    const h = fakeV1();
    const calls: string[][] = [];
    let busy = 2;
    const removeDirs = async (dirs: string[]): Promise<void> => {
      calls.push(dirs);
      if (busy-- > 0) throw Object.assign(new Error('rmdir: Device or resource busy'), { code: 'EBUSY' });
    };
    const [cpu, mem] = createIsolators('cgroups/cpu,cgroups/mem', { ...opts(h), removeDirs });
    await cpu!.cleanup('c5');
    await mem!.cleanup('c5');
    assert.deepEqual(calls, [
      [join(h, 'cpu/mesos/c5'), join(h, 'cpuacct/mesos/c5')],
      [join(h, 'cpu/mesos/c5'), join(h, 'cpuacct/mesos/c5')],
      [join(h, 'cpu/mesos/c5'), join(h, 'cpuacct/mesos/c5')],
      [join(h, 'memory/mesos/c5')],
    ]);
    const failing = createIsolators('cgroups/mem', {
      ...opts(h),
      removeDirs: async () => {
        throw Object.assign(new Error('rmdir: Permission denied'), { code: 'EACCES' });
      },
    });
    await assert.rejects(failing[0]!.cleanup('c6'), /Permission denied/);
  });

  it('say nothing about containers they do not know', async () => {
    const [cpu, mem] = createIsolators('cgroups/cpu,cgroups/mem', opts(fakeV1()));
    assert.equal(await mem!.limitation('nope'), undefined);
    assert.equal(await mem!.pids('nope'), undefined);
    assert.deepEqual(await cpu!.usage('nope', []), {});
    await mem!.cleanup('nope'); // idempotent, no throw
  });
});

describe('cgroups v2 isolators (fake hierarchy)', () => {
  it('enable controllers in ancestors, and plan weight, cpu.max, memory.max and swap.max', async () => {
    const h = fakeV2();
    const [cpu, mem] = createIsolators('cgroups/cpu,cgroups/mem', opts(h));
    mkdirSync(join(h, 'mesos'), { recursive: true });
    writeFileSync(join(h, 'mesos/memory.swap.max'), 'max');
    const container = { containerId: 'c1', cpus: 2, memMB: 128 };
    // One unified directory: both isolators name it; the containerizer dedupes.
    assert.deepEqual(await cpu!.prepare(container), {
      cgroups: [join(h, 'mesos/c1')],
      writes: [
        { path: join(h, 'mesos/c1/cpu.weight'), content: '79' },
        { path: join(h, 'mesos/c1/cpu.max'), content: '200000 100000' },
      ],
    });
    assert.deepEqual(await mem!.prepare(container), {
      cgroups: [join(h, 'mesos/c1')],
      writes: [
        { path: join(h, 'mesos/c1/memory.max'), content: String(128 * MiB) },
        { path: join(h, 'mesos/c1/memory.swap.max'), content: '0' },
      ],
      oomCheck: join(h, 'mesos/c1/memory.events'),
    });
    // The last write into each ancestor's subtree_control enabled memory (a real
    // cgroupfs accumulates +cpu and +memory; a plain file keeps the last one).
    assert.equal(read(h, 'cgroup.subtree_control'), '+memory');
    assert.equal(read(h, 'mesos/cgroup.subtree_control'), '+memory');
  });

  it('report OOM from memory.events and usage from memory.stat / cpu.stat', async () => {
    const h = fakeV2();
    const [cpu, mem] = createIsolators('cgroups/cpu,cgroups/mem', opts(h));
    asLauncher(await mem!.prepare({ containerId: 'c3', cpus: 1, memMB: 64 }));
    asLauncher(await cpu!.prepare({ containerId: 'c3', cpus: 1, memMB: 64 }));
    const dir = join(h, 'mesos/c3');
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n');
    assert.equal(await mem!.limitation('c3'), undefined);
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    writeFileSync(join(dir, 'memory.peak'), String(64 * MiB));
    writeFileSync(join(dir, 'memory.stat'), 'anon 8192\nfile 0\n');
    const l = await mem!.limitation('c3');
    assert.equal(l?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(l?.message ?? '', /^Memory limit exceeded: Requested: 64MB Maximum Used: 64MB\n/);
    assert.deepEqual(await mem!.usage('c3', []), { memRssBytes: 8192 });
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n');
    assert.deepEqual(await cpu!.usage('c3', []), { cpuTimeSecs: 1.5 });
  });

  it('leave cpu.max uncapped without CFS', async () => {
    const h = fakeV2();
    const [cpu] = createIsolators('cgroups/cpu', { ...opts(h), cgroupsEnableCfs: false });
    const plan = await cpu!.prepare({ containerId: 'c4', cpus: 0.5, memMB: 64 });
    assert.deepEqual(plan.writes, [
      { path: join(h, 'mesos/c4/cpu.weight'), content: '20' },
      { path: join(h, 'mesos/c4/cpu.max'), content: 'max 100000' },
    ]);
  });
});
