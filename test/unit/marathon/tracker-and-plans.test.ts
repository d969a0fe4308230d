/**
 * Instance life (status updates → replacement, backoff, lastTaskFailure,
 * unknown tasks, events), deployment plans (ordering, change kinds, cycles),
 * label selectors, and health probes against a real local server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { SqliteStore } from '../../../src/coordination/sqlite-store.js';
import { EventBus, type MarathonEvent } from '../../../src/marathon/event-bus.js';
import { InstanceTracker } from '../../../src/marathon/instance-tracker.js';
import { MarathonState } from '../../../src/marathon/marathon-state.js';
import { MarathonStore } from '../../../src/marathon/marathon-store.js';
import { buildPlan, dependencyDepths, DependencyCycleError } from '../../../src/marathon/deployment-plan.js';
import { matchesLabels, parseLabelSelector, LabelSelectorError } from '../../../src/marathon/label-selector.js';
import { probe } from '../../../src/marathon/health-checks.js';
import { HEALTH_CHECK_DEFAULTS, type HealthCheckSpec } from '../../../src/marathon/app-definition.js';
import type { TaskState } from '../../../src/mesos/types.js';
import { app } from './test-apps.js';

function setup() {
  let now = 1000;
  let n = 0;
  const state = new MarathonState(new MarathonStore(new SqliteStore(':memory:')), (e) => assert.fail(e));
  const events = new EventBus(() => now);
  const seen: MarathonEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const tracker = new InstanceTracker(state, events, () => now, () => `u${++n}`);
  return { state, tracker, seen, advance: (ms: number) => (now += ms), now: () => now };
}

function launch(t: ReturnType<typeof setup>, appId = '/a') {
  const a = t.state.apps.get(appId)!;
  const [queued] = t.tracker.scheduled().filter((i) => i.appId === appId);
  return t.tracker.launched(queued!, a, {
    taskId: `${queued!.instanceId}._app.${queued!.incarnation + 1}`,
    agentId: 'ag',
    host: 'h',
    hostPorts: [31000],
    attributes: [],
    stagedAt: t.now(),
    state: 'TASK_STAGING',
    ipAddresses: [],
  });
}

const status = (taskId: string, state: TaskState, extra: Record<string, unknown> = {}) => ({ task_id: { value: taskId }, state, agent_id: { value: 'ag' }, ...extra });

test('a failed task is relaunched as the same instance with a new incarnation, after a growing delay', () => {
  const t = setup();
  t.state.putApp(app({ id: 'a', backoffSeconds: 2, backoffFactor: 3 }));
  t.tracker.schedule(t.state.apps.get('/a')!, 1);
  const inst = launch(t);
  assert.equal(inst.incarnation, 1);
  const running = t.tracker.update(status(inst.task!.taskId, 'TASK_RUNNING'));
  assert.equal(running.instance?.condition, 'Running');
  assert.equal(running.instance?.task?.startedAt, t.now());
  t.advance(500);
  const failed = t.tracker.update(status(inst.task!.taskId, 'TASK_FAILED', { message: 'boom' }));
  assert.ok(failed.terminal && failed.rescheduled);
  assert.equal(failed.instance?.condition, 'Scheduled');
  assert.equal(t.state.delays.get('/a')?.delaySeconds, 2);
  assert.deepEqual(
    { state: t.state.lastTaskFailures.get('/a')?.state, message: t.state.lastTaskFailures.get('/a')?.message, host: t.state.lastTaskFailures.get('/a')?.host },
    { state: 'TASK_FAILED', message: 'boom', host: 'h' },
  );
  const again = launch(t);
  assert.equal(again.instanceId, inst.instanceId);
  assert.match(again.task!.taskId, /\._app\.2$/);
  t.tracker.update(status(again.task!.taskId, 'TASK_FAILED'));
  assert.equal(t.state.delays.get('/a')?.delaySeconds, 6);
  const types = t.seen.map((e) => e.eventType);
  assert.ok(types.includes('status_update_event') && types.includes('instance_changed_event'));
  const update = t.seen.find((e) => e.eventType === 'status_update_event' && e['taskStatus'] === 'TASK_FAILED')!;
  assert.equal(update['appId'], '/a');
  assert.deepEqual(update['ports'], [31000]);
});

test('killed tasks do not grow the delay; decommissioned instances are forgotten; unknown and stale updates are flagged', () => {
  const t = setup();
  t.state.putApp(app({ id: 'a' }));
  t.tracker.schedule(t.state.apps.get('/a')!, 2);
  const one = launch(t);
  const two = launch(t);
  t.tracker.update(status(one.task!.taskId, 'TASK_KILLED'));
  assert.equal(t.state.delays.get('/a'), undefined);
  assert.equal(t.state.lastTaskFailures.get('/a'), undefined);
  assert.ok(t.tracker.decommission(t.state.instances.get(two.instanceId)!));
  const gone = t.tracker.update(status(two.task!.taskId, 'TASK_KILLED'));
  assert.ok(gone.terminal && !gone.rescheduled);
  assert.equal(t.state.instances.has(two.instanceId), false);
  assert.ok(t.tracker.update(status('other.instance-zz._app.1', 'TASK_RUNNING')).unknown);
  assert.ok(t.tracker.update(status(`${one.instanceId}._app.9`, 'TASK_RUNNING')).unknown);
  // A queued instance is dropped at once when decommissioned.
  const [queued] = t.tracker.scheduled();
  assert.equal(t.tracker.decommission(queued!), false);
  assert.equal(t.state.instances.has(queued!.instanceId), false);
});

test('lost tasks: unreachable (agent gone) stays; other reasons are terminal', () => {
  const t = setup();
  t.state.putApp(app({ id: 'a' }));
  t.tracker.schedule(t.state.apps.get('/a')!, 1);
  const inst = launch(t);
  const unreachable = t.tracker.update(status(inst.task!.taskId, 'TASK_LOST', { reason: 'REASON_AGENT_REMOVED' }));
  assert.equal(unreachable.instance?.condition, 'Unreachable');
  assert.equal(unreachable.terminal, false);
  const gone = t.tracker.update(status(inst.task!.taskId, 'TASK_GONE'));
  assert.ok(gone.rescheduled);
});

test('an instance given up on stays inactive when reconciliation says unreachable again; it reports running when it returns', () => {
  const t = setup();
  t.state.putApp(app({ id: 'a' }));
  t.tracker.schedule(t.state.apps.get('/a')!, 1);
  const inst = launch(t);
  t.tracker.update(status(inst.task!.taskId, 'TASK_UNREACHABLE'));
  t.tracker.markInactive(t.state.instances.get(inst.instanceId)!);
  const echo = t.tracker.update(status(inst.task!.taskId, 'TASK_UNREACHABLE', { reason: 'REASON_RECONCILIATION' }));
  assert.equal(echo.instance?.condition, 'UnreachableInactive');
  assert.equal(t.state.instances.get(inst.instanceId)?.condition, 'UnreachableInactive');
  const back = t.tracker.update(status(inst.task!.taskId, 'TASK_RUNNING', { reason: 'REASON_AGENT_REREGISTERED' }));
  assert.equal(back.previous, 'UnreachableInactive');
  assert.equal(back.instance?.condition, 'Running');
  assert.equal(back.instance?.goal, 'Decommissioned', 'replaced: still to be killed');
});

test('plans: stops, then starts, then changes by dependency layer; scale-only vs restart', () => {
  const v = '2024-01-01T00:00:00.000Z';
  const db = app({ id: '/db' }, v);
  const web = app({ id: '/web', dependencies: ['/db'] }, v);
  const old = app({ id: '/old' }, v);
  const plan = buildPlan('p', 'v', new Map([['/old', old]]), new Map([['/db', db], ['/web', web]]));
  assert.deepEqual(plan.steps, [
    { actions: [{ action: 'StopApplication', app: '/old' }] },
    { actions: [{ action: 'StartApplication', app: '/db' }, { action: 'StartApplication', app: '/web' }] },
    { actions: [{ action: 'ScaleApplication', app: '/db' }] },
    { actions: [{ action: 'ScaleApplication', app: '/web' }] },
  ]);
  assert.deepEqual(plan.affectedApps, ['/db', '/old', '/web']);
  const scaled = { ...db, instances: 5, version: 'v2', versionInfo: { ...db.versionInfo, lastScalingAt: 'v2' } };
  assert.deepEqual(buildPlan('p', 'v', new Map([['/db', db]]), new Map([['/db', scaled]])).steps, [{ actions: [{ action: 'ScaleApplication', app: '/db' }] }]);
  const changed = { ...db, cmd: 'other' };
  assert.deepEqual(buildPlan('p', 'v', new Map([['/db', db]]), new Map([['/db', changed]])).steps, [{ actions: [{ action: 'RestartApplication', app: '/db' }] }]);
  assert.deepEqual(buildPlan('p', 'v', new Map([['/db', db]]), new Map([['/db', db]])).steps, []);
});

test('dependency depths: group dependencies expand to the apps under the group; cycles are refused', () => {
  const a = app({ id: '/g/a' });
  const b = app({ id: '/h/b', dependencies: ['/g'] });
  const depths = dependencyDepths([a, b]);
  assert.equal(depths.get('/g/a'), 0);
  assert.equal(depths.get('/h/b'), 1);
  assert.equal(dependencyDepths([a, app({ id: '/h/b' })], (id) => (id === '/h/b' ? ['/g'] : [])).get('/h/b'), 1);
  assert.throws(() => dependencyDepths([app({ id: '/x', dependencies: ['/y'] }), app({ id: '/y', dependencies: ['/x'] })]), DependencyCycleError);
});

test('label selectors', () => {
  const labels = { tier: 'front', 'my.key': 'a b' };
  assert.ok(matchesLabels(parseLabelSelector('tier'), labels));
  assert.ok(matchesLabels(parseLabelSelector('tier==front'), labels));
  assert.ok(!matchesLabels(parseLabelSelector('tier!=front'), labels));
  assert.ok(!matchesLabels(parseLabelSelector('missing!=x'), labels));
  assert.ok(matchesLabels(parseLabelSelector('tier in (back, front)'), labels));
  assert.ok(matchesLabels(parseLabelSelector('tier notin (back)'), labels));
  assert.ok(matchesLabels(parseLabelSelector('my.key==a\\ b,tier'), labels));
  assert.throws(() => parseLabelSelector('a b'), LabelSelectorError);
  assert.throws(() => parseLabelSelector('tier==(x'), LabelSelectorError);
});

test('health probes: HTTP status classes, TCP connect, refused ports', async () => {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/ok' ? 200 : req.url === '/redirect' ? 302 : 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const check = (fields: Partial<HealthCheckSpec>): HealthCheckSpec => ({ ...HEALTH_CHECK_DEFAULTS, timeoutSeconds: 2, ...fields });
  try {
    assert.equal(await probe(check({ protocol: 'HTTP', path: '/ok' }), '127.0.0.1', port), undefined);
    assert.equal(await probe(check({ protocol: 'HTTP', path: '/redirect' }), '127.0.0.1', port), undefined);
    assert.match((await probe(check({ protocol: 'HTTP', path: '/bad' }), '127.0.0.1', port))!, /^503/);
    assert.equal(await probe(check({ protocol: 'TCP' }), '127.0.0.1', port), undefined);
  } finally {
    await new Promise((r) => server.close(r));
  }
  assert.ok(await probe(check({ protocol: 'TCP' }), '127.0.0.1', port));
  assert.ok(await probe(check({ protocol: 'HTTP' }), '127.0.0.1', port));
});
