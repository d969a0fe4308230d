/**
 * `meseta simulate-agents` against a real `meseta master`: 200 simulated agents
 * register over the agent channel; a framework (our SchedulerClient) runs tasks
 * on them that walk STARTING → RUNNING → FINISHED after their labelled
 * duration, or are KILLED on request; SIGKILL of the simulator makes the
 * agents unreachable once the (short) ping allowance runs out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';
import { SchedulerClient } from '../../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../../src/scheduler/master-detector.js';
import { OfferMatcher } from '../../src/scheduler/offer-matcher.js';
import type { Offer, Resource, TaskInfo, TaskStatus } from '../../src/mesos/types.js';

const AGENTS = 200;
const TASK: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
];

interface StateJson {
  slaves: Array<{ id: string; hostname: string; active: boolean; attributes: Record<string, string | number> }>;
}

describe('simulate-agents', () => {
  let master: Proc;
  let masterArgs: string[];
  let simulator: Proc;
  let url: string;
  let client: SchedulerClient;
  const updates: TaskStatus[] = [];
  const offers: Offer[] = [];

  before(async () => {
    const port = await freePort();
    const dir = tempDir('simulator');
    url = `http://127.0.0.1:${port}`;
    masterArgs = ['master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(dir, 'master')}`, '--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=2', '--quiet'];
    master = meseta(masterArgs);
    await waitFor('master up', async () => (await fetch(`${url}/health`)).ok);
    simulator = meseta([
      'simulate-agents',
      `--master=127.0.0.1:${port}`,
      `--count=${AGENTS}`,
      '--resources=cpus:2;mem:1024;disk:1024',
      '--attributes=rack:r{i%4}',
      '--task_duration=30secs',
      '--registration_rate=500',
      '--registration_backoff_factor=200ms',
    ]);
  });
  after(async () => {
    client?.close();
    await stopAll();
    cleanupDirs();
  });

  it('registers every simulated agent with its hostname and attributes', async () => {
    const state = await waitFor(
      `${AGENTS} agents in /master/state`,
      async () => {
        const s = await getJson<StateJson>(`${url}/master/state`);
        return s.slaves.length === AGENTS ? s : undefined;
      },
      20_000,
    );
    const hostnames = new Set(state.slaves.map((s) => s.hostname));
    assert.equal(hostnames.size, AGENTS);
    assert.ok(hostnames.has('sim-0') && hostnames.has(`sim-${AGENTS - 1}`));
    const sim7 = state.slaves.find((s) => s.hostname === 'sim-7')!;
    assert.deepEqual(sim7.attributes, { rack: 'r3' });
    assert.ok(state.slaves.every((s) => s.active));
  });

  it('runs tasks to TASK_FINISHED after their labelled duration, and kills on request', async () => {
    client = new SchedulerClient({ detector: createMasterDetector(url.replace('http://', '')), autoAcknowledge: true });
    client.on('offers', (o) => offers.push(...o));
    client.on('update', (s) => updates.push(s));
    await client.subscribe({ user: 'root', name: 'simulator-e2e' });
    const batch = await waitFor('offers', () => (offers.length > 0 ? offers.splice(0) : undefined));
    // Two short tasks (1 s by label) and one long one (the --task_duration default) to kill.
    const tasks: TaskInfo[] = [];
    const [offer] = batch;
    const matcher = new OfferMatcher(offer!);
    const make = (id: string, labels?: Array<{ key: string; value: string }>): TaskInfo => ({
      name: id,
      task_id: { value: id },
      agent_id: offer!.agent_id,
      command: { value: 'true' },
      resources: matcher.tryTake(TASK)!,
      ...(labels ? { labels: { labels } } : {}),
    });
    tasks.push(make('short-1', [{ key: 'duration', value: '1' }]), make('short-2', [{ key: 'sim_duration', value: '1.5' }]), make('long'));
    const acceptedAt = Date.now();
    await client.launch([offer!.id], tasks);

    const stateOf = (id: string, state: string): TaskStatus | undefined => updates.find((u) => u.task_id.value === id && u.state === state);
    for (const id of ['short-1', 'short-2']) {
      await waitFor(`${id} finished`, () => stateOf(id, 'TASK_FINISHED'), 10_000);
      assert.ok(stateOf(id, 'TASK_STARTING') && stateOf(id, 'TASK_RUNNING'), `${id} went through STARTING and RUNNING`);
    }
    const order = updates.filter((u) => u.task_id.value === 'short-1').map((u) => u.state);
    assert.deepEqual(order, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    const running1 = stateOf('short-1', 'TASK_RUNNING')!;
    const done1 = stateOf('short-1', 'TASK_FINISHED')!;
    // Timestamps come from the simulated executor: ~1 s between RUNNING and FINISHED.
    const ran = (done1.timestamp! - running1.timestamp!) * 1000;
    assert.ok(ran >= 950 && ran < 2000, `short-1 ran ${ran} ms`);
    assert.ok(Date.now() - acceptedAt >= 1000);

    await waitFor('long running', () => stateOf('long', 'TASK_RUNNING'), 10_000);
    assert.equal(stateOf('long', 'TASK_FINISHED'), undefined);
    await client.kill({ value: 'long' }, offer!.agent_id);
    const killed = await waitFor('long killed', () => stateOf('long', 'TASK_KILLED'), 10_000);
    assert.equal(killed.agent_id?.value, offer!.agent_id.value);
  });

  it('reregisters every agent with its running tasks after a master restart', async () => {
    const batch = await waitFor('offers', () => (offers.length > 0 ? offers.splice(0) : undefined));
    const offer = batch[0]!;
    const task: TaskInfo = {
      name: 'survivor',
      task_id: { value: 'survivor' },
      agent_id: offer.agent_id,
      command: { value: 'true' },
      resources: new OfferMatcher(offer).tryTake(TASK)!,
      labels: { labels: [{ key: 'duration', value: '60' }] },
    };
    await client.launch([offer.id], [task]);
    await waitFor('survivor running', () => updates.find((u) => u.task_id.value === 'survivor' && u.state === 'TASK_RUNNING'), 10_000);
    await master.stop('SIGKILL');
    master = meseta(masterArgs);
    interface Tasks { frameworks: Array<{ tasks: Array<{ id: string; state: string; slave_id: string }> }>; slaves: Array<{ active: boolean }> }
    const state = await waitFor(
      'agents reregistered with the survivor task',
      async () => {
        const s = await getJson<Tasks>(`${url}/master/state`);
        const survivor = s.frameworks.flatMap((f) => f.tasks).find((t) => t.id === 'survivor');
        return s.slaves.filter((a) => a.active).length === AGENTS && survivor ? { s, survivor } : undefined;
      },
      20_000,
      200,
    );
    assert.equal(state.survivor.state, 'TASK_RUNNING');
    assert.equal(state.survivor.slave_id, offer.agent_id.value);
  });

  it('marks the agents unreachable after the simulator is SIGKILLed', async () => {
    const before = await getJson<Record<string, number>>(`${url}/metrics/snapshot`);
    assert.equal(before['master/slaves_unreachable'] ?? 0, 0);
    await simulator.stop('SIGKILL');
    // 1 s ping interval × 2 allowed misses: every agent is unreachable within a few seconds.
    await waitFor(
      'all agents unreachable',
      async () => (await getJson<Record<string, number>>(`${url}/metrics/snapshot`))['master/slaves_unreachable'] === AGENTS,
      15_000,
      200,
    );
  });
});
