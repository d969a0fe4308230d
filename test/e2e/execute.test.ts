/**
 * `meseta execute` (mesos-execute) against a real `meseta local`: success,
 * failure, `--kill_after`, an unreachable master; and the SchedulerClient's
 * framework failover (within failover_timeout the task survives, past it the
 * task is killed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { cleanupDirs, freePort, getJson, meseta, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { SchedulerClient } from '../../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../../src/scheduler/master-detector.js';
import { takeResources } from '../../src/scheduler/offer-matcher.js';
import { buildCommandTask } from '../../src/scheduler/task-builder.js';
import { parseResourcesFlag } from '../../src/mesos/resources.js';
import type { Offer, TaskStatus } from '../../src/mesos/types.js';

interface StateTask {
  id: string;
  state: string;
}
interface StateFramework {
  id: string;
  name: string;
  tasks: StateTask[];
  completed_tasks: StateTask[];
}
interface State {
  frameworks: StateFramework[];
  completed_frameworks: StateFramework[];
}

describe('meseta execute on meseta local', () => {
  let cluster: LocalCluster;
  const clients: SchedulerClient[] = [];

  before(async () => {
    cluster = await startLocal({ flags: ['--resources=cpus:2;mem:1961;disk:35164;ports:[31000-32000]'] });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stopAll();
    cleanupDirs();
  });

  it('runs a command to TASK_FINISHED, exits 0 and tears the framework down', async () => {
    const proc = meseta(['execute', `--master=${cluster.master}`, '--name=hello', '--command=echo hello']);
    const { code } = await proc.waitExit(60_000);
    assert.equal(code, 0, proc.stdout + proc.stderr);
    const id = /^Subscribed with ID (\S+)$/m.exec(proc.stdout)?.[1];
    assert.ok(id, proc.stdout);
    assert.match(proc.stdout, /^Submitted task 'hello' to agent '\S+-S\d+'$/m);
    assert.match(proc.stdout, /^Received status update TASK_RUNNING for task 'hello'\n {2}source: SOURCE_EXECUTOR$/m);
    assert.match(proc.stdout, /^Received status update TASK_FINISHED for task 'hello'\n {2}message: 'Command exited with status 0'\n {2}source: SOURCE_EXECUTOR$/m);
    await waitFor('framework torn down', async () => {
      const state = await getJson<State>(`${cluster.url}/master/state`);
      return state.completed_frameworks.some((f) => f.id === id && f.name === 'mesos-execute instance');
    });
  });

  it('reports TASK_FAILED for `exit 3` and exits non-zero', async () => {
    const proc = meseta(['execute', `--master=${cluster.master}`, '--name=bad', '--command=exit 3']);
    const { code } = await proc.waitExit(60_000);
    assert.notEqual(code, 0);
    assert.match(proc.stdout, /^Received status update TASK_FAILED for task 'bad'\n {2}message: 'Command exited with status 3'/m);
  });

  it('kills the task after --kill_after: TASK_KILLED, non-zero exit', async () => {
    const proc = meseta(['execute', `--master=${cluster.master}`, '--name=sleeper', '--command=sleep 60', '--kill_after=1secs']);
    const { code } = await proc.waitExit(60_000);
    assert.notEqual(code, 0);
    assert.match(proc.stdout, /^Asked to kill task 'sleeper' on agent '\S+'$/m);
    assert.match(proc.stdout, /^Received status update TASK_KILLED for task 'sleeper'$/m);
  });

  it('keeps retrying an unreachable master and says so, until interrupted', async () => {
    const port = await freePort();
    const proc = meseta(['execute', `--master=127.0.0.1:${port}`, '--name=x', '--command=true']);
    await proc.waitForOutput(new RegExp(`Master at 127\\.0\\.0\\.1:${port} is unreachable \\(.*ECONNREFUSED.*\\); retrying`));
    const { code, signal } = await proc.stop('SIGINT');
    assert.ok(code === 1 || signal === 'SIGINT', `exit ${code} ${signal}`);
  });

  it('SchedulerClient failover: within failover_timeout the task survives, past it the task is killed', async () => {
    const user = userInfo().username;
    const first = new SchedulerClient({ detector: createMasterDetector(cluster.master), autoAcknowledge: true });
    clients.push(first);
    const offers: Offer[] = [];
    const updates: TaskStatus[] = [];
    first.on('offers', (o) => offers.push(...o));
    first.on('update', (s) => updates.push(s));
    const info = await first.subscribe({ user, name: 'failover-e2e', failover_timeout: 60 });
    const offer = await waitFor('an offer', () => offers.shift());
    const fit = takeResources(offer.resources, parseResourcesFlag('cpus:0.5;mem:32'));
    assert.ok(fit);
    await first.launch([offer.id], [buildCommandTask({ name: 'long', agentId: offer.agent_id, command: 'sleep 120', resources: fit.taken })]);
    await waitFor('TASK_RUNNING', () => updates.some((s) => s.state === 'TASK_RUNNING'));
    // Go away without TEARDOWN, then come back with the same id.
    first.close();
    await waitFor('framework disconnected', async () => {
      const st = await getJson<{ frameworks: Array<StateFramework & { connected: boolean }> }>(`${cluster.url}/master/state`);
      return st.frameworks.find((f) => f.id === info.frameworkId.value)?.connected === false;
    });
    const second = new SchedulerClient({ detector: createMasterDetector(cluster.master), autoAcknowledge: true });
    clients.push(second);
    const reconciled: TaskStatus[] = [];
    second.on('update', (s) => reconciled.push(s));
    const again = await second.subscribe({ user, name: 'failover-e2e', failover_timeout: 1, id: info.frameworkId });
    assert.equal(again.frameworkId.value, info.frameworkId.value);
    await second.reconcile([{ task_id: { value: 'long' } }]);
    const status = await waitFor('reconciliation', () => reconciled.find((s) => s.task_id.value === 'long'));
    assert.equal(status.state, 'TASK_RUNNING');
    // Leave for longer than the new 1 s failover timeout: the framework is removed, its task killed.
    second.close();
    await waitFor('framework removed and its task killed', async () => {
      const st = await getJson<State>(`${cluster.url}/master/state`);
      const fw = st.completed_frameworks.find((f) => f.id === info.frameworkId.value);
      return fw?.completed_tasks.some((t) => t.id === 'long' && t.state === 'TASK_KILLED');
    });
    const late = new SchedulerClient({ detector: createMasterDetector(cluster.master) });
    clients.push(late);
    await assert.rejects(late.subscribe({ user, name: 'failover-e2e', id: info.frameworkId }), /Framework has been removed/);
  });
});
