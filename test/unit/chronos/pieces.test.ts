/**
 * The small pure pieces: task ids, constraints, container info for Docker
 * and Mesos jobs, custom executors, URL commands, the dependency counters
 * and cycle detection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTaskId, parseTaskId } from '../../../src/chronos/task-id.js';
import { constraintHolds, offerSatisfies } from '../../../src/chronos/constraints.js';
import { buildTaskInfo, containerInfo } from '../../../src/chronos/task-info.js';
import { JobGraph, findCycle } from '../../../src/chronos/job-graph.js';
import { parseDependentJob, parseScheduledJob } from '../../../src/chronos/job-parse.js';
import { CHRONOS_JOB_DEFAULTS, type ChronosJob } from '../../../src/chronos/job.js';
import type { Attribute } from '../../../src/mesos/types.js';
import { offer } from './harness.js';

const NOW = Date.parse('2024-01-10T12:00:00Z');
const job = (fields: Record<string, unknown>): ChronosJob => parseScheduledJob({ schedule: 'R//PT1H', ...fields }, CHRONOS_JOB_DEFAULTS, NOW, true);
const dep = (name: string, parents: string[]): ChronosJob => parseDependentJob({ name, parents }, CHRONOS_JOB_DEFAULTS, true);

test('task ids: format, parse, foreign ids', () => {
  assert.equal(makeTaskId('NewJob', 1428515194358, 0, ''), 'ct:1428515194358:0:NewJob:');
  assert.equal(makeTaskId('j', 5, 2, 'a;b c'), 'ct:5:2:j:ab c');
  assert.deepEqual(parseTaskId('ct:1428515194358:0:NewJob:'), { dueMs: 1428515194358, attempt: 0, jobName: 'NewJob', arguments: '' });
  assert.deepEqual(parseTaskId('ct:1:3:a.b-c_d:--x y'), { dueMs: 1, attempt: 3, jobName: 'a.b-c_d', arguments: '--x y' });
  assert.equal(parseTaskId('hello'), undefined);
  assert.equal(parseTaskId('ct:x:0:j:'), undefined);
});

test('constraints: EQUALS, LIKE, UNLIKE, synthesised hostname', () => {
  const attrs: Attribute[] = [
    { name: 'rack', type: 'TEXT', text: { value: 'rack-1' } },
    { name: 'level', type: 'SCALAR', scalar: { value: 10 } },
    { name: 'os', type: 'SET', set: { item: ['linux', 'x86'] } },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 5 }] } },
  ];
  assert.equal(constraintHolds(attrs, ['rack', 'EQUALS', 'rack-1']), true);
  assert.equal(constraintHolds(attrs, ['rack', 'EQUALS', 'rack']), false);
  assert.equal(constraintHolds(attrs, ['level', 'EQUALS', '10']), false); // EQUALS is text-only
  assert.equal(constraintHolds(attrs, ['rack', 'LIKE', 'rack-[0-9]']), true);
  assert.equal(constraintHolds(attrs, ['rack', 'LIKE', 'rack']), false); // full match
  assert.equal(constraintHolds(attrs, ['level', 'LIKE', '10\\.0']), true); // Java double text
  assert.equal(constraintHolds(attrs, ['os', 'LIKE', 'linux']), true);
  assert.equal(constraintHolds(attrs, ['ports', 'LIKE', '.*']), false);
  assert.equal(constraintHolds(attrs, ['rack', 'UNLIKE', 'rack-2']), true);
  assert.equal(constraintHolds(attrs, ['os', 'UNLIKE', 'linux']), false);
  assert.equal(constraintHolds(attrs, ['zone', 'UNLIKE', 'x']), false); // missing attribute
  assert.equal(offerSatisfies(offer({ hostname: 'node-7' }), [['hostname', 'EQUALS', 'node-7']]), true);
  assert.equal(offerSatisfies(offer({ hostname: 'node-7' }), [['hostname', 'LIKE', 'node-[0-9]+'], ['hostname', 'UNLIKE', 'node-8']]), true);
  assert.equal(offerSatisfies(offer({ hostname: 'node-7' }), [['hostname', 'EQUALS', 'node-8']]), false);
});

test('container: DOCKER as Chronos builds it (execution is a later issue), MESOS with a Docker image', () => {
  const docker = job({
    name: 'dockerjob',
    command: 'date',
    container: {
      type: 'DOCKER',
      image: 'busybox',
      network: 'BRIDGE',
      forcePullImage: 'true',
      parameters: [{ key: 'env', value: 'A=1' }],
      volumes: [{ containerPath: '/var/log', hostPath: '/logs', mode: 'RW' }, { containerPath: '/data', external: { name: 'vol', provider: 'dvdi', options: [{ key: 'size', value: '1' }] } }],
      networkName: 'net0',
    },
  });
  assert.deepEqual(containerInfo(docker.container!), {
    type: 'DOCKER',
    docker: { image: 'busybox', network: 'BRIDGE', force_pull_image: true, parameters: [{ key: 'env', value: 'A=1' }] },
    volumes: [
      { container_path: '/var/log', mode: 'RW', host_path: '/logs' },
      { container_path: '/data', mode: 'RW', source: { type: 'DOCKER_VOLUME', docker_volume: { driver: 'dvdi', name: 'vol', driver_options: { parameter: [{ key: 'size', value: '1' }] } } } },
    ],
    network_infos: [{ name: 'net0' }],
  });
  const task = buildTaskInfo('ct:1:0:dockerjob:', docker, offer(), []);
  assert.equal(task.container?.type, 'DOCKER');
  assert.equal(task.command?.value, 'date');
  const mesos = job({ name: 'm', container: { type: 'mesos', image: 'alpine' } });
  assert.deepEqual(containerInfo(mesos.container!), { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'alpine' }, cached: true } } });
});

test('commands: URL commands are fetched and run; shell=false; custom executors', () => {
  const url = buildTaskInfo('ct:1:0:u:', job({ name: 'u', command: 'http://example.com/bin/run.sh' }), offer(), []);
  assert.deepEqual(url.command?.uris, [{ value: 'http://example.com/bin/run.sh', executable: true }]);
  assert.equal(url.command?.value, '"./run.sh"');
  const exec = buildTaskInfo('ct:1:0:e:', job({ name: 'e', command: '/bin/echo', shell: false, arguments: ['echo', 'hi'] }), offer(), []);
  assert.equal(exec.command?.shell, false);
  assert.deepEqual(exec.command?.arguments, ['echo', 'hi']);
  const custom = buildTaskInfo('ct:1:0:c:', job({ name: 'c', command: 'work', executor: '/opt/exec', executorFlags: '-v' }), offer(), []);
  assert.equal(custom.command, undefined);
  assert.equal(custom.executor?.executor_id.value, 'c');
  assert.equal(Buffer.from(custom.data ?? '', 'base64').toString(), '-v|work');
  const timed = buildTaskInfo('ct:1:0:t:', job({ name: 't', command: 'x', maxCompletionTime: 30 }), offer(), []);
  assert.deepEqual(timed.max_completion_time, { nanoseconds: 30e9 });
});

test('graph: a child with two parents runs when both completed; counters per edge', () => {
  const g = new JobGraph();
  g.setJobs([job({ name: 'a' }), job({ name: 'b' }), dep('c', ['a', 'b']), dep('d', ['a'])]);
  assert.deepEqual(g.executableChildren('a'), ['d']);
  assert.deepEqual(g.executableChildren('a'), ['d']); // a twice: c still waits for b
  assert.deepEqual(g.executableChildren('b'), ['c']);
  g.resetInvocations('c');
  assert.equal(g.invocationCount('a', 'c'), 0);
  assert.deepEqual(g.edges(), [['a', 'c'], ['a', 'd'], ['b', 'c']]);
  // A child whose parent does not exist is not in the live graph.
  g.setJobs([job({ name: 'a' }), dep('orphan', ['a', 'missing'])]);
  assert.deepEqual(g.children('a'), []);
});

test('cycles: direct, indirect and self', () => {
  const jobs = [job({ name: 'a' }), dep('b', ['a']), dep('c', ['b'])];
  assert.deepEqual(findCycle(jobs, 'a', ['c']), ['a', 'c', 'b', 'a']);
  assert.deepEqual(findCycle(jobs, 'b', ['b']), ['b', 'b']);
  assert.equal(findCycle(jobs, 'd', ['c', 'a']), undefined);
  assert.equal(findCycle(jobs, 'c', ['a']), undefined);
});
