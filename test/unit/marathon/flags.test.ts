/** `meseta marathon` flags: defaults, MARATHON_* environment, ZooKeeper master detection, state and election. */
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

test('seed case 13: --master zk://…/mesos --zk zk://…/marathon (space form) turns on ZooKeeper state and HA', () => {
  const f = parseMarathonFlags(['--master', 'zk://127.0.0.1:2181/mesos', '--zk', 'zk://localhost:2181/marathon'], {});
  assert.equal(f.master, 'zk://127.0.0.1:2181/mesos');
  assert.deepEqual(f.zk, { servers: [{ host: 'localhost', port: 2181 }], path: '/marathon' });
  assert.equal(f.ha, true);
  assert.equal(f.zkSessionTimeoutMs, 10000);
  assert.equal(f.leaderProxyConnectionTimeoutMs, 5000);
  assert.equal(f.leaderProxyReadTimeoutMs, 10000);
  const solo = parseMarathonFlags(['--master=zk://127.0.0.1:2181/mesos', '--zk=zk://localhost:2181/marathon', '--disable_ha'], {});
  assert.equal(solo.ha, false);
  assert.equal(parseMarathonFlags(['--master=m:5050'], {}).ha, false, 'no --zk: SQLite, no election');
  assert.equal(parseMarathonFlags(['--master=m:5050'], { MARATHON_ZK: 'zk://z1:2181,z2:2182/m' }).zk?.servers.length, 2);
});

test('malformed ZooKeeper URLs and timeouts are flag errors; --master is required', () => {
  assert.throws(() => parseMarathonFlags(['--master=zk://'], {}), (e: unknown) => e instanceof FlagError && /Failed to load flag 'master'/.test(e.message));
  assert.throws(() => parseMarathonFlags(['--master=m:5050', '--zk=zk://h:2181/marathon/'], {}), (e: unknown) => e instanceof FlagError && /'zk'/.test(e.message));
  assert.throws(() => parseMarathonFlags(['--master=m:5050', '--zk_session_timeout=0'], {}), FlagError);
  assert.throws(() => parseMarathonFlags([], {}), /required/);
  assert.equal(parseMarathonFlags(['--help'], {}).help, true);
});

test('registered as a subcommand and as the `marathon` program', () => {
  assert.equal(findCommand('marathon')?.module, 'marathon');
  assert.equal(commandForProgram('marathon')?.name, 'marathon');
});
