/** `meseta marathon` flags: defaults, MARATHON_* environment, ZooKeeper refused with a clear message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarathonFlags } from '../../../src/cli/flag-sets/marathon.js';
import { FlagError } from '../../../src/cli/flags.js';
import { findCommand, commandForProgram } from '../../../src/cli/command-registry.js';

test('defaults follow Marathon', () => {
  const f = parseMarathonFlags(['--master=127.0.0.1:5050'], {});
  assert.equal(f.master, '127.0.0.1:5050');
  assert.equal(f.httpPort, 8080);
  assert.equal(f.frameworkName, 'marathon');
  assert.equal(f.mesosRole, '*');
  assert.equal(f.taskLaunchTimeoutMs, 300000);
  assert.equal(f.failoverTimeoutSeconds, 604800);
  assert.equal(f.localPortMin, 10000);
  assert.equal(f.localPortMax, 20000);
  assert.equal(f.maxInstancesPerOffer, 5);
  assert.deepEqual(f.features, []);
});

test('space form, environment and lists', () => {
  const f = parseMarathonFlags(['--master', 'm:5050', '--http_port', '8081', '--enable_features=secrets,gpu_resources'], { MARATHON_HOSTNAME: 'h1', MARATHON_MESOS_ROLE: 'web' });
  assert.equal(f.master, 'm:5050');
  assert.equal(f.httpPort, 8081);
  assert.equal(f.hostname, 'h1');
  assert.equal(f.mesosRole, 'web');
  assert.deepEqual(f.features, ['secrets', 'gpu_resources']);
});

test('zk:// master and --zk are refused as not supported yet; --master is required', () => {
  assert.throws(() => parseMarathonFlags(['--master=zk://127.0.0.1:2181/mesos'], {}), (e: unknown) => e instanceof FlagError && /not supported yet/.test(e.message));
  assert.throws(() => parseMarathonFlags(['--master=m:5050', '--zk=zk://localhost:2181/marathon'], {}), (e: unknown) => e instanceof FlagError && /not supported yet/.test(e.message));
  assert.throws(() => parseMarathonFlags([], {}), /required/);
  assert.equal(parseMarathonFlags(['--help'], {}).help, true);
});

test('registered as a subcommand and as the `marathon` program', () => {
  assert.equal(findCommand('marathon')?.module, 'marathon');
  assert.equal(commandForProgram('marathon')?.name, 'marathon');
});
