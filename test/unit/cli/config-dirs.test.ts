import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfigDirs, configDirFlags, mergeConfigArgv, takeFlagsDir, type ConfigTree } from '../../../src/cli/config-dirs.js';
import { FlagError, loadFlags } from '../../../src/cli/flags.js';
import { MASTER_FLAGS } from '../../../src/cli/flag-sets/master.js';
import { AGENT_FLAGS } from '../../../src/cli/flag-sets/agent.js';
import { MARATHON_FLAGS } from '../../../src/cli/flag-sets/marathon.js';

const dir = (path: string, files: Record<string, string>): ConfigTree['dirs'][number] => ({
  path,
  entries: Object.entries(files).map(([name, content]) => ({ name, content })),
});

test('files become --name=value with trailing newlines trimmed; /etc/mesos/zk is --zk for masters', () => {
  const tree: ConfigTree = {
    zk: { path: '/etc/mesos/zk', content: 'zk://a:2181,b:2181/mesos\n' },
    dirs: [dir('/etc/mesos-master', { quorum: '2\n', hostname: '182.48.115.233\n\n', cluster: 'prod' })],
  };
  const argv = mergeConfigArgv(configDirFlags('master', tree, MASTER_FLAGS), MASTER_FLAGS, [], {}, 'MESOS_');
  assert.deepEqual(argv, ['--zk=zk://a:2181,b:2181/mesos', '--cluster=prod', '--hostname=182.48.115.233', '--quorum=2']);
  const loaded = loadFlags(MASTER_FLAGS, argv, {});
  assert.equal(loaded.values.quorum, 2);
  assert.equal(loaded.values.hostname, '182.48.115.233');
});

test('/etc/mesos/zk is --master for agents and Marathon; the daemon directory overrides it', () => {
  const zk = { path: '/etc/mesos/zk', content: 'zk://z:2181/mesos\n' };
  assert.deepEqual(configDirFlags('agent', { zk, dirs: [] }, AGENT_FLAGS), [
    { name: 'master', value: 'zk://z:2181/mesos', file: '/etc/mesos/zk' },
  ]);
  const flags = configDirFlags(
    'marathon',
    { zk, dirs: [dir('/etc/marathon/conf', { master: 'zk://z:2181/other\n', zk: 'zk://z:2181/marathon\n' })] },
    MARATHON_FLAGS,
  );
  assert.deepEqual(
    flags.map((f) => [f.name, f.value]),
    [['master', 'zk://z:2181/other'], ['zk', 'zk://z:2181/marathon']],
  );
});

test('booleans: ?flag, ?no-flag and an empty boolean file', () => {
  const tree: ConfigTree = { dirs: [dir('/etc/mesos-slave', { '?no-switch_user': '', hostname_lookup: '\n', '?logger': '', 'no-logger': '' })] };
  const argv = mergeConfigArgv(configDirFlags('agent', tree, AGENT_FLAGS), AGENT_FLAGS, [], {}, 'MESOS_');
  assert.deepEqual(argv, ['--no-switch_user', '--hostname_lookup']);
  const loaded = loadFlags(AGENT_FLAGS, [...argv, '--master=m:5050'], {});
  assert.equal(loaded.values.switch_user, false);
  assert.equal(loaded.values.hostname_lookup, true);
});

test('agents: attributes/ and resources/ directories join name:value pairs', () => {
  const tree: ConfigTree = {
    dirs: [
      {
        path: '/etc/mesos-slave',
        entries: [
          { name: 'attributes', entries: [{ name: 'rack', content: 'r1\n' }, { name: 'zone', content: 'west' }, { name: 'empty', content: '' }] },
          { name: 'resources', entries: [{ name: 'cpus', content: '4' }] },
          { name: 'other', entries: [{ name: 'x', content: '1' }] },
          { name: '.hidden', content: 'junk' },
        ],
      },
    ],
  };
  assert.deepEqual(
    configDirFlags('agent', tree, AGENT_FLAGS).map((f) => `${f.name}=${f.value}`),
    ['attributes=rack:r1;zone:west', 'resources=cpus:4'],
  );
});

test('an unknown file is an error naming the file', () => {
  const tree: ConfigTree = { dirs: [dir('/etc/mesos-master', { quorm: '2' })] };
  assert.throws(
    () => configDirFlags('master', tree, MASTER_FLAGS),
    (e: unknown) => e instanceof FlagError && e.message === "Failed to load unknown flag 'quorm' from configuration file '/etc/mesos-master/quorm'",
  );
  assert.throws(() => configDirFlags('master', { dirs: [dir('/etc/mesos-master', { '?quorum': '' })] }, MASTER_FLAGS), /non-boolean flag 'quorum'.*'\/etc\/mesos-master\/\?quorum'/);
  assert.throws(
    () => configDirFlags('agent', { dirs: [{ path: '/e', entries: [{ name: 'attributes', content: 'a:b' }, { name: 'attributes', entries: [{ name: 'c', content: 'd' }] }] }] }, AGENT_FLAGS),
    /given twice/,
  );
});

test('precedence: command line > environment > files > defaults', () => {
  const flags = configDirFlags('master', { dirs: [dir('/m', { port: '6000', cluster: 'files', hostname: 'h-file', quorum: '3' })] }, MASTER_FLAGS);
  const argv = mergeConfigArgv(flags, MASTER_FLAGS, ['--port', '7000', '--', 'x'], { MESOS_CLUSTER: 'env', mesos_quorum: 'ignored' }, 'MESOS_');
  assert.deepEqual(argv, ['--hostname=h-file', '--quorum=3', '--port', '7000', '--', 'x']);
  const loaded = loadFlags(MASTER_FLAGS, argv, { MESOS_CLUSTER: 'env' }, { allowPositional: true });
  assert.equal(loaded.values.port, 7000);
  assert.equal(loaded.values.cluster, 'env');
  assert.equal(loaded.values.hostname, 'h-file');
  assert.equal(loadFlags(MASTER_FLAGS, [], {}).values.port, 5050);
  // An alias on the command line also hides the file's canonical flag.
  const viaAlias = configDirFlags('master', { dirs: [dir('/m', { agent_ping_timeout: '1mins' })] }, MASTER_FLAGS);
  assert.deepEqual(mergeConfigArgv(viaAlias, MASTER_FLAGS, ['--slave_ping_timeout=2secs'], {}, 'MESOS_'), ['--slave_ping_timeout=2secs']);
  assert.deepEqual(mergeConfigArgv(viaAlias, MASTER_FLAGS, [], { MESOS_SLAVE_PING_TIMEOUT: '2secs' }, 'MESOS_'), []);
});

test('takeFlagsDir: --flags_dir=, space form, MESETA_CONFIG_ROOT, default /', () => {
  assert.deepEqual(takeFlagsDir(['--flags_dir=/r', '--port=1'], {}), { root: '/r', argv: ['--port=1'] });
  assert.deepEqual(takeFlagsDir(['--flags_dir', '/s'], { MESETA_CONFIG_ROOT: '/e' }), { root: '/s', argv: [] });
  assert.deepEqual(takeFlagsDir(['--', '--flags_dir=/x'], { MESETA_CONFIG_ROOT: '/e' }), { root: '/e', argv: ['--', '--flags_dir=/x'] });
  assert.deepEqual(takeFlagsDir([], {}), { root: '/', argv: [] });
  assert.throws(() => takeFlagsDir(['--flags_dir'], {}), /Missing value/);
});

test('applyConfigDirs reads a root on disk; missing directories change nothing', () => {
  const root = mkdtempSync(join(tmpdir(), 'meseta-config-dirs-'));
  try {
    assert.deepEqual(applyConfigDirs('master', MASTER_FLAGS, ['--port=1'], { MESETA_CONFIG_ROOT: root }, 'MESOS_'), ['--port=1']);
    mkdirSync(join(root, 'etc', 'mesos'), { recursive: true });
    mkdirSync(join(root, 'etc', 'mesos-slave', 'attributes'), { recursive: true });
    writeFileSync(join(root, 'etc', 'mesos', 'zk'), 'zk://127.0.0.1:2181/mesos\n');
    writeFileSync(join(root, 'etc', 'mesos-slave', 'containerizers'), 'docker,mesos\n');
    writeFileSync(join(root, 'etc', 'mesos-slave', 'attributes', 'rack'), 'r9\n');
    assert.deepEqual(applyConfigDirs('agent', AGENT_FLAGS, [`--flags_dir=${root}`], {}, 'MESOS_'), [
      '--master=zk://127.0.0.1:2181/mesos',
      '--attributes=rack:r9',
      '--containerizers=docker,mesos',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
