import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  decodeWaitStatus,
  launcherArgs,
  parseLauncherReport,
  signalDescription,
  signalName,
  terminationMessage,
  type LauncherSpec,
} from '../../../src/agent/containerizer/launcher.js';
import { toTermination } from '../../../src/agent/containerizer/mesos-containerizer.js';

const spec: LauncherSpec = {
  launcherPath: '/opt/meseta-launcher',
  sandbox: '/sb',
  stdoutPath: '/sb/stdout',
  stderrPath: '/sb/stderr',
  checkpointDir: '/rt',
  statusFile: '/rt/status',
  cgroups: [],
  cgroupWrites: [],
  command: { shell: true, value: 'echo "a b"; exit 3' },
  env: {},
};

describe('launcherArgs', () => {
  it('passes a shell command as one argument', () => {
    assert.deepEqual(launcherArgs(spec), [
      '--sandbox=/sb',
      '--stdout=/sb/stdout',
      '--stderr=/sb/stderr',
      '--checkpoint_dir=/rt',
      '--status_file=/rt/status',
      '--shell=echo "a b"; exit 3',
    ]);
  });

  it('passes cgroups, the OOM check, user and an argv after --, argv[0] from CommandInfo.arguments', () => {
    const args = launcherArgs({
      ...spec,
      cgroups: ['/cg/memory/mesos/x', '/cg/cpu/mesos/x'],
      cgroupWrites: [
        { path: '/cg/memory/mesos/x/memory.limit_in_bytes', content: '33554432' },
        { path: '/cg/cpu/mesos/x/cpu.cfs_quota_us', content: '-1' },
      ],
      oomCheck: '/cg/memory/mesos/x/memory.oom_control',
      user: 'nobody',
      command: { shell: false, value: '/bin/echo', arguments: ['echo', 'a b', '--c'] },
    });
    assert.deepEqual(args.slice(5), [
      '--cgroup=/cg/memory/mesos/x',
      '--cgroup=/cg/cpu/mesos/x',
      '--cgroup_write=/cg/memory/mesos/x/memory.limit_in_bytes=33554432',
      '--cgroup_write=/cg/cpu/mesos/x/cpu.cfs_quota_us=-1',
      '--oom_check=/cg/memory/mesos/x/memory.oom_control',
      '--user=nobody',
      '--exec=/bin/echo',
      '--',
      'echo',
      'a b',
      '--c',
    ]);
  });

  it('gives the launcher the text of config.json after the checkpoint dir', () => {
    assert.deepEqual(launcherArgs({ ...spec, config: '{"a":1}' }).slice(3, 6), ['--checkpoint_dir=/rt', '--config={"a":1}', '--status_file=/rt/status']);
  });

  it('asks the launcher to create the sandbox and its latest link', () => {
    assert.deepEqual(launcherArgs({ ...spec, makeSandbox: { latestLink: '/runs/latest' } }).slice(5, 7), ['--make_sandbox', '--latest_link=/runs/latest']);
    assert.deepEqual(launcherArgs({ ...spec, makeSandbox: {} }).slice(5, 6), ['--make_sandbox']);
  });

  it('refuses a cgroup write whose content holds =, which the launcher could not split', () => {
    assert.throws(() => launcherArgs({ ...spec, cgroupWrites: [{ path: '/cg/x/f', content: 'a=b' }] }), /cannot contain '='/);
  });

  it('uses the program as argv[0] when arguments are empty', () => {
    const args = launcherArgs({ ...spec, command: { shell: false, value: 'true', arguments: [] } });
    assert.deepEqual(args.slice(-3), ['--exec=true', '--', 'true']);
  });
});

describe('parseLauncherReport', () => {
  it('reads ok and error lines', () => {
    assert.deepEqual(parseLauncherReport('ok 1234\n'), { ok: true, pid: 1234 });
    assert.deepEqual(parseLauncherReport('ok 1234 5000 5001\n'), { ok: true, pid: 1234, launcherStartTicks: 5000, pidStartTicks: 5001 });
    assert.deepEqual(parseLauncherReport('ok 1234 0 5001\n'), { ok: true, pid: 1234, pidStartTicks: 5001 }, '0: could not be read');
    assert.deepEqual(parseLauncherReport('error exec: No such file or directory\n'), {
      ok: false,
      error: 'exec: No such file or directory',
    });
  });

  it('treats silence and garbage as errors', () => {
    assert.equal(parseLauncherReport('').ok, false);
    assert.equal(parseLauncherReport('hello\n').ok, false);
  });
});

describe('wait status', () => {
  it('decodes exits and signals', () => {
    assert.deepEqual(decodeWaitStatus(0), { exitCode: 0 });
    assert.deepEqual(decodeWaitStatus(3 << 8), { exitCode: 3 });
    assert.deepEqual(decodeWaitStatus(9), { signal: 9 });
    assert.deepEqual(decodeWaitStatus(15 | 0x80), { signal: 15 }); // core-dump bit ignored
  });

  it('names signals like strsignal', () => {
    assert.equal(signalName(9), 'SIGKILL');
    assert.equal(signalName(15), 'SIGTERM');
    assert.equal(signalName(6), 'SIGABRT');
    assert.equal(signalDescription(9), 'Killed');
    assert.equal(signalDescription(15), 'Terminated');
    assert.equal(signalDescription(11), 'Segmentation fault');
    assert.equal(signalDescription(99), 'Unknown signal 99');
  });

  it('gives the command executor messages', () => {
    assert.equal(terminationMessage(0), 'Command exited with status 0');
    assert.equal(terminationMessage(1 << 8), 'Command exited with status 1');
    assert.equal(terminationMessage(9), 'Command terminated with signal Killed');
    assert.equal(terminationMessage(15), 'Command terminated with signal Terminated');
  });
});

describe('toTermination', () => {
  it('fills exitCode or signal and keeps the limitation', () => {
    assert.deepEqual(toTermination(3 << 8), { status: 768, exitCode: 3, message: 'Command exited with status 3' });
    const limitation = { reason: 'REASON_CONTAINER_LIMITATION_MEMORY' as const, message: 'Memory limit exceeded: ...' };
    assert.deepEqual(toTermination(9, limitation), {
      status: 9,
      signal: 'SIGKILL',
      message: 'Command terminated with signal Killed',
      limitation,
    });
  });

  it('says so when the status is unknown', () => {
    const t = toTermination(undefined);
    assert.equal(t.status, undefined);
    assert.match(t.message, /unknown/);
  });
});
