/**
 * `meseta chronos` flags: Chronos's defaults, the CHRONOS_ environment
 * prefix, and ZooKeeper (`--zk_hosts`/`--zk_path`, `--zk`, `--master=zk://`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChronosFlags } from '../../../src/cli/flag-sets/chronos.js';
import { FlagError } from '../../../src/cli/flags.js';
import { commandForProgram, findCommand } from '../../../src/cli/command-registry.js';

test('defaults follow Chronos', () => {
  const f = parseChronosFlags(['--master=127.0.0.1:5050'], {});
  assert.equal(f.httpPort, 4400);
  assert.equal(f.failureRetryMs, 60000);
  assert.equal(f.disableAfterFailures, 0);
  assert.equal(f.frameworkName, 'chronos');
  assert.equal(f.mesosRole, '*');
  assert.equal(f.user, 'root');
  assert.deepEqual([f.taskCpus, f.taskMemMb, f.taskDiskMb], [0.1, 128, 256]);
  assert.equal(f.failoverTimeoutSeconds, 604800);
  assert.equal(f.workDir, '/tmp/chronos');
});

test('flags from the command line and CHRONOS_ variables', () => {
  const f = parseChronosFlags(['--master', '10.0.0.1:5050', '--framework_name=jobs', '--failure_retry=500', '--state_dir=/var/lib/chronos'], { CHRONOS_HTTP_PORT: '4500' }, { warn: () => undefined });
  assert.equal(f.master, '10.0.0.1:5050');
  assert.equal(f.frameworkName, 'jobs');
  assert.equal(f.failureRetryMs, 500);
  assert.equal(f.httpPort, 4500);
  assert.equal(f.workDir, '/var/lib/chronos');
});

test('ZooKeeper: --zk_hosts under --zk_path (Chronos names), --zk as one URL, --master=zk://', () => {
  const f = parseChronosFlags(['--master=zk://127.0.0.1:2181/mesos', '--zk_hosts=z1:2181,z2:2182'], {});
  assert.equal(f.master, 'zk://127.0.0.1:2181/mesos');
  assert.deepEqual(f.zk, { servers: [{ host: 'z1', port: 2181 }, { host: 'z2', port: 2182 }], path: '/chronos/state' });
  assert.equal(f.zkTimeoutMs, 10000);
  assert.equal(parseChronosFlags(['--master=m:5050', '--zk_hosts=z1:2181', '--zk_path=/jobs'], {}).zk?.path, '/jobs');
  assert.equal(parseChronosFlags(['--master=m:5050', '--zk=zk://z1:2181/chronos'], {}).zk?.path, '/chronos');
  const auth = parseChronosFlags(['--master=m:5050'], { CHRONOS_ZK_HOSTS: 'z1', CHRONOS_ZK_AUTH: 'u:p' }).zk;
  assert.deepEqual(auth, { servers: [{ host: 'z1', port: 2181 }], path: '/chronos/state', credentials: { username: 'u', password: 'p' } });
  assert.equal(parseChronosFlags(['--master=m:5050'], {}).zk, undefined, 'no ZooKeeper: SQLite in --work_dir');
});

test('malformed ZooKeeper flags are flag errors; --master is required', () => {
  assert.throws(() => parseChronosFlags(['--master=zk://'], {}), (e: unknown) => e instanceof FlagError && /'master'/.test(e.message));
  assert.throws(() => parseChronosFlags(['--master=m:5050', '--zk_hosts=z1:99999'], {}), (e: unknown) => e instanceof FlagError && /'zk_hosts'/.test(e.message));
  assert.throws(() => parseChronosFlags(['--master=m:5050', '--zk_hosts=z1', '--zk_path=nope'], {}), FlagError);
  assert.throws(() => parseChronosFlags(['--master=m:5050', '--zk_hosts=z1', '--zk_auth=nocolon'], {}), FlagError);
  assert.throws(() => parseChronosFlags([], {}), /Flag 'master' is required/);
});

test('the command is registered under its own name and as the chronos program', () => {
  assert.equal(findCommand('chronos')?.module, 'chronos');
  assert.equal(commandForProgram('chronos')?.name, 'chronos');
});
