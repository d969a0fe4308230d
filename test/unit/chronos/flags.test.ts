/**
 * `meseta chronos` flags: Chronos's defaults, the CHRONOS_ environment
 * prefix, and ZooKeeper refused with a clear message for now.
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

test('ZooKeeper is refused for now, with a clear message', () => {
  assert.throws(() => parseChronosFlags(['--master=zk://127.0.0.1:2181/mesos'], {}), (e: unknown) => e instanceof FlagError && /not supported yet/.test(e.message));
  assert.throws(() => parseChronosFlags(['--master=127.0.0.1:5050', '--zk_hosts=127.0.0.1:2181'], {}), (e: unknown) => e instanceof FlagError && /not supported yet/.test(e.message));
  assert.throws(() => parseChronosFlags([], {}), /Flag 'master' is required/);
});

test('the command is registered under its own name and as the chronos program', () => {
  assert.equal(findCommand('chronos')?.module, 'chronos');
  assert.equal(commandForProgram('chronos')?.name, 'chronos');
});
