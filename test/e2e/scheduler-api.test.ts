/**
 * The scheduler API of a real `meseta local`, driven over raw HTTP: launches,
 * sandboxes, validation errors, bad calls, framework failover and the memory limit.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupDirs, getJson, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';

interface StateTask {
  id: string;
  state: string;
}
interface StateFramework {
  id: string;
  tasks: StateTask[];
  completed_tasks: StateTask[];
}

describe('scheduler API on meseta local', () => {
  let cluster: LocalCluster;
  const schedulers: RawScheduler[] = [];
  const scheduler = (): RawScheduler => {
    const s = new RawScheduler(cluster.url);
    schedulers.push(s);
    return s;
  };

  // A framework holds the offers it neither used nor declined; with one agent the
  // next test would get none, so each test's frameworks leave when it ends.
  afterEach(() => {
    for (const s of schedulers) s.close();
  });
  before(async () => {
    cluster = await startLocal({ flags: ['--resources=cpus:4;mem:2048;disk:4096;ports:[31000-32000]'] });
  });
  after(async () => {
    for (const s of schedulers) s.close();
    await stopAll();
    cleanupDirs();
  });

  it('runs a command task to TASK_FINISHED with its output in the sandbox', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'finisher' });
    const [offer] = await s.offers();
    assert.equal(offer.hostname, '127.0.0.1');
    assert.ok(offer.resources.some((r) => r.name === 'cpus'));
    await s.launch(offer, [commandTask(offer, 'hello-1', 'echo hello from meseta; echo oops >&2')]);
    const starting = await s.update('hello-1', 'TASK_STARTING');
    assert.ok(starting.uuid, 'agent updates carry a uuid');
    await s.update('hello-1', 'TASK_RUNNING');
    const finished = await s.update('hello-1', 'TASK_FINISHED');
    assert.equal(finished.agent_id?.value, offer.agent_id.value);

    const runs = join(cluster.workDir, 'agents', '0', 'slaves', offer.agent_id.value, 'frameworks', s.frameworkId, 'executors', 'hello-1', 'runs');
    const latest = join(runs, 'latest');
    assert.ok(existsSync(latest), `${latest} exists`);
    assert.ok(readlinkSync(latest).length > 0);
    assert.match(readFileSync(join(latest, 'stdout'), 'utf8'), /hello from meseta/);
    assert.match(readFileSync(join(latest, 'stderr'), 'utf8'), /oops/);

    const state = await getJson<{ frameworks: StateFramework[] }>(`${cluster.url}/master/state`);
    const fw = state.frameworks.find((f) => f.id === s.frameworkId)!;
    await waitFor('task in completed_tasks', async () => {
      const st = await getJson<{ frameworks: StateFramework[] }>(`${cluster.url}/master/state`);
      return st.frameworks.find((f) => f.id === s.frameworkId)!.completed_tasks.some((t) => t.id === 'hello-1' && t.state === 'TASK_FINISHED');
    });
    assert.ok(fw);
  });

  it('tags offers with their allocation role for MULTI_ROLE frameworks only', async () => {
    const multi = scheduler();
    await multi.subscribe({ name: 'multi-role', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] });
    const [tagged] = await multi.offers();
    assert.deepEqual(tagged.allocation_info, { role: 'web' });
    assert.ok(tagged.resources.length > 0);
    for (const r of tagged.resources) assert.deepEqual(r.allocation_info, { role: 'web' }, JSON.stringify(r));
    multi.close();
    const single = scheduler();
    await single.subscribe({ name: 'single-role' });
    const [plain] = await single.offers();
    assert.equal(plain.allocation_info, undefined);
    assert.ok(plain.resources.length > 0);
    for (const r of plain.resources) assert.equal(r.allocation_info, undefined, JSON.stringify(r));
  });

  it('reports a failing command as TASK_FAILED with its exit status', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'failer' });
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'fail-1', 'exit 3')]);
    const failed = await s.update('fail-1', 'TASK_FAILED');
    assert.match(failed.message ?? '', /exited with status 3/);
  });

  it('rejects invalid tasks with TASK_ERROR and keeps serving', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'invalid' });
    const [offer] = await s.offers();
    await s.launch(offer, [
      commandTask(offer, 'too-big', 'true', 1000, 32),
      { ...commandTask(offer, 'no-resources', 'true'), resources: [] },
      { ...commandTask(offer, 'bad/id', 'true') },
    ]);
    const tooBig = await s.update('too-big', 'TASK_ERROR');
    assert.equal(tooBig.reason, 'REASON_TASK_INVALID');
    assert.match(tooBig.message ?? '', /more resources/);
    assert.match((await s.update('no-resources', 'TASK_ERROR')).message ?? '', /no resources/);
    assert.equal((await s.update('bad/id', 'TASK_ERROR')).reason, 'REASON_TASK_INVALID');
    // A rescinded/used offer id is invalid: the task is LOST with REASON_INVALID_OFFERS.
    await s.launch(offer, [commandTask(offer, 'stale-offer', 'true')]);
    assert.equal((await s.update('stale-offer', 'TASK_LOST')).reason, 'REASON_INVALID_OFFERS');
  });

  it('answers malformed calls with 4xx and Mesos messages', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${cluster.url}/api/v1/scheduler`, { method: 'POST', body, headers });
    let r = await post('{not json', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Failed to parse body into JSON/);
    r = await post('{}', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 415);
    r = await post('{}', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Expecting 'type' to be present/);
    r = await post(JSON.stringify({ type: 'DECLINE', framework_id: { value: 'nope' }, decline: {} }), { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Mesos-Stream-Id/);
    r = await post(JSON.stringify({ type: 'DECLINE', framework_id: { value: 'nope' }, decline: {} }), {
      'Content-Type': 'application/json',
      'Mesos-Stream-Id': 'x',
    });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Framework cannot be found/);
    r = await fetch(`${cluster.url}/api/v1/scheduler`);
    assert.equal(r.status, 405);
    // A subscribed framework with a wrong stream id.
    const s = scheduler();
    await s.subscribe({ name: 'wrong-stream' });
    r = await post(JSON.stringify({ type: 'REVIVE', framework_id: { value: s.frameworkId } }), {
      'Content-Type': 'application/json',
      'Mesos-Stream-Id': 'not-the-stream',
    });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /didn't match the stream ID/);
    // An invalid FrameworkInfo is an ERROR event on a 200 stream.
    const bad = scheduler();
    await assert.rejects(bad.subscribe({ name: 'bad-roles', roles: ['a'] } as never));
    const error = await bad.next('ERROR');
    assert.match(JSON.stringify(error), /MULTI_ROLE/);
    // The master still serves.
    const health = await fetch(`${cluster.url}/health`);
    assert.equal(health.status, 200);
  });

  it('keeps tasks of a framework that fails over within failover_timeout, kills them after it', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'failover', failover_timeout: 30 });
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'long-1', 'sleep 120')]);
    await s.update('long-1', 'TASK_RUNNING');
    s.close();
    await waitFor('framework disconnected', async () => {
      const st = await getJson<{ frameworks: Array<StateFramework & { connected: boolean }> }>(`${cluster.url}/master/state`);
      return st.frameworks.find((f) => f.id === s.frameworkId)?.connected === false;
    });
    // Fail over with the same id: the task is still there and running.
    const again = scheduler();
    await again.subscribe({ name: 'failover', failover_timeout: 1, id: { value: s.frameworkId } });
    assert.equal(again.frameworkId, s.frameworkId);
    await again.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    const reconciled = await again.next('UPDATE', (e) => JSON.stringify(e).includes('REASON_RECONCILIATION'));
    assert.equal((reconciled.update as { status: { state: string } }).status.state, 'TASK_RUNNING');
    // Now go away for longer than the (new) 1 s failover timeout: the task is killed.
    again.close();
    await waitFor('framework removed and its task killed', async () => {
      const st = await getJson<{ completed_frameworks: StateFramework[] }>(`${cluster.url}/master/state`);
      const fw = st.completed_frameworks.find((f) => f.id === s.frameworkId);
      return fw?.completed_tasks.some((t) => t.id === 'long-1' && t.state === 'TASK_KILLED');
    });
    // A removed framework cannot come back.
    const late = scheduler();
    await assert.rejects(late.subscribe({ name: 'failover', id: { value: s.frameworkId } }));
    assert.match(JSON.stringify(await late.next('ERROR')), /Framework has been removed/);
  });

  it('kills a task on request: TASK_KILLED', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'killer' });
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'victim', 'sleep 300')]);
    await s.update('victim', 'TASK_RUNNING');
    assert.equal(await s.call({ type: 'KILL', kill: { task_id: { value: 'victim' } } }), 202);
    await s.update('victim', 'TASK_KILLED');
  });
});
