import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, formatHelp } from '../../../src/cli/flags.js';
import { MASTER_FLAGS, MASTER_USAGE, parseMasterFlags, parseWeights } from '../../../src/cli/flag-sets/master.js';
import { AGENT_FLAGS, AGENT_USAGE, defaultAgentWorkDir, parseAgentFlags } from '../../../src/cli/flag-sets/agent.js';
import { LOCAL_FLAGS, parseLocalFlags } from '../../../src/cli/flag-sets/local.js';
import { parseExecuteFlags } from '../../../src/cli/flag-sets/execute.js';
import { parseTestFrameworkFlags } from '../../../src/cli/flag-sets/test-framework.js';

const quiet = { warn: () => undefined };

function flagError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FlagError, String(err));
    return err.message;
  }
  assert.fail('expected a FlagError');
}

test('master: Mesos defaults', () => {
  const f = parseMasterFlags(['--work_dir=/var/lib/mesos'], {}, quiet);
  assert.equal(f.port, 5050);
  assert.equal(f.workDir, '/var/lib/mesos');
  assert.equal(f.allocationInterval, 1000);
  assert.equal(f.agentPingTimeout, 15000);
  assert.equal(f.maxAgentPingTimeouts, 5);
  assert.equal(f.agentReregisterTimeout, 600000);
  assert.equal(f.maxCompletedFrameworks, 50);
  assert.equal(f.maxCompletedTasksPerFramework, 1000);
  assert.equal(f.minAllocatableResources, 'cpus:0.01|mem:32');
  assert.equal(f.registry, 'sqlite');
  assert.equal(f.loggingLevel, 'INFO');
  assert.equal(f.quiet, false);
  assert.equal(f.offerTimeout, undefined);
  assert.equal(f.roleSorter, 'drf');
  assert.equal(f.help, false);
});

test('master: the seed command lines load', () => {
  const a = parseMasterFlags(['--ip=192.168.1.10', '--work_dir=/var/lib/mesos'], {}, quiet);
  assert.equal(a.ip, '192.168.1.10');
  const b = parseMasterFlags(
    ['--zk=zk://182.48.115.233:2181,182.48.115.235:2181/mesos', '--quorum=2', '--work_dir=/var/lib/mesos', '--cluster=c1'],
    {},
    quiet,
  );
  assert.equal(b.zk, 'zk://182.48.115.233:2181,182.48.115.235:2181/mesos');
  assert.equal(b.quorum, 2);
  assert.equal(b.cluster, 'c1');
});

test('master: registry kinds, --work_dir needed for replicated_log, aliases, weights, roles', () => {
  assert.equal(parseMasterFlags(['--registry=in_memory'], {}, quiet).registry, 'memory');
  assert.equal(flagError(() => parseMasterFlags([], {}, quiet)), '--work_dir needed for replicated log based registry');
  assert.equal(
    flagError(() => parseMasterFlags(['--registry=leveldb'], {}, quiet)),
    "'leveldb' is not a supported option for registry persistence",
  );
  const warned: string[] = [];
  const f = parseMasterFlags(
    ['--registry=in_memory', '--slave_ping_timeout=20secs', '--max_slave_ping_timeouts=3', '--weights=dev=2,prod=0.5', '--roles=dev,prod'],
    {},
    { warn: (m) => warned.push(m) },
  );
  assert.equal(f.agentPingTimeout, 20000);
  assert.equal(f.maxAgentPingTimeouts, 3);
  assert.deepEqual(f.weights, { dev: 2, prod: 0.5 });
  assert.deepEqual(f.roles, ['dev', 'prod']);
  assert.deepEqual(warned, ["Loaded deprecated flag 'slave_ping_timeout'", "Loaded deprecated flag 'max_slave_ping_timeouts'"]);
  assert.equal(flagError(() => parseWeights('dev=x')), "Invalid weight: 'dev=x'");
  assert.equal(
    flagError(() => parseMasterFlags(['--registry=in_memory', '--agent_ping_timeout=100ms'], {}, quiet)),
    'Expected `--agent_ping_timeout` to be between 1secs and 15mins',
  );
  assert.equal(
    flagError(() => parseMasterFlags(['--registry=in_memory', '--logging_level=DEBUG'], {}, quiet)),
    "'DEBUG' is not a valid logging level. Possible values for 'logging_level' flag are: 'INFO', 'WARNING', 'ERROR'.",
  );
  // --help needs no --work_dir.
  assert.equal(parseMasterFlags(['--help'], {}, quiet).help, true);
});

test('agent: --master required; Mesos defaults; the seed command lines load', () => {
  assert.equal(flagError(() => parseAgentFlags([], {}, quiet)), "Flag 'master' is required, but it was not provided");
  const f = parseAgentFlags(['--master=master:5050'], {}, quiet);
  assert.equal(f.master, 'master:5050');
  assert.equal(f.port, 5051);
  assert.equal(f.workDir, defaultAgentWorkDir());
  assert.deepEqual(f.isolation, ['posix/cpu', 'posix/mem']);
  assert.deepEqual(f.containerizers, ['mesos']);
  assert.equal(f.executorShutdownGracePeriod, 5000);
  assert.equal(f.recover, 'reconnect');
  assert.equal(f.strict, true);
  assert.equal(f.recoveryTimeout, 15 * 60 * 1000);
  assert.equal(f.executorRegistrationTimeout, 60000);
  assert.equal(f.registrationBackoffFactor, 1000);
  assert.equal(f.cgroupsRoot, 'mesos');
  assert.equal(f.cgroupsHierarchy, '/sys/fs/cgroup');
  assert.equal(f.defaultRole, '*');
  assert.equal(f.switchUser, true);
  assert.equal(f.fetcherCacheSize, 2 * 1024 ** 3);

  const g = parseAgentFlags(
    ['--master=192.168.1.10:5050', '--ip=192.168.1.11', '--work_dir=/var/lib/mesos', '--port=5052', '--containerizers=docker,mesos'],
    {},
    quiet,
  );
  assert.equal(g.port, 5052);
  assert.deepEqual(g.containerizers, ['docker', 'mesos']);
  // Marathon-style space form, and the environment.
  const h = parseAgentFlags(['--master', 'zk://h:2181/mesos'], { MESOS_RESOURCES: 'cpus:2;mem:1024' }, quiet);
  assert.equal(h.master, 'zk://h:2181/mesos');
  assert.equal(h.resources, 'cpus:2;mem:1024');
});

test('agent: validations', () => {
  assert.match(flagError(() => parseAgentFlags(['--master=m:5050', '--recover=maybe'], {}, quiet)), /^Unknown option for 'recover' flag maybe/);
  assert.equal(
    parseAgentFlags(['--master=m:5050', '--executor_environment_variables={"PATH":"/bin"}'], {}, quiet).executorEnvironmentVariables?.PATH,
    '/bin',
  );
  assert.equal(
    flagError(() => parseAgentFlags(['--master=m:5050', '--executor_environment_variables={"N":1}'], {}, quiet)),
    "'--executor_environment_variables' must only contain string values",
  );
});

test('local: master and agents derived from the local flags', () => {
  const f = parseLocalFlags(['--num_agents=2', '--work_dir=/tmp/l', '--allocation_interval=100ms', '--resources=cpus:1;mem:256'], {}, quiet);
  assert.equal(f.ip, '127.0.0.1');
  assert.equal(f.port, 5050);
  assert.equal(f.master.port, 5050);
  assert.equal(f.master.ip, '127.0.0.1');
  assert.equal(f.master.workDir, '/tmp/l/master');
  assert.equal(f.master.allocationInterval, 100);
  assert.equal(f.agents.length, 2);
  assert.deepEqual(
    f.agents.map((a) => [a.master, a.port, a.workDir, a.resources]),
    [
      ['127.0.0.1:5050', 5051, '/tmp/l/agents/0', 'cpus:1;mem:256'],
      ['127.0.0.1:5050', 5052, '/tmp/l/agents/1', 'cpus:1;mem:256'],
    ],
  );
  assert.notEqual(f.agents[0]?.runtimeDir, f.agents[1]?.runtimeDir);
  // --num_slaves is the old name.
  assert.equal(parseLocalFlags(['--num_slaves=3'], {}, quiet).agents.length, 3);
  // No name is defined twice (loadFlags would throw on the first call otherwise).
  assert.equal(new Set(LOCAL_FLAGS.map((d) => d.name)).size, LOCAL_FLAGS.length);
  // --master makes no sense locally.
  assert.equal(flagError(() => parseLocalFlags(['--master=x:1'], {}, quiet)), "Failed to load unknown flag 'master'");
});

test('execute: required master and name; defaults; env JSON; kill_after in ms', () => {
  assert.equal(flagError(() => parseExecuteFlags(['--name=t'], {}, quiet)), "Flag 'master' is required, but it was not provided");
  const f = parseExecuteFlags(
    ['--master=127.0.0.1:5050', '--name=cluster-test', '--command=sleep 5', '--env={"A":"b"}', '--kill_after=10secs'],
    {},
    quiet,
  );
  assert.equal(f.resources, 'cpus:1;mem:128');
  assert.equal(f.shell, true);
  assert.deepEqual(f.env, { A: 'b' });
  assert.equal(f.killAfter, 10000);
  assert.equal(f.command, 'sleep 5');
  assert.equal(f.role, '*');
  assert.equal(f.checkpoint, false);
});

test('test-framework: --master or the positional forms of the Java/Python examples', () => {
  assert.equal(parseTestFrameworkFlags(['--master=master:5050'], {}, quiet).master, 'master:5050');
  assert.equal(parseTestFrameworkFlags(['master:5050'], {}, quiet).master, 'master:5050');
  assert.equal(parseTestFrameworkFlags(['master:', '5050'], {}, quiet).master, 'master:5050');
  assert.equal(parseTestFrameworkFlags(['--master=a:1', 'b:2'], {}, quiet).master, 'a:1');
  assert.equal(parseTestFrameworkFlags(['b:2'], { MESOS_MASTER: 'a:1' }, quiet).master, 'b:2');
  assert.equal(parseTestFrameworkFlags([], { MESOS_MASTER: 'a:1' }, quiet).master, 'a:1');
  assert.equal(parseTestFrameworkFlags(['m:5050', '--executor'], {}, quiet).executor, true);
  assert.equal(flagError(() => parseTestFrameworkFlags([], {}, quiet)), 'Missing required option --master');
});

test('help text for the daemon flag sets renders', () => {
  const master = formatHelp(MASTER_USAGE, MASTER_FLAGS);
  assert.ok(master.startsWith('Usage: mesos-master [options]\n\n'));
  assert.ok(master.includes('--agent_ping_timeout=VALUE, --slave_ping_timeout=VALUE'));
  const agent = formatHelp(AGENT_USAGE, AGENT_FLAGS);
  assert.ok(agent.includes('--[no-]switch_user'));
});
