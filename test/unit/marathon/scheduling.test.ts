/**
 * Scheduling core: backoff, host and service ports, offer matching with its
 * reject reasons, task environment and TaskInfo, kill selection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { delayAfterFailure, delayLeftSeconds, isDelayed, isExpired, restampDelay } from '../../../src/marathon/launch-delay.js';
import { allocateServicePorts, assignHostPorts, hostPortRequests, portsAsRanges, ServicePortsExhaustedError } from '../../../src/marathon/port-assignment.js';
import { acceptedRoles, matchInstance } from '../../../src/marathon/offer-matching.js';
import { sanitizeLabelKey, taskEnvironment } from '../../../src/marathon/task-env.js';
import { buildAppTask } from '../../../src/marathon/task-factory.js';
import { selectVictims } from '../../../src/marathon/kill-selection.js';
import { parseApp } from '../../../src/marathon/app-validation.js';
import { conditionOf, instanceIdOfTask, newInstanceId, taskIdOf } from '../../../src/marathon/instance.js';
import { rangesOf, scalarOf } from '../../../src/mesos/resources.js';
import { app, instance, offer } from './test-apps.js';
import { NGINX, NGINX_FIXED_PORTS } from './seed-apps.js';

const zero = (): number => 0;

test('backoff: backoffSeconds, then ×backoffFactor per failure, capped; expires after maxLaunchDelaySeconds quiet', () => {
  const a = app({ id: 'a', backoffSeconds: 2, backoffFactor: 2, maxLaunchDelaySeconds: 5 });
  let d = delayAfterFailure(undefined, a, 1000);
  assert.equal(d.delaySeconds, 2);
  assert.ok(isDelayed(d, a, 2000));
  assert.equal(delayLeftSeconds(d, a, 2000), 1);
  assert.ok(!isDelayed(d, a, 3000));
  d = delayAfterFailure(d, a, 3000);
  assert.equal(d.delaySeconds, 4);
  d = delayAfterFailure(d, a, 4000);
  assert.equal(d.delaySeconds, 5);
  // Quiet for longer than maxLaunchDelaySeconds: the next failure starts afresh.
  assert.ok(isExpired(d, a, 4000 + 5001));
  assert.equal(delayAfterFailure(d, a, 4000 + 5001).delaySeconds, 2);
  // A start re-stamps the expiry, not the wait.
  const started = restampDelay(d, 8000);
  assert.ok(!isExpired(started, a, 12000));
  assert.ok(!isDelayed(started, a, 9001));
});

test('backoff: a new config version starts afresh; default factor 1.15', () => {
  const a = app({ id: 'a' });
  const d1 = delayAfterFailure(undefined, a, 0);
  const d2 = delayAfterFailure(d1, a, 1);
  assert.equal(d1.delaySeconds, 1);
  assert.equal(d2.delaySeconds, 1.15);
  const changed = { ...a, versionInfo: { lastScalingAt: 'b', lastConfigChangeAt: 'b' } };
  assert.ok(isExpired(d2, changed, 2));
  assert.equal(delayAfterFailure(d2, changed, 2).delaySeconds, 1);
});

test('property: the delay never exceeds maxLaunchDelaySeconds and never shrinks within a version', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 1, max: 5, noNaN: true }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 30 }), (b, f, max, n) => {
      const a = app({ id: 'a', backoffSeconds: b, backoffFactor: f, maxLaunchDelaySeconds: max });
      let d = delayAfterFailure(undefined, a, 0);
      for (let i = 1; i < n; i++) {
        const next = delayAfterFailure(d, a, i);
        assert.ok(next.delaySeconds <= max + 1e-9);
        assert.ok(next.delaySeconds >= d.delaySeconds - 1e-9);
        d = next;
      }
    }),
  );
});

test('host port requests: host networking any/fixed by requirePorts; mappings by hostPort', () => {
  assert.deepEqual(hostPortRequests(app({ id: 'a' })), [0]);
  assert.deepEqual(hostPortRequests(app({ id: 'a', portDefinitions: [{ port: 8080 }, { port: 0 }] })), [0, 0]);
  assert.deepEqual(hostPortRequests(app({ id: 'a', requirePorts: true, portDefinitions: [{ port: 8080 }] })), [8080]);
  assert.deepEqual(hostPortRequests(app(JSON.parse(NGINX))), [0]);
  assert.deepEqual(hostPortRequests(app(JSON.parse(NGINX_FIXED_PORTS))), [31030]);
  assert.deepEqual(hostPortRequests(app({ id: 'a', networks: [{ mode: 'container', name: 'n' }], container: { type: 'MESOS', portMappings: [{ containerPort: 80 }] } })), [undefined]);
});

test('host ports: fixed ones must be offered, any ones come from the offered ranges, all distinct', () => {
  const offered = [{ begin: 31000, end: 31002 }];
  assert.deepEqual(assignHostPorts([0, 0], offered, zero), [31000, 31001]);
  assert.deepEqual(assignHostPorts([31001, 0], offered, zero), [31001, 31000]);
  assert.equal(assignHostPorts([30000], offered, zero), undefined);
  assert.equal(assignHostPorts([0, 0, 0, 0], offered, zero), undefined);
  assert.equal(assignHostPorts([31000, 31000], offered, zero), undefined);
  assert.deepEqual(assignHostPorts([undefined, 0], offered, () => 0.99), [undefined, 31002]);
  assert.deepEqual(portsAsRanges([31002, undefined, 31000, 31001]), [{ begin: 31000, end: 31002 }]);
});

test('property: assigned host ports are distinct, offered, and honour fixed requests', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ begin: fc.integer({ min: 1000, max: 1100 }), len: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.oneof(fc.constant(0), fc.constant(undefined), fc.integer({ min: 1000, max: 1110 })), { maxLength: 6 }),
      fc.double({ min: 0, max: 0.999, noNaN: true }),
      (rs, requests, r) => {
        const offered = rs.map((x) => ({ begin: x.begin, end: x.begin + x.len }));
        const result = assignHostPorts(requests, offered, () => r);
        if (!result) return;
        const chosen = result.filter((p): p is number => p !== undefined);
        assert.equal(new Set(chosen).size, chosen.length);
        for (const p of chosen) assert.ok(offered.some((o) => o.begin <= p && p <= o.end));
        requests.forEach((q, i) => {
          if (q === undefined) assert.equal(result[i], undefined);
          else if (q !== 0) assert.equal(result[i], q);
        });
      },
    ),
  );
});

test('service ports: zeros get the lowest free ports from 10000, previous ports are reused, fixed ones kept', () => {
  const spec = parseApp({ id: 'a', cmd: 'x', portDefinitions: [{ port: 0 }, { port: 0 }, { port: 9000 }] });
  assert.deepEqual(allocateServicePorts(spec, new Set([10000, 10002])).portDefinitions.map((p) => p.port), [10001, 10003, 9000]);
  const previous = app({ id: 'a', portDefinitions: [{ port: 10500 }] });
  assert.deepEqual(allocateServicePorts(parseApp({ id: 'a', cmd: 'x' }), new Set(), previous).portDefinitions.map((p) => p.port), [10500]);
  const nginx = allocateServicePorts(parseApp(JSON.parse(NGINX)), new Set());
  assert.equal(nginx.container?.portMappings?.[0]?.servicePort, 10000);
  const fixed = allocateServicePorts(parseApp(JSON.parse(NGINX_FIXED_PORTS)), new Set());
  assert.equal(fixed.container?.portMappings?.[0]?.servicePort, 33180);
  assert.throws(() => allocateServicePorts(spec, new Set(), undefined, { min: 10, max: 10 }), ServicePortsExhaustedError);
});

test('matching: resources carved from the offer, ports from its range, the rest left', () => {
  const a = app({ id: 'a', cpus: 0.5, mem: 64, disk: 10 });
  const result = matchInstance(a, offer('h1', 'cpus:1;mem:100;disk:20;ports:[31000-31005]'), [], ['*'], zero);
  assert.ok(result.ok);
  assert.deepEqual(result.hostPorts, [31000]);
  assert.equal(scalarOf(result.resources, 'cpus'), 0.5);
  assert.equal(scalarOf(result.resources, 'mem'), 64);
  assert.deepEqual(rangesOf(result.resources, 'ports'), [{ begin: 31000, end: 31000 }]);
  assert.equal(scalarOf(result.remaining, 'cpus'), 0.5);
  assert.deepEqual(rangesOf(result.remaining, 'ports'), [{ begin: 31001, end: 31005 }]);
});

test('matching: reject reasons name the resource, role, constraint or ports', () => {
  const a = app({ id: 'a', cpus: 2, mem: 64 });
  const small = matchInstance(a, offer('h1', 'cpus:1;mem:32;ports:[31000-31005]'), [], ['*'], zero);
  assert.deepEqual(!small.ok && small.reasons, ['InsufficientCpus', 'InsufficientMemory']);
  const reserved = matchInstance(a, offer('h1', 'cpus:4;mem:128;ports:[31000-31005]', '', 'other'), [], ['*'], zero);
  assert.deepEqual(!reserved.ok && reserved.reasons, ['UnfulfilledRole']);
  const unique = app({ id: 'a', cpus: 0.1, mem: 8, constraints: [['hostname', 'UNIQUE']] });
  const taken = matchInstance(unique, offer('h1'), [{ hostname: 'h1' }], ['*'], zero);
  assert.deepEqual(!taken.ok && taken.reasons, ['UnfulfilledConstraint']);
  assert.match(!taken.ok ? taken.detail : '', /hostname:UNIQUE/);
  const noPorts = matchInstance(app({ id: 'a', cpus: 0.1, mem: 8 }), offer('h1', 'cpus:1;mem:100'), [], ['*'], zero);
  assert.deepEqual(!noPorts.ok && noPorts.reasons, ['InsufficientPorts']);
  const fixed = matchInstance(app(JSON.parse(NGINX_FIXED_PORTS)), offer('h1'), [], ['*'], zero);
  assert.ok(fixed.ok);
  assert.deepEqual(fixed.hostPorts, [31030]);
});

test('matching: accepted roles; reserved resources used when the role is accepted', () => {
  assert.deepEqual(acceptedRoles(app({ id: 'a' })), ['*']);
  assert.deepEqual(acceptedRoles(app({ id: 'a', role: 'web' })), ['*', 'web']);
  assert.deepEqual(acceptedRoles(app({ id: 'a', acceptedResourceRoles: ['web'] })), ['web']);
  assert.deepEqual(acceptedRoles(app({ id: 'a' }), ['slave_public']), ['slave_public']);
  const a = app({ id: 'a', cpus: 1, mem: 64, acceptedResourceRoles: ['web'] });
  const result = matchInstance(a, offer('h1', 'cpus:4;mem:128;ports:[31000-31005]', '', 'web'), [], ['web'], zero);
  assert.ok(result.ok);
  assert.equal(result.resources.every((r) => r.role === 'web'), true);
});

test('task environment: ports, host, ids, version, resources, labels; user env wins', () => {
  const a = app(
    { id: '/prod/web', cpus: 0.5, mem: 64, portDefinitions: [{ port: 10000, name: 'http' }, { port: 10001 }], labels: { 'team-name': 'x', 'a.b': 'y' }, env: { HOST: 'mine' } },
    '2024-05-01T10:00:00.000Z',
  );
  const env = taskEnvironment(a, { host: 'agent1', taskId: 't1', hostPorts: [31005, 31009] });
  assert.equal(env['PORT0'], '31005');
  assert.equal(env['PORT1'], '31009');
  assert.equal(env['PORT'], '31005');
  assert.equal(env['PORTS'], '31005,31009');
  assert.equal(env['PORT_HTTP'], '31005');
  assert.equal(env['PORT_31005'], '31005');
  assert.equal(env['HOST'], 'mine');
  assert.equal(env['MESOS_TASK_ID'], 't1');
  assert.equal(env['MARATHON_APP_ID'], '/prod/web');
  assert.equal(env['MARATHON_APP_VERSION'], '2024-05-01T10:00:00.000Z');
  assert.equal(env['MARATHON_APP_RESOURCE_CPUS'], '0.5');
  assert.equal(env['MARATHON_APP_RESOURCE_MEM'], '64.0');
  assert.equal(env['MARATHON_APP_RESOURCE_DISK'], '0.0');
  assert.equal(env['MARATHON_APP_RESOURCE_GPUS'], '0');
  assert.equal(env['MARATHON_APP_LABELS'], 'TEAM_NAME A_B');
  assert.equal(env['MARATHON_APP_LABEL_TEAM_NAME'], 'x');
  assert.equal(sanitizeLabelKey('a..b-c'), 'A_B_C');
  const fixed = taskEnvironment(app({ id: 'a', requirePorts: true, portDefinitions: [{ port: 8080 }] }), { host: 'h', taskId: 't', hostPorts: [8080] });
  assert.equal(fixed['PORT_8080'], '8080');
  const bridge = taskEnvironment(app(JSON.parse(NGINX)), { host: 'h', taskId: 't', hostPorts: [31777] });
  assert.equal(bridge['PORT0'], '31777');
  assert.equal(bridge['PORT_80'], '31777');
  assert.equal(bridge['MARATHON_APP_DOCKER_IMAGE'], 'docker.io/nginx');
});

test('TaskInfo: shell command with env, name reversed, Docker bridge mapping, kill policy, labels', () => {
  const a = app({ id: '/prod/web', cmd: 'python3 -m http.server $PORT0', taskKillGracePeriodSeconds: 3, labels: { L: 'v' }, fetch: [{ uri: 'http://h/a.tgz' }] });
  const resources = offer('h').resources.slice(0, 1);
  const task = buildAppTask(a, { agentId: 'ag', host: 'h', taskId: 'prod_web.instance-u._app.1', hostPorts: [31000], resources });
  assert.equal(task.name, 'web.prod');
  assert.equal(task.task_id.value, 'prod_web.instance-u._app.1');
  assert.equal(task.command?.shell, true);
  assert.equal(task.command?.value, 'python3 -m http.server $PORT0');
  assert.ok(task.command?.environment?.variables?.some((v) => v.name === 'PORT0' && v.value === '31000'));
  assert.deepEqual(task.command?.uris, [{ value: 'http://h/a.tgz', extract: true, executable: false, cache: false }]);
  assert.deepEqual(task.kill_policy, { grace_period: { nanoseconds: 3e9 } });
  assert.deepEqual(task.labels, { labels: [{ key: 'L', value: 'v' }] });
  const nginx = buildAppTask(app(JSON.parse(NGINX)), { agentId: 'ag', host: 'h', taskId: 't', hostPorts: [31777], resources });
  assert.equal(nginx.container?.type, 'DOCKER');
  assert.equal(nginx.container?.docker?.network, 'BRIDGE');
  assert.deepEqual(nginx.container?.docker?.port_mappings, [{ host_port: 31777, container_port: 80, protocol: 'tcp' }]);
  const args = buildAppTask(app({ id: 'a', cmd: undefined, args: ['/bin/echo', 'hi'] }), { agentId: 'ag', host: 'h', taskId: 't', hostPorts: [1], resources });
  assert.deepEqual([args.command?.shell, args.command?.value, args.command?.arguments], [false, '/bin/echo', ['/bin/echo', 'hi']]);
  const checked = buildAppTask(app({ id: 'a', healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' } }] }), { agentId: 'ag', host: 'h', taskId: 't', hostPorts: [1], resources });
  assert.equal(checked.health_check?.type, 'COMMAND');
});

test('ids and conditions', () => {
  const id = newInstanceId('prod_web', 'u-1');
  assert.equal(id, 'prod_web.instance-u-1');
  assert.equal(taskIdOf(id, 2), 'prod_web.instance-u-1._app.2');
  assert.equal(instanceIdOfTask('prod_web.instance-u-1._app.2'), 'prod_web.instance-u-1');
  assert.equal(instanceIdOfTask('tools_docker.002b4d28-46b9'), 'tools_docker.002b4d28-46b9');
  assert.equal(conditionOf('TASK_LOST', 'REASON_AGENT_REMOVED'), 'Unreachable');
  assert.equal(conditionOf('TASK_LOST', 'REASON_TASK_UNKNOWN'), 'Unknown');
  assert.equal(conditionOf('TASK_LOST', 'REASON_EXECUTOR_TERMINATED'), 'Gone');
  assert.equal(conditionOf('TASK_RUNNING'), 'Running');
});

test('kill selection: unlaunched first, then by condition, then youngest (or oldest) first', () => {
  const a = app({ id: 'a' });
  const list = [
    instance('old', { stagedAt: 1 }),
    instance('young', { stagedAt: 5 }),
    instance('staging', { condition: 'Staging', stagedAt: 0 }),
    instance('queued', { condition: 'Scheduled' }),
  ];
  assert.deepEqual(selectVictims(a, list, 3).map((i) => i.instanceId), ['queued', 'staging', 'young']);
  assert.deepEqual(selectVictims({ ...a, killSelection: 'OLDEST_FIRST' }, list, 3).map((i) => i.instanceId), ['queued', 'staging', 'old']);
  assert.deepEqual(selectVictims(a, list, 0), []);
});

test('kill selection: GROUP_BY apps lose instances from the most crowded values first', () => {
  const a = app({ id: 'a', constraints: [['rack', 'GROUP_BY']] });
  const list = [
    instance('r1-a', { host: 'a', attributes: 'rack:r1', stagedAt: 9 }),
    instance('r2-a', { host: 'b', attributes: 'rack:r2', stagedAt: 1 }),
    instance('r2-b', { host: 'c', attributes: 'rack:r2', stagedAt: 2 }),
  ];
  assert.deepEqual(selectVictims(a, list, 1).map((i) => i.instanceId), ['r2-b']);
});
