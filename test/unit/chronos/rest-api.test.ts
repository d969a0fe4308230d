/**
 * The REST API through fastify's inject (no socket): job validation with
 * Chronos's 400/500 ApiResult bodies, job JSON defaults and field order, both
 * prefixes, search, summary, graph exports, stats, success marking.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createChronosApp } from '../../../src/chronos/http/routes.js';
import { CHRONOS_JOB_DEFAULTS } from '../../../src/chronos/job.js';
import { rig, type Rig } from './harness.js';

const NOW = Date.parse('2024-01-10T12:00:00Z');

async function api(): Promise<{ app: FastifyInstance; r: Rig }> {
  const r = await rig({ startMs: NOW });
  const app = createChronosApp({
    scheduler: r.scheduler,
    repository: r.repo,
    defaults: CHRONOS_JOB_DEFAULTS,
    clock: { now: r.time.now },
    leader: () => 'chronos-host:4400',
    counters: { iso8601Submissions: 0, dependencySubmissions: 0 },
  });
  return { app, r };
}

async function post(app: FastifyInstance, path: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await app.inject({ method: 'POST', url: path, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text: res.body };
}

test('job validation: Chronos status codes and ApiResult bodies', async () => {
  const { app, r } = await api();
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['/v1/scheduler/iso8601', '{"name": "x",', 400, /^Malformed JSON/],
    ['/v1/scheduler/iso8601', '', 400, /^Malformed JSON/],
    ['/v1/scheduler/iso8601', '[1,2]', 400, /must be an object/],
    ['/v1/scheduler/iso8601', { command: 'true', schedule: 'R//PT1S' }, 400, /name/],
    ['/v1/scheduler/iso8601', { name: 'bad name', schedule: 'R//PT1S' }, 400, /requirement failed: the job's name is invalid\. Allowed names: '\(\[\\w\\\.-\]\+\)'/],
    ['/v1/scheduler/iso8601', { name: 'j', schedule: 'every minute' }, 400, /^Cannot parse schedule 'every minute' \(wtf bro\)$/],
    ['/v1/scheduler/iso8601', { name: 'j', schedule: 'R/1960-01-01T00:00:00Z/P1D' }, 400, /^Scheduled start date '1960-01-01T00:00:00.000Z' is before 1970!$/],
    ['/v1/scheduler/iso8601', { name: 'j', schedule: 'R//P1D', uris: ['http://a'], fetch: [{ uri: 'http://b' }] }, 400, /^Tried to add both uri \(deprecated\) and fetch parameters on j$/],
    ['/v1/scheduler/iso8601', { name: 'j', schedule: 'R//P1D', container: { image: 'busybox', network: 'WEIRD' } }, 400, /network mode/],
    ['/v1/scheduler/dependency', { name: 'd', command: 'true' }, 500, /Error, parent does not exist/],
  ];
  for (const [path, body, status, message] of cases) {
    const res = await post(app, path, body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.text}`);
    const result = res.json as { message: string; status: string };
    assert.match(result.message, message);
    assert.equal(result.status, status === 400 ? 'Bad Request' : 'Internal Server Error');
  }
  assert.equal(r.repo.all().length, 0);
  // Updates: an existing dependent job with empty parents → 400.
  assert.equal((await post(app, '/v1/scheduler/iso8601', { name: 'p', schedule: 'R//P1D' })).status, 204);
  assert.equal((await post(app, '/v1/scheduler/dependency', { name: 'd', parents: ['p'] })).status, 204);
  const empty = await post(app, '/v1/scheduler/dependency', { name: 'd', parents: [] });
  assert.equal(empty.status, 400);
  assert.match((empty.json as { message: string }).message, /requirement failed: Error, parent does not exist/);
  // Cycles are refused.
  const cycle = await post(app, '/v1/scheduler/dependency', { name: 'p', parents: ['d'] });
  assert.equal(cycle.status, 400);
  assert.match((cycle.json as { message: string }).message, /cycle: p -> d -> p/);
  r.scheduler.stop();
});

test('job JSON: defaults, lenient numbers, field order, both prefixes', async () => {
  const { app, r } = await api();
  const res = await post(app, '/scheduler/iso8601', {
    name: 'dockerjob',
    schedule: 'R/2024-01-01T00:00:00Z/PT2M',
    command: 'date',
    cpus: '0.5',
    mem: 0,
    constraints: [['rack', 'EQUALS', 'r1'], ['host', 'GROUP_BY', 'x']],
    container: { type: 'docker', image: 'busybox', network: 'BRIDGE', forcePullImage: true, volumes: [{ containerPath: '/var/log', hostPath: '/logs', mode: 'rw' }] },
    unknownField: 1,
  });
  assert.equal(res.status, 204, res.text);
  const got = await app.inject({ method: 'GET', url: '/v1/scheduler/job/dockerjob' });
  assert.equal(got.statusCode, 200);
  const job = got.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(job), [
    'name', 'command', 'shell', 'executor', 'executorFlags', 'taskInfoData', 'retries', 'owner', 'ownerName', 'description',
    'successCount', 'errorCount', 'lastSuccess', 'lastError', 'cpus', 'disk', 'mem', 'disabled', 'softError',
    'dataProcessingJobType', 'errorsSinceLastSuccess', 'fetch', 'uris', 'environmentVariables', 'arguments', 'highPriority',
    'runAsUser', 'concurrent', 'maxCompletionTime', 'container', 'constraints', 'schedule', 'scheduleTimeZone',
  ]);
  assert.equal(job['cpus'], 0.5);
  assert.equal(job['mem'], 128);
  assert.equal(job['disk'], 256);
  assert.equal(job['retries'], 2);
  assert.equal(job['shell'], true);
  assert.equal(job['runAsUser'], 'root');
  assert.deepEqual(job['constraints'], [['rack', 'EQUALS', 'r1']]);
  assert.deepEqual(job['container'], {
    type: 'DOCKER', image: 'busybox', network: 'BRIDGE', networkInfos: [],
    volumes: [{ hostPath: '/logs', containerPath: '/var/log', mode: 'RW' }], forcePullImage: true, parameters: [],
  });
  const missing = await app.inject({ method: 'GET', url: '/v1/scheduler/job/nope' });
  assert.equal(missing.statusCode, 400);
  assert.match((missing.json() as { message: string }).message, /Job 'nope' not found/);
  // A body without schedule: once, now.
  assert.equal((await post(app, '/v1/scheduler/iso8601', { name: 'once', command: 'true' })).status, 204);
  assert.equal(r.repo.get('once')!.schedule, 'R1/2024-01-10T12:00:00.000Z/PT24H');
  r.scheduler.stop();
});

test('jobs, search, summary, graph, leader, ping, success, delete, kill', async () => {
  const { app, r } = await api();
  await post(app, '/v1/scheduler/iso8601', { name: 'alpha', command: 'echo one', schedule: 'R//PT1H', uris: ['http://x/y'] });
  await post(app, '/v1/scheduler/iso8601', { name: 'beta', command: 'echo two', schedule: 'R//PT1H' });
  await post(app, '/v1/scheduler/dependency', { name: 'gamma', command: 'report', parents: ['alpha', 'beta'] });

  const jobs = (await app.inject({ url: '/v1/scheduler/jobs' })).json() as Array<Record<string, unknown>>;
  assert.deepEqual(jobs.map((j) => j['name']), ['alpha', 'beta', 'gamma']);
  assert.deepEqual(jobs[0]!['fetch'], [{ uri: 'http://x/y', executable: false, cache: false, extract: true }]);

  const search = async (q: string): Promise<string[]> =>
    ((await app.inject({ url: `/v1/scheduler/jobs/search?${q}` })).json() as Array<{ name: string }>).map((j) => j.name);
  assert.deepEqual(await search('name=ALP'), ['alpha']);
  assert.deepEqual(await search('command=echo'), ['alpha', 'beta']);
  assert.deepEqual(await search('name=zzz&any=report'), ['gamma']);
  assert.deepEqual(await search('limit=1&offset=1'), ['beta']);

  const summary = (await app.inject({ url: '/v1/scheduler/jobs/summary' })).json() as { jobs: Array<Record<string, unknown>> };
  assert.deepEqual(summary.jobs.find((j) => j['name'] === 'gamma'), { name: 'gamma', status: 'fresh', state: 'idle', schedule: '', parents: ['alpha', 'beta'], disabled: false });

  const csv = (await app.inject({ url: '/v1/scheduler/graph/csv' })).body;
  assert.equal(csv, 'node,alpha,fresh,idle\nnode,beta,fresh,idle\nnode,gamma,fresh,idle\nlink,alpha,gamma\nlink,beta,gamma\n');
  const dot = (await app.inject({ url: '/scheduler/graph/dot' })).body;
  assert.equal(dot, 'digraph G {\n  1 [ label="alpha" ];\n  2 [ label="beta" ];\n  3 [ label="gamma" ];\n  1 -> 3;\n  2 -> 3;\n}\n');

  assert.deepEqual((await app.inject({ url: '/v1/scheduler/leader' })).json(), { leader: 'chronos-host:4400' });
  assert.equal((await app.inject({ url: '/ping' })).body, 'pong');
  const metrics = (await app.inject({ url: '/metrics' })).json() as Record<string, unknown>;
  assert.ok(metrics['gauges'] && metrics['counters']);

  const marked = await app.inject({ method: 'PUT', url: '/v1/scheduler/job/success/alpha' });
  assert.equal(marked.statusCode, 200);
  assert.equal(marked.body, 'marked job alpha as successful: true');
  assert.equal((await app.inject({ method: 'PUT', url: '/v1/scheduler/job/success/ghost' })).body, 'marked job ghost as successful: false');
  assert.equal(r.repo.get('alpha')!.successCount, 1);

  assert.equal((await app.inject({ method: 'PUT', url: '/v1/scheduler/job/beta?arguments=x' })).statusCode, 204);
  assert.equal((await app.inject({ method: 'PUT', url: '/v1/scheduler/job/ghost' })).statusCode, 400);
  assert.equal((await app.inject({ method: 'DELETE', url: '/v1/scheduler/task/kill/beta' })).statusCode, 204);
  assert.equal((await app.inject({ method: 'DELETE', url: '/v1/scheduler/task/kill/ghost' })).statusCode, 400);

  const stat = (await app.inject({ url: '/v1/scheduler/job/stat/alpha' })).json() as { histogram: Record<string, number>; taskStatHistory: unknown[] };
  assert.deepEqual(Object.keys(stat.histogram).sort(), ['75thPercentile', '95thPercentile', '98thPercentile', '99thPercentile', 'count', 'mean', 'median']);
  assert.deepEqual((await app.inject({ url: '/v1/scheduler/stats/99thPercentile' })).json(), []);
  assert.equal((await app.inject({ url: '/v1/scheduler/stats/bogus' })).statusCode, 400);

  const del = await app.inject({ method: 'DELETE', url: '/v1/scheduler/job/alpha' });
  assert.equal(del.statusCode, 204);
  assert.deepEqual(r.repo.get('gamma')!.schedule !== undefined, true, 'child of a deleted scheduled job becomes scheduled');
  const delMissing = await app.inject({ method: 'DELETE', url: '/v1/scheduler/job/alpha' });
  assert.equal(delMissing.statusCode, 400);
  assert.match((delMissing.json() as { message: string }).message, /JobSchedule 'alpha' not found/);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/scheduler/jobs' })).headers['access-control-allow-origin'], '*');
  r.scheduler.stop();
});
