/**
 * The REST API through `inject()` (no socket, no master): status codes,
 * headers and bodies of apps, versions, partial updates, locks, restarts,
 * groups, queue, deployments, tasks, errors. The launcher is built but never
 * subscribes, so instances stay queued.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/coordination/sqlite-store.js';
import { createLogger } from '../../../src/logging/logger.js';
import { assembleMarathon, type AssembledMarathon } from '../../../src/marathon/start-marathon.js';
import { MarathonState } from '../../../src/marathon/marathon-state.js';
import { MarathonStore } from '../../../src/marathon/marathon-store.js';
import { sseFrame } from '../../../src/marathon/http/events-route.js';
import { BASIC_0, NGINX } from './seed-apps.js';

let m: AssembledMarathon;
let store: SqliteStore;
let clock = 1_700_000_000_000;

beforeEach(async () => {
  store = new SqliteStore(':memory:');
  const state = new MarathonState(new MarathonStore(store), (e) => assert.fail(e));
  await state.load();
  m = assembleMarathon(
    { master: '127.0.0.1:1', httpPort: 8080, hostname: 'm1', store, logger: createLogger('test', { quiet: true }), clock: { now: () => clock }, random: () => 0 },
    state,
  );
});

afterEach(async () => {
  m.deployments.stop();
  await new Promise((r) => setImmediate(r));
  await m.state.flush();
  await store.close();
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await m.server.inject({
    method,
    url,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, headers: res.headers, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {}, body: res.body };
}

test('POST /v2/apps: 201, Location, deployment id, defaults, service port, leader header', async () => {
  const r = await call('POST', '/v2/apps', BASIC_0, { host: 'm1:8080' });
  assert.equal(r.status, 201);
  assert.equal(r.headers['location'], 'http://m1:8080/v2/apps/basic-0');
  assert.ok(r.headers['marathon-deployment-id']);
  assert.equal(r.headers['x-marathon-leader'], 'http://m1:8080');
  assert.equal(r.json['id'], '/basic-0');
  assert.equal(r.json['version'], new Date(clock).toISOString());
  assert.deepEqual(r.json['portDefinitions'], [{ port: 10000, protocol: 'tcp', name: 'default', labels: {} }]);
  assert.deepEqual(r.json['deployments'], [{ id: r.headers['marathon-deployment-id'] }]);
  assert.equal(r.json['tasksRunning'], 0);
  const again = await call('POST', '/v2/apps', { id: 'other', cmd: 'x' });
  assert.deepEqual(again.json['portDefinitions'], [{ port: 10001, protocol: 'tcp', name: 'default', labels: {} }]);
});

test('the seeds\' Docker apps are accepted and queued; GET shows the bridge mapping with a service port', async () => {
  const r = await call('POST', '/v2/apps', NGINX);
  assert.equal(r.status, 201);
  const got = await call('GET', '/v2/apps/nginx');
  const app = got.json['app'] as Record<string, unknown>;
  assert.deepEqual((app['container'] as { portMappings: unknown[] }).portMappings, [{ containerPort: 80, hostPort: 0, servicePort: 10000, protocol: 'tcp', labels: {} }]);
  assert.deepEqual(app['networks'], [{ mode: 'container/bridge' }]);
  assert.deepEqual(app['tasks'], []);
  m.deployments.tick();
  const queue = await call('GET', '/v2/queue');
  const items = queue.json['queue'] as Array<Record<string, unknown>>;
  assert.equal(items.length, 1);
  assert.equal(items[0]!['count'], 1);
  assert.deepEqual(items[0]!['delay'], { timeLeftSeconds: 0, overdue: true });
});

test('GET /v2/apps filters by id, cmd and label; a bad label selector is 422', async () => {
  await call('POST', '/v2/apps', { id: '/prod/web', cmd: 'python3 -m http.server', labels: { tier: 'front', team: 'a' } });
  await call('POST', '/v2/apps', { id: '/prod/db', cmd: 'postgres', labels: { tier: 'back' } });
  const ids = async (q: string): Promise<string[]> => ((await call('GET', `/v2/apps${q}`)).json['apps'] as Array<{ id: string }>).map((a) => a.id);
  assert.deepEqual(await ids(''), ['/prod/db', '/prod/web']);
  assert.deepEqual(await ids('?id=WEB'), ['/prod/web']);
  assert.deepEqual(await ids('?cmd=postgres'), ['/prod/db']);
  assert.deepEqual(await ids('?label=tier==front'), ['/prod/web']);
  assert.deepEqual(await ids('?label=tier%20in%20(front,back),team'), ['/prod/web']);
  assert.deepEqual(await ids('?label=tier!=front'), ['/prod/db']);
  assert.equal((await call('GET', '/v2/apps?label=a%20b%20c')).status, 422);
  const listed = (await call('GET', '/v2/apps?embed=apps.tasks')).json['apps'] as Array<Record<string, unknown>>;
  assert.ok('tasks' in listed[0]! && 'tasksRunning' in listed[0]!);
  const group = await call('GET', '/v2/apps/prod/*');
  assert.equal((group.json['*'] as unknown[]).length, 2);
});

test('PUT partial update keeps other fields; only instances changed → ScaleApplication, else RestartApplication', async () => {
  await call('POST', '/v2/apps', { id: 'a', cmd: 'sleep 1', mem: 64, env: { A: '1' } });
  m.deployments.list().forEach((d) => m.deployments.cancel(d.plan.id));
  clock += 1000;
  const scaled = await call('PUT', '/v2/apps/a', { instances: 3 });
  assert.equal(scaled.status, 200);
  assert.deepEqual(Object.keys(scaled.json).sort(), ['deploymentId', 'version']);
  const d1 = m.deployments.get(String(scaled.json['deploymentId']))!;
  assert.deepEqual(d1.plan.steps, [{ actions: [{ action: 'ScaleApplication', app: '/a' }] }]);
  const app = ((await call('GET', '/v2/apps/a')).json['app']) as Record<string, unknown>;
  assert.equal(app['instances'], 3);
  assert.equal(app['mem'], 64);
  assert.deepEqual(app['env'], { A: '1' });
  const info = app['versionInfo'] as { lastScalingAt: string; lastConfigChangeAt: string };
  assert.notEqual(info.lastScalingAt, info.lastConfigChangeAt);
  // Locked by the running deployment.
  const locked = await call('PUT', '/v2/apps/a', { cmd: 'sleep 2' });
  assert.equal(locked.status, 409);
  assert.deepEqual(locked.json['deployments'], [{ id: d1.plan.id }]);
  const forced = await call('PUT', '/v2/apps/a?force=true', { cmd: 'sleep 2' });
  assert.equal(forced.status, 200);
  assert.deepEqual(m.deployments.get(String(forced.json['deploymentId']))!.plan.steps, [{ actions: [{ action: 'RestartApplication', app: '/a' }] }]);
  assert.equal(m.deployments.get(d1.plan.id), undefined);
  // Full replacement: absent fields go back to defaults.
  const full = await call('PUT', '/v2/apps/a?force=true&partialUpdate=false', { cmd: 'sleep 3' });
  assert.equal(full.status, 200);
  const replaced = (await call('GET', '/v2/apps/a')).json['app'] as Record<string, unknown>;
  assert.equal(replaced['mem'], 128);
  assert.deepEqual(replaced['env'], {});
});

test('PUT creates a missing app with 201; versions are listed and readable; rollback by version', async () => {
  const created = await call('PUT', '/v2/apps/fresh', { cmd: 'sleep 1' });
  assert.equal(created.status, 201);
  const v1 = String(created.json['version']);
  clock += 1000;
  await call('PUT', '/v2/apps/fresh?force=true', { cmd: 'sleep 2' });
  const versions = (await call('GET', '/v2/apps/fresh/versions')).json['versions'] as string[];
  assert.equal(versions.length, 2);
  assert.ok(versions.includes(v1));
  const old = await call('GET', `/v2/apps/fresh/versions/${v1}`);
  assert.equal(old.json['cmd'], 'sleep 1');
  assert.equal((await call('GET', '/v2/apps/fresh/versions/2000-01-01T00:00:00.000Z')).status, 404);
  clock += 1000;
  const rolled = await call('PUT', '/v2/apps/fresh?force=true', { version: v1 });
  assert.equal(rolled.status, 200);
  assert.equal(((await call('GET', '/v2/apps/fresh')).json['app'] as Record<string, unknown>)['cmd'], 'sleep 1');
  const mixed = await call('PUT', '/v2/apps/fresh?force=true', { version: v1, cmd: 'x' });
  assert.equal(mixed.status, 422);
});

test('restart, delete, tasks of an app; 404s', async () => {
  await call('POST', '/v2/apps', { id: 'a', cmd: 'sleep 1' });
  m.deployments.list().forEach((d) => m.deployments.cancel(d.plan.id));
  clock += 1000;
  const restarted = await call('POST', '/v2/apps/a/restart');
  assert.equal(restarted.status, 200);
  assert.ok(restarted.headers['marathon-deployment-id']);
  assert.equal((await call('POST', '/v2/apps/nope/restart')).status, 404);
  assert.deepEqual((await call('GET', '/v2/apps/a/tasks')).json, { tasks: [] });
  assert.equal((await call('DELETE', '/v2/apps/a/tasks/a.instance-x._app.1')).status, 404);
  assert.equal((await call('DELETE', '/v2/apps/a/tasks?scale=true&wipe=true')).status, 400);
  const deleted = await call('DELETE', '/v2/apps/a');
  assert.equal(deleted.status, 200);
  assert.equal((await call('GET', '/v2/apps/a')).status, 404);
  assert.deepEqual((await call('GET', '/v2/apps/a')).json, { message: "App '/a' does not exist" });
  assert.equal((await call('DELETE', '/v2/apps/a')).status, 404);
});

test('deployments list and cancel (202) or roll back', async () => {
  const created = await call('POST', '/v2/apps', { id: 'a', cmd: 'sleep 1' });
  const id = String(created.headers['marathon-deployment-id']);
  const list = (await call('GET', '/v2/deployments')).json as unknown as Array<Record<string, unknown>>;
  assert.equal(list.length, 1);
  assert.deepEqual(list[0]!['affectedApps'], ['/a']);
  assert.equal(list[0]!['totalSteps'], 2);
  assert.equal(list[0]!['currentStep'], 1);
  const rolled = await call('DELETE', `/v2/deployments/${id}`);
  assert.equal(rolled.status, 200);
  assert.ok(rolled.json['deploymentId']);
  // Rolling back a creation removes the app.
  assert.equal((await call('GET', '/v2/apps/a')).status, 404);
  const other = await call('POST', '/v2/apps', { id: 'b', cmd: 'sleep 1' });
  const cancelled = await call('DELETE', `/v2/deployments/${String(other.headers['marathon-deployment-id'])}?force=true`);
  assert.equal(cancelled.status, 202);
  assert.equal((await call('DELETE', '/v2/deployments/nope')).status, 404);
});

test('groups: POST creates apps with relative ids, GET renders the tree, scaleBy, DELETE stops the subtree', async () => {
  const created = await call('POST', '/v2/groups', {
    id: 'shop',
    apps: [
      { id: 'db', cmd: 'sleep 1' },
      { id: 'web', cmd: 'sleep 1', dependencies: ['db'], instances: 2 },
    ],
    groups: [{ id: 'tools', apps: [{ id: 'cron', cmd: 'sleep 1' }] }],
  });
  assert.equal(created.status, 201);
  assert.match(String(created.headers['location']), /\/v2\/groups\/shop$/);
  const plan = m.deployments.get(String(created.json['deploymentId']))!.plan;
  // db before web (dependency), cron with db (no dependencies).
  assert.deepEqual(plan.steps.map((s) => s.actions.map((a) => `${a.action} ${a.app}`)), [
    ['StartApplication /shop/db', 'StartApplication /shop/tools/cron', 'StartApplication /shop/web'],
    ['ScaleApplication /shop/db', 'ScaleApplication /shop/tools/cron'],
    ['ScaleApplication /shop/web'],
  ]);
  assert.equal((await call('POST', '/v2/groups', { id: 'shop' })).status, 409);
  const tree = (await call('GET', '/v2/groups/shop')).json;
  assert.deepEqual((tree['apps'] as Array<{ id: string }>).map((a) => a.id), ['/shop/db', '/shop/web']);
  assert.deepEqual((tree['groups'] as Array<{ id: string }>).map((g) => g.id), ['/shop/tools']);
  const root = (await call('GET', '/v2/groups?embed=group.groups')).json;
  assert.equal(root['id'], '/');
  assert.ok(!('apps' in root));
  const scaled = await call('PUT', '/v2/groups/shop?force=true', { scaleBy: 2 });
  assert.equal(scaled.status, 200);
  assert.equal(((await call('GET', '/v2/apps/shop/web')).json['app'] as { instances: number }).instances, 4);
  const bad = await call('POST', '/v2/groups', { id: 'x', apps: [{ id: '/elsewhere/app', cmd: 'sleep 1' }] });
  assert.equal(bad.status, 422);
  const removed = await call('DELETE', '/v2/groups/shop?force=true');
  assert.equal(removed.status, 200);
  assert.deepEqual((await call('GET', '/v2/apps')).json, { apps: [] });
  assert.equal((await call('GET', '/v2/groups/shop')).status, 404);
  const cycle = await call('POST', '/v2/groups', { id: 'c', apps: [{ id: 'a', cmd: 'x', dependencies: ['b'] }, { id: 'b', cmd: 'x', dependencies: ['a'] }] });
  assert.equal(cycle.status, 422);
});

test('errors: unparseable JSON is 400 with a string detail; unknown routes 404; ping, info, metrics', async () => {
  const r = await call('POST', '/v2/apps', '{"id":');
  assert.equal(r.status, 400);
  assert.equal(r.json['message'], 'Invalid JSON');
  assert.equal(typeof r.json['details'], 'string');
  assert.equal((await call('GET', '/v2/nothing')).status, 404);
  const ping = await m.server.inject({ method: 'GET', url: '/ping' });
  assert.equal(ping.body, 'pong');
  const info = (await call('GET', '/v2/info')).json;
  assert.equal(info['name'], 'marathon');
  assert.equal(info['leader'], 'm1:8080');
  assert.equal((info['marathon_config'] as Record<string, unknown>)['framework_name'], 'marathon');
  const metrics = (await call('GET', '/metrics')).json;
  assert.ok('marathon.apps.active.gauge' in (metrics['gauges'] as object));
  assert.equal((await call('DELETE', '/v2/queue/nope/delay')).status, 404);
  const tasks = await m.server.inject({ method: 'GET', url: '/v2/tasks', headers: { accept: 'text/plain' } });
  assert.equal(tasks.headers['content-type'], 'text/plain');
});

test('SSE framing is CRLF with one data line', () => {
  assert.equal(sseFrame({ eventType: 'x', timestamp: 't', a: 1 }), 'event: x\r\ndata: {"eventType":"x","timestamp":"t","a":1}\r\n\r\n');
});

test('state survives a reload from the Store: apps, versions, instances, framework id', async () => {
  await call('POST', '/v2/apps', { id: '/keep/me', cmd: 'sleep 1', instances: 2 });
  m.deployments.tick();
  m.state.setFrameworkId('fw-1');
  await m.state.flush();
  const again = new MarathonState(new MarathonStore(store), (e) => assert.fail(e));
  await again.load();
  assert.equal(again.frameworkId, 'fw-1');
  assert.deepEqual([...again.apps.keys()], ['/keep/me']);
  assert.equal(again.instancesOf('/keep/me').length, 2);
  assert.equal((await again.store.appVersions('/keep/me')).length, 1);
});
