/**
 * The Mesos containerizer against real processes and, where writable (root), real
 * cgroups: output files, exact environment, exit statuses and messages, argv
 * commands, the memory limit, the kill policy, tasks that outlive the process that
 * launched them and their recovery, posix isolation, and what a task costs.
 *
 * Every container a test launches is destroyed in `after` (by the containerizer,
 * which signals its processes by pid); every helper process is awaited.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ContainerLaunchError, UnknownContainerError, type ContainerConfig, type ContainerUsage } from '../../src/agent/containerizer/containerizer.js';
import { MesosContainerizer } from '../../src/agent/containerizer/mesos-containerizer.js';
import { detectCgroupVersion } from '../../src/agent/isolator/cgroup-hierarchy.js';
import { cleanupDirs, ROOT, tempDir, waitFor } from './harness.js';

const LAUNCHER = join(ROOT, 'build', 'meseta-launcher');
const HIERARCHY = '/sys/fs/cgroup';
const CGROUPS_ROOT = `meseta-test-${process.pid}`;
const NODE = process.execPath;
const run = promisify(execFile);

function cgroupsWritable(): boolean {
  const dir = detectCgroupVersion(HIERARCHY) === 2 ? HIERARCHY : join(HIERARCHY, 'memory');
  try {
    accessSync(dir, constants.W_OK);
    return existsSync(join(dir, 'cgroup.procs'));
  } catch {
    return false;
  }
}
const required = process.env.MESETA_REQUIRE_CGROUPS === '1';
const haveCgroups = cgroupsWritable();
if (required && !haveCgroups) throw new Error('MESETA_REQUIRE_CGROUPS=1 but no writable cgroup hierarchy was found');
const noCgroups = haveCgroups ? false : 'cgroups are not writable here (run as root)';

const runtimeDir = tempDir('containerizer-rt');
const made: Array<{ cz: MesosContainerizer; ids: string[] }> = [];
let seq = 0;

function containerizer(isolation: string, extra: Partial<ConstructorParameters<typeof MesosContainerizer>[0]> = {}) {
  const cz = new MesosContainerizer({
    isolation,
    runtimeDir,
    cgroupsRoot: CGROUPS_ROOT,
    cgroupsHierarchy: HIERARCHY,
    launcherPath: LAUNCHER,
    limitationCheckMs: 200,
    ...extra,
  });
  const entry = { cz, ids: [] as string[] };
  made.push(entry);
  const launch = cz.launch.bind(cz);
  cz.launch = async (config) => {
    entry.ids.push(config.containerId);
    return launch(config);
  };
  return cz;
}

function task(cmd: string, over: Partial<ContainerConfig> = {}): ContainerConfig {
  const sandbox = tempDir('sandbox');
  return {
    containerId: `c${++seq}-${process.pid}`,
    sandbox,
    command: { shell: true, value: cmd },
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    stdoutPath: join(sandbox, 'stdout'),
    stderrPath: join(sandbox, 'stderr'),
    cpus: 0.5,
    memMB: 64,
    ...over,
  };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/**
 * Runs `command` (which leaves a process behind, writes its pid to `child.pid`
 * in the sandbox and exits 0) and asserts the task ended with 0 and that the
 * leftover was killed by the time the end was reported.
 */
async function assertLeftoverKilled(isolation: string, command: string): Promise<void> {
  const cz = containerizer(isolation);
  const t = task(command);
  await cz.launch(t);
  assert.equal((await cz.wait(t.containerId)).exitCode, 0);
  const childPid = Number(readFileSync(join(t.sandbox, 'child.pid'), 'utf8'));
  assert.equal(alive(childPid), false);
}

function procStatusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function launcherPidOf(containerId: string): number {
  return (JSON.parse(readFileSync(join(runtimeDir, 'containers', containerId, 'launcher.json'), 'utf8')) as {
    launcherPid: number;
  }).launcherPid;
}

before(() => {
  if (!existsSync(LAUNCHER)) execFileSync(NODE, ['scripts/build-native.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

after(async () => {
  for (const { cz, ids } of made) {
    await Promise.all(ids.map((id) => cz.destroy(id, 0)));
    cz.close();
  }
  for (const controller of ['cpu', 'cpuacct', 'memory', '']) {
    try {
      rmdirSync(join(HIERARCHY, controller, CGROUPS_ROOT));
    } catch {
      // not created on this hierarchy
    }
  }
  cleanupDirs();
});

const isolations: Array<[string, string | false]> = [
  ['posix/cpu,posix/mem', false],
  ['cgroups/cpu,cgroups/mem', noCgroups],
];

for (const [isolation, skip] of isolations) {
  describe(`tasks under ${isolation}`, { skip }, () => {
    it('writes stdout and stderr to the files and reports exit 0 and exit 3', async () => {
      const cz = containerizer(isolation);
      assert.equal(cz.isolation, isolation);
      const ok = task('echo out; echo err >&2');
      await cz.launch(ok);
      assert.deepEqual(await cz.wait(ok.containerId), { status: 0, exitCode: 0, message: 'Command exited with status 0' });
      assert.equal(readFileSync(ok.stdoutPath, 'utf8'), 'out\n');
      assert.equal(readFileSync(ok.stderrPath, 'utf8'), 'err\n');
      const three = task('exit 3');
      await cz.launch(three);
      const t = await cz.wait(three.containerId);
      assert.equal(t.exitCode, 3);
      assert.equal(t.message, 'Command exited with status 3');
    });

    it('passes exactly the given environment (the agent’s is not inherited), argv form', async () => {
      process.env.MESETA_AGENT_ONLY = 'must-not-leak';
      const cz = containerizer(isolation);
      const t = task('', {
        command: { shell: false, value: '/usr/bin/env', arguments: ['env'] },
        env: { FOO: 'bar baz', PATH: '/usr/bin:/bin' },
      });
      await cz.launch(t);
      assert.equal((await cz.wait(t.containerId)).exitCode, 0);
      assert.deepEqual(readFileSync(t.stdoutPath, 'utf8').trim().split('\n').sort(), ['FOO=bar baz', 'PATH=/usr/bin:/bin']);
      delete process.env.MESETA_AGENT_ONLY;
    });

    it('runs an argv without a shell: arguments stay whole', async () => {
      const cz = containerizer(isolation);
      const t = task('', { command: { shell: false, value: 'printf', arguments: ['printf', '[%s]', 'a b', '$HOME'] } });
      await cz.launch(t);
      assert.equal((await cz.wait(t.containerId)).exitCode, 0);
      assert.equal(readFileSync(t.stdoutPath, 'utf8'), '[a b][$HOME]');
    });

    it('creates the sandbox and points runs/latest at it when asked (createSandbox), the newest run winning', async () => {
      const cz = containerizer(isolation);
      const runs = join(tempDir('executor'), 'runs');
      const latestLink = join(runs, 'latest');
      for (const name of ['c-old', 'c-new']) {
        const sandbox = join(runs, name);
        const t = task('pwd', { sandbox, stdoutPath: join(sandbox, 'stdout'), stderrPath: join(sandbox, 'stderr'), createSandbox: { latestLink } });
        await cz.launch(t);
        assert.equal((await cz.wait(t.containerId)).exitCode, 0);
        assert.equal(readFileSync(t.stdoutPath, 'utf8'), `${sandbox}\n`);
        assert.equal(readlinkSync(latestLink), name);
      }
      assert.deepEqual(readdirSync(runs).sort(), ['c-new', 'c-old', 'latest']);
    });

    it('rejects a launch whose sandbox cannot be created, saying why, and starts nothing', async () => {
      const cz = containerizer(isolation);
      const file = join(tempDir('not-a-dir'), 'file');
      writeFileSync(file, '');
      const sandbox = join(file, 'runs', 'c-1');
      const marker = join(tempDir('marker'), 'ran');
      const t = task(`touch ${marker}`, { sandbox, stdoutPath: join(sandbox, 'stdout'), stderrPath: join(sandbox, 'stderr'), createSandbox: { latestLink: join(file, 'runs', 'latest') } });
      await assert.rejects(cz.launch(t), (err: unknown) => err instanceof ContainerLaunchError && /sandbox: cannot create .*runs\/c-1: Not a directory/.test(err.message));
      await assert.rejects(cz.wait(t.containerId), UnknownContainerError);
      assert.equal(existsSync(marker), false);
    });

    it('checkpoints what it launched and who runs it before launch resolves (the launcher writes both)', async () => {
      const cz = containerizer(isolation);
      const t = task('sleep 30');
      const info = await cz.launch(t);
      const dir = join(runtimeDir, 'containers', t.containerId);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual([config.containerId, config.sandbox, config.cpus, config.memMB, config.isolation], [t.containerId, t.sandbox, 0.5, 64, isolation]);
      const started = JSON.parse(readFileSync(join(dir, 'launcher.json'), 'utf8')) as Record<string, number>;
      assert.equal(started.pid, info.pid);
      assert.ok(alive(started.launcherPid!) && started.launcherPid !== info.pid);
      const startTicks = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
      assert.equal(started.pidStartTicks, startTicks(info.pid));
      assert.equal(started.launcherStartTicks, startTicks(started.launcherPid!));
      await cz.destroy(t.containerId, 0);
      assert.equal((await cz.wait(t.containerId)).signal, 'SIGKILL');
    });

    it('rejects a launch whose program cannot be executed, and forgets it', async () => {
      const cz = containerizer(isolation);
      const t = task('', { command: { shell: false, value: '/nonexistent/prog', arguments: [] } });
      await assert.rejects(cz.launch(t), (err: unknown) => err instanceof ContainerLaunchError && /No such file/.test(err.message));
      await assert.rejects(cz.wait(t.containerId), UnknownContainerError);
      await cz.destroy(t.containerId, 0); // unknown: no-op
    });

    it('destroy: SIGKILLs a task that ignores SIGTERM, and its children, after the grace period', async () => {
      const cz = containerizer(isolation);
      const t = task(`trap '' TERM; sleep 1000 & echo $! > child.pid; sleep 1000`);
      const { pid } = await cz.launch(t);
      const childPid = await waitFor('child pid', () => {
        const text = existsSync(join(t.sandbox, 'child.pid')) ? readFileSync(join(t.sandbox, 'child.pid'), 'utf8') : '';
        return text.endsWith('\n') ? Number(text) : undefined;
      });
      const started = Date.now();
      await cz.destroy(t.containerId, 400);
      const took = Date.now() - started;
      assert.ok(took >= 400, `waited the grace period (${took} ms)`);
      assert.ok(took < 5000, `then killed (${took} ms)`);
      assert.equal(alive(pid), false);
      assert.equal(alive(childPid), false);
      const end = await cz.wait(t.containerId);
      assert.equal(end.signal, 'SIGKILL');
      assert.equal(end.message, 'Command terminated with signal Killed');
      await cz.destroy(t.containerId, 400); // idempotent
    });

    it('destroy: a polite task ends on SIGTERM well within the grace period', async () => {
      const cz = containerizer(isolation);
      const t = task('sleep 1000');
      await cz.launch(t);
      const started = Date.now();
      await Promise.all([cz.destroy(t.containerId, 10_000), cz.destroy(t.containerId, 10_000)]);
      assert.ok(Date.now() - started < 3000, 'did not wait out the grace period');
      const end = await cz.wait(t.containerId);
      assert.equal(end.signal, 'SIGTERM');
      assert.equal(end.message, 'Command terminated with signal Terminated');
    });

    it('runs the task as the given user', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async () => {
      const cz = containerizer(isolation);
      const t = task('id -u; id -g; id -G', { user: 'nobody' });
      await cz.launch(t);
      assert.equal((await cz.wait(t.containerId)).exitCode, 0);
      const id = (flag: string): string => execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim();
      // Supplementary groups are the user's own (as initgroups sets them), none of the agent's.
      assert.equal(readFileSync(t.stdoutPath, 'utf8'), `${id('-u')}\n${id('-g')}\n${id('-G')}\n`);
      const bad = task('true', { user: 'no-such-user-here' });
      await assert.rejects(cz.launch(bad), /no such user/);
    });

    it('kills what the task left behind when its main process exits', async () => {
      await assertLeftoverKilled(isolation, 'sleep 1000 & echo $! > child.pid; exit 0');
    });

    it('kills a leftover that moved to a process group of its own (still in the session)', async () => {
      // perl (perl-base, on every Debian) leaves the task's process group, which a kill of that group misses.
      await assertLeftoverKilled(
        isolation,
        `perl -e 'setpgrp(0, 0); open(my $f, ">", "moved"); close($f); sleep 1000' & while [ ! -e moved ]; do sleep 0.01; done; echo $! > child.pid; exit 0`,
      );
    });

    it('reaps the task’s orphans that end while it runs (no zombies under the launcher)', async () => {
      const cz = containerizer(isolation);
      // The subshell exits at once, orphaning its sleep, which ends 0.2 s later.
      const t = task('(sleep 0.2 & echo $! > orphan.pid); sleep 1000');
      await cz.launch(t);
      const orphan = await waitFor('orphan pid', () => {
        const text = existsSync(join(t.sandbox, 'orphan.pid')) ? readFileSync(join(t.sandbox, 'orphan.pid'), 'utf8') : '';
        return text.endsWith('\n') ? Number(text) : undefined;
      });
      // Gone from the process table entirely: reaped, not a zombie waiting for its (sub)reaper.
      await waitFor('orphan reaped', () => !existsSync(`/proc/${orphan}`), 5000);
      assert.ok(alive(launcherPidOf(t.containerId)), 'the launcher still runs the task');
      await cz.destroy(t.containerId, 1000);
    });

    it('reports usage while running', async () => {
      const cz = containerizer(isolation);
      const t = task('i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo busy-done; sleep 1000');
      await cz.launch(t);
      await waitFor('busy loop done', () => existsSync(t.stdoutPath) && readFileSync(t.stdoutPath, 'utf8').includes('busy-done'));
      // The kernel flushes a memory cgroup's statistics lazily (memory.stat's anon can read 0
      // for a moment after the task touched its memory), so the figures are waited for, bounded.
      let u: ContainerUsage = {};
      await waitFor('non-zero rss and cpu time', async () => {
        u = await cz.usage(t.containerId);
        return (u.memRssBytes ?? 0) > 0 && (u.cpuTimeSecs ?? 0) > 0;
      }, 5000).catch(() => undefined);
      assert.ok((u.memRssBytes ?? 0) > 0, `rss ${u.memRssBytes}`);
      assert.ok((u.cpuTimeSecs ?? 0) > 0, `cpu ${u.cpuTimeSecs}`);
      await cz.destroy(t.containerId, 1000);
      await assert.rejects(cz.usage('no-such-container'), UnknownContainerError);
    });
  });
}

describe('cgroups limits', { skip: noCgroups }, () => {
  it('writes shares, quota and the memory limit, and removes the cgroups at the end', async () => {
    const cz = containerizer('cgroups/cpu,cgroups/mem');
    const t = task('sleep 1000', { cpus: 0.5, memMB: 96 });
    const { pid } = await cz.launch(t);
    const v2 = detectCgroupVersion(HIERARCHY) === 2;
    const dir = (c: string): string => (v2 ? join(HIERARCHY, CGROUPS_ROOT, t.containerId) : join(HIERARCHY, c, CGROUPS_ROOT, t.containerId));
    const read = (c: string, f: string): string => readFileSync(join(dir(c), f), 'utf8').trim();
    if (v2) {
      assert.equal(read('', 'cpu.max'), '50000 100000');
      assert.equal(read('', 'memory.max'), String(96 * 1024 * 1024));
    } else {
      assert.equal(read('cpu', 'cpu.shares'), '512');
      assert.equal(read('cpu', 'cpu.cfs_quota_us'), '50000');
      assert.equal(read('memory', 'memory.limit_in_bytes'), String(96 * 1024 * 1024));
      assert.ok(read('cpuacct', 'cgroup.procs').split('\n').includes(String(pid)));
    }
    assert.ok(read('memory', 'cgroup.procs').split('\n').includes(String(pid)), 'task joined before exec');
    await cz.destroy(t.containerId, 1000);
    assert.equal(existsSync(dir('memory')), false);
    assert.equal(existsSync(dir('cpu')), false);
  });

  it('kills a task over its memory limit: REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const cz = containerizer('cgroups/cpu,cgroups/mem');
    const hog = `${NODE} -e "const a=[];for(let i=0;i<200;i++){a.push(Buffer.alloc(1<<20,1))}setTimeout(()=>{},30000)"`;
    const t = task(hog, { memMB: 64 });
    await cz.launch(t);
    const end = await cz.wait(t.containerId);
    assert.equal(end.limitation?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(end.limitation?.message ?? '', /^Memory limit exceeded: Requested: 64MB Maximum Used: \d+[KM]?B\n\nMEMORY STATISTICS: \n/);
  });

  it('a task that ends by itself: its launcher kills what escaped the session, removes the cgroups and says so', async () => {
    const cz = containerizer('cgroups/cpu,cgroups/mem');
    // `setsid` puts the child outside the task's session and process group: only the cgroup holds it.
    const t = task('setsid sleep 1000 & echo $! > child.pid; exit 0');
    await cz.launch(t);
    const end = await cz.wait(t.containerId);
    assert.equal(end.exitCode, 0);
    assert.equal(end.limitation, undefined);
    const childPid = Number(readFileSync(join(t.sandbox, 'child.pid'), 'utf8'));
    assert.equal(alive(childPid), false, 'the escaped child was killed');
    assert.equal(readFileSync(join(runtimeDir, 'containers', t.containerId, 'status'), 'utf8'), '0\nswept\ncgroups_removed\n');
    const v2 = detectCgroupVersion(HIERARCHY) === 2;
    for (const c of v2 ? [''] : ['cpu', 'cpuacct', 'memory']) {
      assert.equal(existsSync(join(HIERARCHY, c, CGROUPS_ROOT, t.containerId)), false, `${c || 'v2'} cgroup removed`);
    }
  });

  it('a child OOM-killed just before the task exits 0: the launcher leaves the cgroups, the limitation is reported', async () => {
    // No limitation poll can see it first (one a minute): only the check at the end can.
    const cz = containerizer('cgroups/cpu,cgroups/mem', { limitationCheckMs: 60_000 });
    const hog = `${NODE} -e "const a=[];for(let i=0;i<200;i++){a.push(Buffer.alloc(1<<20,1))}"`;
    const t = task(`${hog}; exit 0`, { memMB: 64 });
    await cz.launch(t);
    const end = await cz.wait(t.containerId);
    assert.equal(end.exitCode, 0);
    assert.equal(end.limitation?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(end.limitation?.message ?? '', /^Memory limit exceeded: Requested: 64MB Maximum Used: \d+[KM]?B\n\nMEMORY STATISTICS: \n/);
    assert.equal(readFileSync(join(runtimeDir, 'containers', t.containerId, 'status'), 'utf8'), '0\nswept\n');
    const v2 = detectCgroupVersion(HIERARCHY) === 2;
    assert.equal(existsSync(v2 ? join(HIERARCHY, CGROUPS_ROOT, t.containerId) : join(HIERARCHY, 'memory', CGROUPS_ROOT, t.containerId)), false, 'the agent removed them');
  });

  it('destroys the whole container when a child is OOM-killed and the main process lives on', async () => {
    const cz = containerizer('cgroups/cpu,cgroups/mem');
    const hog = `${NODE} -e "const a=[];for(let i=0;i<200;i++){a.push(Buffer.alloc(1<<20,1))}"`;
    const t = task(`${hog}; echo survived; sleep 1000`, { memMB: 64 });
    await cz.launch(t);
    const end = await cz.wait(t.containerId);
    assert.equal(end.limitation?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.equal(end.signal, 'SIGKILL');
  });
});

/** Runs a separate Node process that launches one task, prints its pid and exits. */
async function launchFromAnotherProcess(isolation: string, config: ContainerConfig): Promise<{ pid: number }> {
  const script = join(tempDir('launch-script'), 'launch.mjs');
  writeFileSync(
    script,
    `import { MesosContainerizer } from ${JSON.stringify(join(ROOT, 'dist/src/agent/containerizer/mesos-containerizer.js'))};
const cz = new MesosContainerizer(${JSON.stringify({ isolation, runtimeDir, cgroupsRoot: CGROUPS_ROOT, cgroupsHierarchy: HIERARCHY, launcherPath: LAUNCHER })});
const info = await cz.launch(${JSON.stringify(config)});
console.log(JSON.stringify(info));
cz.close(); // lets this process exit while the task runs on
`,
  );
  const { stdout } = await run(NODE, [script], { timeout: 20_000 });
  return JSON.parse(stdout) as { pid: number };
}

for (const [isolation, skip] of isolations) {
  describe(`recovery under ${isolation}`, { skip }, () => {
    it('the task outlives the process that launched it; a new containerizer recovers and destroys it', async () => {
      const t = task('sleep 30');
      const { pid } = await launchFromAnotherProcess(isolation, t);
      assert.ok(alive(pid), 'task still running after its launching process exited');
      const cz = containerizer(isolation);
      assert.deepEqual(await cz.recover([t.containerId, 'never-launched']), [{ containerId: t.containerId, pid }]);
      const usage = await cz.usage(t.containerId);
      assert.ok((usage.memRssBytes ?? 0) > 0);
      await cz.destroy(t.containerId, 2000);
      assert.equal(alive(pid), false);
      const end = await cz.wait(t.containerId);
      assert.equal(end.signal, 'SIGTERM');
      assert.equal(end.message, 'Command terminated with signal Terminated');
      await assert.rejects(cz.wait('never-launched'), UnknownContainerError);
    });

    it('learns the real exit status of a task that ended by itself after recovery (polling)', async () => {
      const t = task('sleep 1; exit 7');
      await launchFromAnotherProcess(isolation, t);
      const cz = containerizer(isolation);
      await cz.recover([t.containerId]);
      const end = await cz.wait(t.containerId);
      assert.equal(end.exitCode, 7);
      assert.equal(end.message, 'Command exited with status 7');
    });

    it('learns the real exit status of a task that ended while no agent was running', async () => {
      const t = task('exit 5');
      await launchFromAnotherProcess(isolation, t);
      await waitFor('status checkpoint', () => existsSync(join(runtimeDir, 'containers', t.containerId, 'status')));
      const cz = containerizer(isolation);
      await cz.recover([t.containerId]);
      assert.equal((await cz.wait(t.containerId)).exitCode, 5);
      // Where the launcher removed the cgroups, `status` says all there is, so no termination.json is added.
      assert.equal(existsSync(join(runtimeDir, 'containers', t.containerId, 'termination.json')), !isolation.startsWith('cgroups'));
      // A second recovery (say, after another restart) gives the same answer from the checkpoints.
      const again = containerizer(isolation);
      await again.recover([t.containerId]);
      assert.equal((await again.wait(t.containerId)).exitCode, 5);
      await again.forget(t.containerId);
      assert.equal(existsSync(join(runtimeDir, 'containers', t.containerId)), false);
    });
  });
}

describe('cost of a task', () => {
  it('launcher RSS, and agent-side heap/RSS/CPU over 200 concurrent sleep tasks', async (t) => {
    const isolation = haveCgroups ? 'cgroups/cpu,cgroups/mem' : 'posix/cpu,posix/mem';
    // Default polling intervals, as an agent would run.
    const cz = containerizer(isolation, { limitationCheckMs: 1000 });
    const one = task('sleep 1000');
    await cz.launch(one);
    const launcherPid = launcherPidOf(one.containerId);
    const vmRss = procStatusKb(launcherPid, 'VmRSS');
    const rssAnon = procStatusKb(launcherPid, 'RssAnon');
    assert.ok(rssAnon < 1024, `launcher private memory ${rssAnon} kB`);
    await cz.destroy(one.containerId, 1000);

    const N = 200;
    const configs = Array.from({ length: N }, () => task('sleep 1000'));
    // A real collection before each sample, so heap figures are live objects, not garbage.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const mem0 = process.memoryUsage();
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    await Promise.all(configs.map((c) => cz.launch(c)));
    const launchMs = Date.now() - t0;
    const cpuLaunch = process.cpuUsage(cpu0);
    gc();
    const mem1 = process.memoryUsage();
    // Idle cost while all run: the only work is the shared limitation timer (cgroups/mem).
    const cpuIdle0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 3000));
    const cpuIdle = process.cpuUsage(cpuIdle0);
    const mem2 = process.memoryUsage();
    const t1 = Date.now();
    await Promise.all(configs.map((c) => cz.destroy(c.containerId, 2000)));
    const destroyMs = Date.now() - t1;

    const kb = (b: number): string => `${(b / 1024).toFixed(0)} kB`;
    const lines = [
      `isolation ${isolation}`,
      `launcher VmRSS ${vmRss} kB (RssAnon ${rssAnon} kB private; the rest is shared libc/binary pages)`,
      `${N} tasks launched in ${launchMs} ms; agent CPU ${((cpuLaunch.user + cpuLaunch.system) / 1000 / N).toFixed(2)} ms per launch`,
      `agent RSS delta ${kb(mem1.rss - mem0.rss)} total, ${kb((mem1.rss - mem0.rss) / N)} per task`,
      `agent heapUsed delta ${kb(mem1.heapUsed - mem0.heapUsed)} total, ${kb((mem1.heapUsed - mem0.heapUsed) / N)} per task (live objects after gc)`,
      `agent heapTotal delta ${kb(mem1.heapTotal - mem0.heapTotal)}, external delta ${kb(mem1.external - mem0.external)}`,
      `agent RSS delta after 3 s idle ${kb(mem2.rss - mem0.rss)} total, ${kb((mem2.rss - mem0.rss) / N)} per task`,
      `agent CPU while ${N} tasks idle: ${((cpuIdle.user + cpuIdle.system) / 1000 / 3).toFixed(1)} ms per second`,
      `${N} tasks destroyed (SIGTERM) in ${destroyMs} ms`,
    ];
    for (const line of lines) t.diagnostic(line);
    console.log(lines.map((l) => `# cost: ${l}`).join('\n'));
    for (const c of configs) assert.equal((await cz.wait(c.containerId)).signal, 'SIGTERM');
  });
});
