import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { parseStatusFile, type LauncherOutcome, type LauncherSpec } from '../../../src/agent/containerizer/launcher.js';
import { LauncherServer, encodeRemoval, encodeRequest, parseServerLine } from '../../../src/agent/containerizer/launcher-server.js';
import { parseProcStat } from '../../../src/agent/isolator/procfs.js';
import { launcherPath } from '../../../src/cli/paths.js';
import { waitFor } from '../agent/fake-master.js';

describe('launcher server wire format', () => {
  it('encodes a request as a length line and NUL-terminated fields', () => {
    const wire = encodeRequest(7, ['--a=1', '--', 'x y'], { FOO: 'bar=baz', E: '' }).toString('utf8');
    const payload = '7\x003\x00--a=1\x00--\x00x y\x002\x00FOO=bar=baz\x00E=\x00';
    assert.equal(wire, `${Buffer.byteLength(payload)}\n${payload}`);
  });

  it('counts bytes, not characters, in the length', () => {
    const wire = encodeRequest(1, ['--shell=echo é'], {});
    const nl = wire.indexOf('\n');
    assert.equal(Number(wire.subarray(0, nl).toString()), wire.length - nl - 1);
  });

  it('refuses a NUL byte, which no C string can carry', () => {
    assert.throws(() => encodeRequest(1, ['--shell=a\0b'], {}), /NUL byte/);
    assert.throws(() => encodeRequest(1, [], { X: 'a\0' }), /NUL byte/);
  });

  it('encodes an rmdir request in the same framing', () => {
    const payload = '9\x00rmdir\x00/cg/cpu/mesos/c\x00/cg/cpuacct/mesos/c\x00';
    assert.equal(encodeRemoval(9, ['/cg/cpu/mesos/c', '/cg/cpuacct/mesos/c']).toString('utf8'), `${Buffer.byteLength(payload)}\n${payload}`);
    assert.throws(() => encodeRemoval(1, ['/a\0b']), /NUL byte/);
  });

  it('parses spawned, exited and removed lines and ignores the rest', () => {
    assert.deepEqual(parseServerLine('spawned 3 100 ok 101'), { kind: 'spawned', id: 3, launcherPid: 100, report: 'ok 101' });
    assert.deepEqual(parseServerLine('spawned 4 0 error fork: Resource temporarily unavailable'), {
      kind: 'spawned',
      id: 4,
      launcherPid: 0,
      report: 'error fork: Resource temporarily unavailable',
    });
    assert.deepEqual(parseServerLine('exited 100 768'), { kind: 'exited', launcherPid: 100, status: 768 });
    assert.deepEqual(parseServerLine('exited 100 768 768,swept,cgroups_removed'), {
      kind: 'exited',
      launcherPid: 100,
      status: 768,
      outcome: { status: 768, swept: true, cgroupsRemoved: true },
    });
    assert.deepEqual(parseServerLine('exited 100 0 0'), { kind: 'exited', launcherPid: 100, status: 0, outcome: { status: 0, swept: false, cgroupsRemoved: false } });
    // What is not a status file's content is left out: the agent reads the file itself.
    assert.deepEqual(parseServerLine('exited 100 0 zero,swept'), { kind: 'exited', launcherPid: 100, status: 0 });
    assert.deepEqual(parseServerLine('removed 5 0'), { kind: 'removed', id: 5, errno: 0, reason: '' });
    assert.deepEqual(parseServerLine('removed 6 16 Device or resource busy'), { kind: 'removed', id: 6, errno: 16, reason: 'Device or resource busy' });
    assert.equal(parseServerLine('hello'), undefined);
    assert.equal(parseServerLine('exited x 1'), undefined);
  });

  it('reads the status file with and without the sweep and removal lines', () => {
    assert.deepEqual(parseStatusFile('768\n'), { status: 768, swept: false, cgroupsRemoved: false });
    assert.deepEqual(parseStatusFile('0\nswept\n'), { status: 0, swept: true, cgroupsRemoved: false });
    assert.deepEqual(parseStatusFile('0\nswept\ncgroups_removed\n'), { status: 0, swept: true, cgroupsRemoved: true });
    assert.deepEqual(parseStatusFile('9'), { status: 9, swept: false, cgroupsRemoved: false });
    assert.equal(parseStatusFile(''), undefined);
    assert.equal(parseStatusFile('12\nswe'), undefined);
    assert.equal(parseStatusFile('0\nswept\ncgroups_rem'), undefined);
    assert.equal(parseStatusFile('0\ncgroups_removed\nswept\n'), undefined);
    assert.equal(parseStatusFile('x\n'), undefined);
  });
});

describe('LauncherServer with the real meseta-launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meseta-launcher-server-'));
  const lost: number[][] = [];
  const server = new LauncherServer(launcherPath(), (pids) => lost.push(pids));
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (name: string, command: LauncherSpec['command'], env: Record<string, string> = {}): LauncherSpec => ({
    launcherPath: launcherPath(),
    sandbox: dir,
    stdoutPath: join(dir, `${name}.out`),
    stderrPath: join(dir, `${name}.err`),
    checkpointDir: join(dir, `${name}.ckpt`),
    statusFile: join(dir, `${name}.status`),
    cgroups: [],
    cgroupWrites: [],
    command,
    env,
  });

  const exitOf = (launcherPid: number): Promise<number> => new Promise((resolve) => server.watch(launcherPid, resolve));
  const outcomeOf = (launcherPid: number): Promise<LauncherOutcome | undefined> =>
    new Promise((resolve) => server.watch(launcherPid, (_status, outcome) => resolve(outcome)));

  it('runs a task with exactly the given environment and reports its end; the session is swept', async () => {
    const started = await server.launch(
      spec('a', { shell: true, value: 'echo "$GREETING"; (sleep 300 &); sleep 300 & exit 3' }, { GREETING: 'hello there', PATH: '/usr/bin:/bin' }),
    );
    assert.ok(started.pid > 0 && started.launcherPid > 0);
    assert.notEqual(started.pid, started.launcherPid);
    const status = await exitOf(started.launcherPid);
    assert.equal(status >> 8, 3, 'the launcher exits with the task code');
    assert.equal(readFileSync(join(dir, 'a.out'), 'utf8'), 'hello there\n');
    assert.deepEqual(parseStatusFile(readFileSync(join(dir, 'a.status'), 'utf8')), { status: 3 << 8, swept: true, cgroupsRemoved: false });
    assert.equal((JSON.parse(readFileSync(join(dir, 'a.ckpt', 'launcher.json'), 'utf8')) as { pid: number }).pid, started.pid);
  });

  it('reports the start times of the launcher and the task, as /proc shows them', async () => {
    const started = await server.launch(spec('ticks', { shell: true, value: 'exec sleep 60' }));
    try {
      const ticksOf = (pid: number): number | undefined => parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTicks;
      assert.equal(started.launcherStartTicks, ticksOf(started.launcherPid));
      assert.equal(started.pidStartTicks, ticksOf(started.pid));
      assert.ok((started.pidStartTicks ?? 0) > 0);
    } finally {
      process.kill(started.pid, 'SIGKILL');
    }
    assert.equal((await exitOf(started.launcherPid)) >> 8, 128 + 9, 'the launcher exits as a shell would for a SIGKILLed task');
  });

  it('removes directories in the server: missing ones count as removed, a failure names its errno', async () => {
    const a = join(dir, 'rm-a');
    const b = join(dir, 'rm-b');
    mkdirSync(a);
    mkdirSync(b);
    await server.removeDirs([a, join(dir, 'rm-missing'), b]);
    assert.equal(existsSync(a) || existsSync(b), false);
    const full = join(dir, 'rm-full');
    mkdirSync(join(full, 'child'), { recursive: true });
    await assert.rejects(server.removeDirs([full]), (err: NodeJS.ErrnoException) => err.code === 'ENOTEMPTY' && /^rmdir: Directory not empty$/.test(err.message));
  });

  it('deletes whole trees in the server, removing symlinks without following them', async () => {
    const outside = join(dir, 'rt-outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep'), 'x');
    const tree = join(dir, 'rt-tree');
    mkdirSync(join(tree, 'a', 'b'), { recursive: true });
    writeFileSync(join(tree, 'a', 'b', 'f'), 'x');
    writeFileSync(join(tree, 'g'), 'x');
    symlinkSync(outside, join(tree, 'link'));
    const lone = join(dir, 'rt-file');
    writeFileSync(lone, 'x');
    await server.removeTrees([tree, join(dir, 'rt-missing'), lone]);
    assert.equal(existsSync(tree) || existsSync(lone), false);
    assert.equal(readFileSync(join(outside, 'keep'), 'utf8'), 'x', 'the link target survives');
  });

  it('creates the cgroups (parents too), writes the limits in order, and the task joins before exec', async () => {
    // Plain directories stand in for cgroupfs here (the e2e containerizer test uses real
    // cgroups): a pre-made `cgroup.procs` file takes the pid as the kernel's would.
    const a = join(dir, 'cg-a');
    mkdirSync(a);
    writeFileSync(join(a, 'cgroup.procs'), '');
    writeFileSync(join(a, 'limit'), 'unset');
    const started = await server.launch({
      ...spec('cg', { shell: true, value: 'exit 0' }),
      cgroups: [a],
      cgroupWrites: [
        { path: join(a, 'limit'), content: 'first' },
        { path: join(a, 'limit'), content: '4096' },
      ],
    });
    assert.equal((await exitOf(started.launcherPid)) >> 8, 0);
    assert.equal(readFileSync(join(a, 'cgroup.procs'), 'utf8'), `${started.pid}\n`);
    assert.equal(readFileSync(join(a, 'limit'), 'utf8').slice(0, 4), '4096', 'the writes came in order');

    // Missing parents are created; a plain directory has no cgroup.procs to join.
    const deep = join(dir, 'cg-b', 'mesos', 'c1');
    await assert.rejects(server.launch({ ...spec('cg2', { shell: true, value: 'exit 0' }), cgroups: [deep] }), /^Error: join cgroup: No such file or directory$/);
    assert.ok(existsSync(deep));
  });

  it('starts nothing and says why when a limit cannot be written', async () => {
    const c = join(dir, 'cg-c');
    await assert.rejects(
      server.launch({ ...spec('cg3', { shell: true, value: 'touch ran' }), cgroups: [c], cgroupWrites: [{ path: join(c, 'memory.limit_in_bytes'), content: '33554432' }] }),
      (err: Error) => err.message === `cgroup: cannot write '33554432' to ${join(c, 'memory.limit_in_bytes')}: No such file or directory`,
    );
    assert.equal(existsSync(join(dir, 'ran')), false);
  });

  it('a task inherits only its standard streams: no descriptor of the agent, the server or other launchers', async () => {
    // Several launches at once, so the server holds other launchers' report pipes while forking.
    // The glob's own directory descriptor is closed again by the time the loop runs: `-e` drops it.
    const listing = 'for f in /proc/$$/fd/*; do [ -e "$f" ] && echo "${f##*/}"; done; true';
    const starts = await Promise.all(Array.from({ length: 4 }, (_, i) => server.launch(spec(`fd${i}`, { shell: true, value: listing }))));
    await Promise.all(starts.map((s) => exitOf(s.launcherPid)));
    for (let i = 0; i < starts.length; i++) {
      assert.deepEqual(readFileSync(join(dir, `fd${i}.out`), 'utf8').trim().split('\n'), ['0', '1', '2'], `task ${i}`);
    }
  });

  it('rejects with the launcher reason when the program cannot be executed', async () => {
    await assert.rejects(server.launch(spec('b', { shell: false, value: '/nonexistent/prog', arguments: ['prog'] })), /exec: No such file or directory/);
  });

  it('starts many launchers at once and hears every exit, even one heard before watch()', async () => {
    const starts = await Promise.all(Array.from({ length: 40 }, (_, i) => server.launch(spec(`m${i}`, { shell: true, value: `exit ${i % 7}` }))));
    // Some exits arrive before anyone watches them.
    await waitFor('a launcher reaped', () => starts.some((s) => !existsSync(`/proc/${s.launcherPid}`)));
    const statuses = await Promise.all(starts.map((s) => exitOf(s.launcherPid)));
    assert.deepEqual(statuses.map((s) => s >> 8), starts.map((_, i) => i % 7));
    // With each exit, the status file as the launcher wrote it, read by the server.
    const more = await Promise.all(Array.from({ length: 10 }, (_, i) => server.launch(spec(`n${i}`, { shell: true, value: `exit ${i}` }))));
    // Watched once the server has reaped them all: most of these exits are heard before watch().
    await waitFor('the launchers reaped', () => more.every((s) => !existsSync(`/proc/${s.launcherPid}`)));
    const outcomes = await Promise.all(more.map((s) => outcomeOf(s.launcherPid)));
    for (let i = 0; i < more.length; i++) {
      assert.deepEqual(outcomes[i], parseStatusFile(readFileSync(join(dir, `n${i}.status`), 'utf8')));
      assert.deepEqual(outcomes[i], { status: i << 8, swept: true, cgroupsRemoved: false });
    }
    assert.deepEqual(lost, []);
  });

  it('a launcher whose task has not reached exec does not hold up the next launches', async () => {
    // Opening a FIFO for writing blocks until someone reads it: as a "cgroup.procs"
    // file it stops the first task's child before its exec, so its launcher cannot report.
    const fakeCgroup = join(dir, 'stuck-cgroup');
    mkdirSync(fakeCgroup);
    const fifo = join(fakeCgroup, 'cgroup.procs');
    execFileSync('mkfifo', [fifo]);
    const stuck = server.launch({ ...spec('s', { shell: true, value: 'exit 4' }), cgroups: [fakeCgroup] });
    let stuckSettled = false;
    void stuck.finally(() => (stuckSettled = true)).catch(() => undefined);
    const launches = Promise.all(Array.from({ length: 3 }, (_, i) => server.launch(spec(`o${i}`, { shell: true, value: 'exit 0' }))));
    let timer: NodeJS.Timeout | undefined;
    const others = await Promise.race([
      launches,
      new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('the later launches waited for the stuck one')), 10_000))),
    ]).finally(() => clearTimeout(timer));
    assert.equal(others.length, 3);
    assert.equal(stuckSettled, false, 'the first launch is still waiting for its task to exec');
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const started = await stuck;
      assert.equal((await exitOf(started.launcherPid)) >> 8, 4);
      const written = Buffer.alloc(64);
      const n = readSync(reader, written);
      assert.equal(written.subarray(0, n).toString(), `${started.pid}\n`, 'the task joined with its own pid');
    } finally {
      closeSync(reader);
    }
    await Promise.all(others.map((o) => exitOf(o.launcherPid)));
  });

  it('a launcher outlives a closed server; its exit is then unknown to it', async () => {
    const started = await server.launch(spec('c', { shell: true, value: 'sleep 0.3' }));
    let heard: number | undefined;
    server.watch(started.launcherPid, (s) => (heard = s));
    server.close();
    assert.deepEqual(lost.at(-1), [started.launcherPid]);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        readFileSync(join(dir, 'c.status'));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert.deepEqual(parseStatusFile(readFileSync(join(dir, 'c.status'), 'utf8')), { status: 0, swept: true, cgroupsRemoved: false });
    assert.equal(heard, undefined);
    // A later launch starts a new server.
    const again = await server.launch(spec('d', { shell: true, value: 'exit 0' }));
    assert.equal(await exitOf(again.launcherPid), 0);
  });
});
