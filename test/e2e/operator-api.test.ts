/**
 * The master's operator surface on a real cluster holding running, finished,
 * failed and killed tasks: classic endpoint shapes (Mesos field names), the
 * operator API v1 with its SUBSCRIBE stream, MARK_AGENT_GONE, and bad calls.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { openStream } from '../../src/transport/stream-client.js';
import { cleanupDirs, getJson, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';
import { normalizeResources } from '../../src/mesos/resources.js';
import type { Resource } from '../../src/mesos/types.js';

type Json = Record<string, unknown>;

async function operator(url: string, body: Json): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}

function assertKeys(object: Json, keys: string[], what: string): void {
  for (const key of keys) assert.ok(key in object, `${what} has '${key}'`);
}

describe('operator surface', () => {
  let cluster: LocalCluster;
  let scheduler: RawScheduler;
  const events: Json[] = [];
  let closeStream: (() => void) | undefined;

  before(async () => {
    cluster = await startLocal({ flags: ['--resources=cpus:4;mem:2048;disk:1024;ports:[31000-31100]', '--weights=ops=2'] });
    const stream = await openStream(`${cluster.url}/api/v1`, { type: 'SUBSCRIBE' }, { onEvent: (e) => events.push(e as Json), onClose: () => undefined });
    closeStream = stream.close;
    scheduler = new RawScheduler(cluster.url);
    await scheduler.subscribe({ name: 'ops', roles: ['ops'], capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }] });
    const [offer] = await scheduler.offers();
    await scheduler.launch(offer, [
      commandTask(offer, 'ok', 'true'),
      commandTask(offer, 'bad', 'exit 2'),
      commandTask(offer, 'long', 'sleep 300'),
      commandTask(offer, 'victim', 'sleep 300'),
    ]);
    await scheduler.update('ok', 'TASK_FINISHED');
    await scheduler.update('bad', 'TASK_FAILED');
    await scheduler.update('long', 'TASK_RUNNING');
    await scheduler.update('victim', 'TASK_RUNNING');
    await scheduler.call({ type: 'KILL', kill: { task_id: { value: 'victim' } } });
    await scheduler.update('victim', 'TASK_KILLED');
  });
  after(async () => {
    closeStream?.();
    scheduler?.close();
    await stopAll();
    cleanupDirs();
  });

  it("reports an agent's used and offered resources as its tasks and outstanding offers add up", async () => {
    type Summary = Record<string, number | string>;
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    // One snapshot: the agent's figures (per-agent sums) against the framework's tasks and offers.
    const check = (state: Json): { offeredCpus: number } => {
      const agent = (state.slaves as Json[])[0]!;
      const framework = (state.frameworks as Json[]).find((f) => f.name === 'ops')!;
      const offers = (framework.offers as Json[]).filter((o) => o.slave_id === agent.id);
      const tasks = (framework.tasks as Json[]).filter((t) => t.slave_id === agent.id);
      for (const name of ['cpus', 'mem']) {
        const offered = offers.reduce((n, o) => n + Number((o.resources as Summary)[name]), 0);
        const used = tasks.reduce((n, t) => n + Number((t.resources as Summary)[name]), 0);
        assert.equal((agent.offered_resources as Summary)[name], round(offered), `offered ${name}`);
        assert.equal((agent.used_resources as Summary)[name], round(used), `used ${name}`);
      }
      assert.equal((agent.used_resources as Summary).cpus, 0.1, 'the one running task');
      return { offeredCpus: Number((agent.offered_resources as Summary).cpus) };
    };
    const offered = await waitFor('an outstanding offer', async () => {
      const state = await getJson(`${cluster.url}/master/state`);
      return check(state).offeredCpus > 0 ? state : undefined;
    });
    const agentId = ((offered.slaves as Json[])[0]!).id as string;
    // The full list of /master/slaves is a normalized sum (one offer's list is passed through as is).
    const listed = ((await getJson(`${cluster.url}/master/slaves`)).slaves as Json[]).find((a) => a.id === agentId)!;
    const full = listed.offered_resources_full as Resource[];
    assert.ok(full.length > 0);
    assert.deepEqual(normalizeResources(full), full);
    // Every outstanding offer declined for a minute (resources of tasks that ended just
    // before may come in one more offer): the agent's offered resources drop to nothing.
    await waitFor('no offered resources', async () => {
      const state = await getJson(`${cluster.url}/master/state`);
      const ids = ((state.frameworks as Json[]).find((f) => f.name === 'ops')!.offers as Json[]).map((o) => ({ value: o.id as string }));
      if (ids.length > 0) {
        assert.equal(await scheduler.call({ type: 'DECLINE', decline: { offer_ids: ids, filters: { refuse_seconds: 60 } } }), 202);
        return undefined;
      }
      const slaves = await getJson(`${cluster.url}/master/slaves`);
      const agent = (slaves.slaves as Json[]).find((a) => a.id === agentId)!;
      assert.equal((agent.offered_resources as Summary).cpus, 0);
      assert.deepEqual(agent.offered_resources_full, []);
      return agent;
    });
    check(await getJson(`${cluster.url}/master/state`));
  });

  it('serves /master/state and friends with Mesos field names', async () => {
    const state = await getJson(`${cluster.url}/master/state`);
    assertKeys(state, ['version', 'id', 'pid', 'hostname', 'start_time', 'elected_time', 'leader', 'leader_info', 'flags', 'slaves', 'frameworks', 'completed_frameworks', 'activated_slaves', 'orphan_tasks', 'unregistered_frameworks'], 'state');
    const [agent] = state.slaves as Json[];
    assertKeys(agent, ['id', 'pid', 'hostname', 'resources', 'used_resources', 'offered_resources', 'reserved_resources', 'unreserved_resources', 'attributes', 'active', 'registered_time', 'version'], 'slave');
    assert.match(String(agent.pid), /^slave\(1\)@127\.0\.0\.1:\d+$/);
    const framework = (state.frameworks as Json[]).find((f) => f.name === 'ops')!;
    assertKeys(framework, ['id', 'name', 'roles', 'tasks', 'completed_tasks', 'offers', 'executors', 'used_resources', 'offered_resources', 'resources', 'capabilities', 'active', 'connected', 'registered_time'], 'framework');
    const completed = framework.completed_tasks as Json[];
    assert.deepEqual(completed.map((t) => t.state).sort(), ['TASK_FAILED', 'TASK_FINISHED', 'TASK_KILLED']);
    const running = (framework.tasks as Json[])[0];
    assertKeys(running, ['id', 'name', 'framework_id', 'executor_id', 'slave_id', 'state', 'resources', 'statuses', 'role'], 'task');
    assert.equal(running.role, 'ops');

    const summary = await getJson(`${cluster.url}/master/state-summary`);
    const summaryFramework = (summary.frameworks as Json[]).find((f) => f.name === 'ops')!;
    assert.equal(summaryFramework.TASK_RUNNING, 1);
    assert.equal(summaryFramework.TASK_FAILED, 1);

    const tasks = await getJson<{ tasks: Json[] }>(`${cluster.url}/master/tasks?limit=2&order=asc`);
    assert.equal(tasks.tasks.length, 2);
    const all = await getJson<{ tasks: Json[] }>(`${cluster.url}/master/tasks?limit=100`);
    assert.equal(all.tasks.length, 4);
    assert.equal((await fetch(`${cluster.url}/master/tasks?limit=abc`)).status, 400);

    const roles = await getJson<{ roles: Json[] }>(`${cluster.url}/master/roles`);
    const ops = roles.roles.find((r) => r.name === 'ops')!;
    assert.equal(ops.weight, 2);
    assert.deepEqual(ops.frameworks, [scheduler.frameworkId]);
    assertKeys(ops, ['quota', 'allocated', 'offered', 'reserved', 'resources'], 'role');

    const slaves = await getJson<{ slaves: Json[] }>(`${cluster.url}/master/slaves`);
    assertKeys(slaves.slaves[0], ['used_resources_full', 'unreserved_resources_full'], 'slave (full)');
    const jsonp = await (await fetch(`${cluster.url}/master/state?jsonp=cb`)).text();
    assert.match(jsonp, /^cb\(\{/);
    const metrics = await getJson<Record<string, number>>(`${cluster.url}/metrics/snapshot`);
    assert.equal(metrics['master/tasks_running'], 1);
    assert.equal(metrics['master/tasks_finished'], 1);
    assert.equal(metrics['master/tasks_failed'], 1);
    assert.equal(metrics['master/tasks_killed'], 1);
    assert.equal(metrics['master/operator_event_stream_subscribers'], 1);
    assert.equal(metrics['system/cpus_total'], os.cpus().length);
    assert.equal(metrics['system/mem_total_bytes'], os.totalmem());
    const prometheus = await (await fetch(`${cluster.url}/metrics/prometheus`)).text();
    assert.match(prometheus, /^mesos_master_tasks_running 1$/m);
  });

  it('answers operator API v1 calls in v1 JSON', async () => {
    const tasks = JSON.parse((await operator(cluster.url, { type: 'GET_TASKS' })).body) as { type: string; get_tasks: { tasks: Json[]; completed_tasks: Json[] } };
    assert.equal(tasks.type, 'GET_TASKS');
    assert.deepEqual(tasks.get_tasks.tasks[0].task_id, { value: 'long' });
    assert.equal(tasks.get_tasks.completed_tasks.length, 3);
    const state = JSON.parse((await operator(cluster.url, { type: 'GET_STATE' })).body) as { get_state: Json };
    assertKeys(state.get_state, ['get_tasks', 'get_executors', 'get_frameworks', 'get_agents'], 'GET_STATE');
    const agents = JSON.parse((await operator(cluster.url, { type: 'GET_AGENTS' })).body) as { get_agents: { agents: Json[] } };
    assertKeys(agents.get_agents.agents[0], ['agent_info', 'active', 'pid', 'registered_time', 'total_resources', 'allocated_resources', 'offered_resources'], 'agent');
    const flags = JSON.parse((await operator(cluster.url, { type: 'GET_FLAGS' })).body) as { get_flags: { flags: Array<{ name: string }> } };
    assert.ok(flags.get_flags.flags.some((f) => f.name === 'allocation_interval'));
    assert.equal((await operator(cluster.url, { type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 1, duration: { nanoseconds: 60e9 } } })).status, 200);
    assert.match((await operator(cluster.url, { type: 'GET_LOGGING_LEVEL' })).body, /"level":1/);
    // Files go through the master to the agent that holds the sandbox.
    const sandbox = `/frameworks/${scheduler.frameworkId}/executors/long/runs/latest`;
    const listed = await operator(cluster.url, { type: 'LIST_FILES', list_files: { path: sandbox } });
    assert.equal(listed.status, 200, listed.body);
    const names = (JSON.parse(listed.body) as { list_files: { file_infos: Array<{ path: string }> } }).list_files.file_infos.map((f) => f.path);
    assert.ok(names.some((p) => p.endsWith('/stdout')), `stdout listed in ${names.join(', ')}`);
    const read = await operator(cluster.url, { type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 0 } });
    assert.equal(read.status, 200, read.body);
    assert.ok('size' in (JSON.parse(read.body) as { read_file: Json }).read_file);
    assert.equal((await operator(cluster.url, { type: 'READ_FILE', read_file: { path: '/nowhere/stdout', offset: 0 } })).status, 404);
    const bogus = await operator(cluster.url, { type: 'NO_SUCH_CALL' });
    assert.equal(bogus.status, 400);
    assert.match(bogus.body, /Unknown call type 'NO_SUCH_CALL'/);
    assert.equal((await operator(cluster.url, {})).status, 400);
    const notJson = await fetch(`${cluster.url}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    assert.equal(notJson.status, 400);
  });

  it('streams state changes to SUBSCRIBE and marks an agent gone', async () => {
    assert.equal(events[0].type, 'SUBSCRIBED');
    assert.ok(events.some((e) => e.type === 'FRAMEWORK_ADDED'));
    assert.ok(events.some((e) => e.type === 'TASK_ADDED'));
    assert.ok(events.some((e) => e.type === 'TASK_UPDATED' && JSON.stringify(e).includes('TASK_KILLED')));
    const state = await getJson<{ slaves: Array<{ id: string }> }>(`${cluster.url}/master/state`);
    const agentId = state.slaves[0].id;
    assert.equal((await operator(cluster.url, { type: 'MARK_AGENT_GONE', mark_agent_gone: { agent_id: { value: agentId } } })).status, 200);
    const gone = await scheduler.update('long', 'TASK_GONE_BY_OPERATOR');
    assert.equal(gone.reason, 'REASON_AGENT_REMOVED_BY_OPERATOR');
    await waitFor('AGENT_REMOVED event', () => events.some((e) => e.type === 'AGENT_REMOVED'));
    // Idempotent.
    assert.equal((await operator(cluster.url, { type: 'MARK_AGENT_GONE', mark_agent_gone: { agent_id: { value: agentId } } })).status, 200);
  });
});
