/**
 * `meseta local` wires its agents to the master in memory
 * (src/master/local-agent-channel.ts) instead of HTTP on 127.0.0.1. Through the
 * public scheduler API, everything that crosses that channel must work as it
 * did over HTTP: registration (agents listed with the pid, hostname and port
 * of their own HTTP server), RUN_TASK, status updates, acknowledgements
 * reaching the agent, and KILL_TASK — with no restart of anything.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { cleanupDirs, getJson, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { SchedulerClient } from '../../src/scheduler/scheduler-client.js';
import { createMasterDetector } from '../../src/scheduler/master-detector.js';
import { takeResources } from '../../src/scheduler/offer-matcher.js';
import { buildCommandTask } from '../../src/scheduler/task-builder.js';
import { parseResourcesFlag } from '../../src/mesos/resources.js';
import type { Offer, TaskStatus } from '../../src/mesos/types.js';

interface Slave {
  id: string;
  pid: string;
  hostname: string;
  port: number;
  active: boolean;
}

/** Task ids under any `completed_tasks` of an agent's or master's /state. */
function completedTaskIds(state: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'completed_tasks' && Array.isArray(value)) for (const t of value) ids.add((t as { id: string }).id);
        else walk(value);
      }
    }
  };
  walk(state);
  return ids;
}

describe('meseta local: agents reach the master in process', () => {
  let cluster: LocalCluster;
  let client: SchedulerClient | undefined;

  before(async () => {
    cluster = await startLocal({ numAgents: 2, flags: ['--resources=cpus:2;mem:1024;disk:1024;ports:[31000-32000]'] });
  });
  after(async () => {
    client?.close();
    await stopAll();
    cleanupDirs();
  });

  it('says so, and lists each agent with its own HTTP address', async () => {
    await cluster.proc.waitForOutput(/Agents reach the master in process/);
    const { slaves } = await getJson<{ slaves: Slave[] }>(`${cluster.url}/master/slaves`);
    assert.equal(slaves.length, 2);
    for (const slave of slaves) {
      assert.equal(slave.active, true);
      assert.equal(slave.pid, `slave(1)@127.0.0.1:${slave.port}`);
      // The pid names the agent's own, unchanged, HTTP server.
      const own = await getJson<{ id: string; hostname: string }>(`http://127.0.0.1:${slave.port}/state`);
      assert.equal(own.id, slave.id);
      assert.equal(own.hostname, slave.hostname);
    }
  });

  it('launches tasks to TASK_FINISHED on both agents; acknowledgements reach the agents; a kill reaches them', async () => {
    client = new SchedulerClient({ detector: createMasterDetector(cluster.master), autoAcknowledge: false });
    const offers: Offer[] = [];
    const updates: TaskStatus[] = [];
    client.on('offers', (o) => offers.push(...o));
    client.on('update', (s) => {
      updates.push(s);
      // Each task's next update leaves its agent only once this one is acknowledged
      // (ACKNOWLEDGE over the channel); terminal ones are held back, acknowledged below.
      if (s.uuid && s.state !== 'TASK_FINISHED' && s.state !== 'TASK_KILLED') void client!.acknowledge(s.agent_id!, s.task_id, s.uuid);
    });
    await client.subscribe({ user: userInfo().username, name: 'in-process-e2e' });

    const byAgent = new Map<string, Offer>();
    await waitFor('offers from both agents', () => {
      for (const offer of offers.splice(0)) byAgent.set(offer.agent_id.value, offer);
      return byAgent.size === 2;
    });
    const wanted = parseResourcesFlag('cpus:0.1;mem:16');
    const finishing: string[] = [];
    let sleeper: { taskId: string; agentId: string } | undefined;
    for (const offer of byAgent.values()) {
      let remaining = offer.resources;
      const tasks = [];
      for (let i = 0; i < 3; i++) {
        const fit = takeResources(remaining, wanted);
        assert.ok(fit, 'the offer holds three small tasks');
        remaining = fit.remaining;
        const agentId = offer.agent_id.value;
        // One long task on the first agent, to be killed.
        const name = !sleeper && i === 0 ? `sleep-${agentId}` : `true-${agentId}-${i}`;
        const command = name.startsWith('sleep') ? 'sleep 60' : 'true';
        if (command === 'sleep 60') sleeper = { taskId: name, agentId };
        else finishing.push(name);
        tasks.push(buildCommandTask({ name, agentId: offer.agent_id, command, resources: fit.taken }));
      }
      await client.launch([offer.id], tasks);
    }
    assert.ok(sleeper);

    const finished = await waitFor(
      'every `true` task TASK_FINISHED',
      () => {
        const done = updates.filter((s) => s.state === 'TASK_FINISHED' && finishing.includes(s.task_id.value));
        return done.length === finishing.length ? done : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; updates: ${updates.map((u) => `${u.task_id.value} ${u.state} ${u.message ?? ''}`).join(', ')}`);
    });
    // Updates came through the agents' status update managers (uuid set): while
    // TASK_FINISHED is unacknowledged, the agents still hold it and the task is not completed.
    for (const status of finished) assert.ok(status.uuid, `TASK_FINISHED of ${status.task_id.value} carries a uuid`);
    const agentPorts = new Map<string, number>();
    for (const slave of (await getJson<{ slaves: Slave[] }>(`${cluster.url}/master/slaves`)).slaves) agentPorts.set(slave.id, slave.port);
    for (const [agentId, port] of agentPorts) {
      const completed = completedTaskIds(await getJson(`http://127.0.0.1:${port}/state`));
      for (const id of finishing.filter((t) => t.includes(agentId))) assert.ok(!completed.has(id), `${id} not completed before its acknowledgement`);
    }

    for (const status of finished) await client.acknowledge(status.agent_id!, status.task_id, status.uuid!);
    await waitFor('the agents retired the acknowledged tasks', async () => {
      for (const [agentId, port] of agentPorts) {
        const completed = completedTaskIds(await getJson(`http://127.0.0.1:${port}/state`));
        for (const id of finishing.filter((t) => t.includes(agentId))) if (!completed.has(id)) return false;
      }
      return true;
    });
    await waitFor('the master filed them as completed', async () => {
      const completed = completedTaskIds(await getJson(`${cluster.url}/master/state`));
      return finishing.every((id) => completed.has(id));
    });

    await waitFor('the long task TASK_RUNNING', () => updates.some((s) => s.task_id.value === sleeper!.taskId && s.state === 'TASK_RUNNING'), 30_000);
    await client.kill({ value: sleeper.taskId }, { value: sleeper.agentId });
    const killed = await waitFor('TASK_KILLED', () => updates.find((s) => s.task_id.value === sleeper!.taskId && s.state === 'TASK_KILLED'), 30_000);
    await client.acknowledge(killed.agent_id!, killed.task_id, killed.uuid!);

    // Nothing was restarted or reconnected on the way.
    const { slaves } = await getJson<{ slaves: Slave[] }>(`${cluster.url}/master/slaves`);
    assert.ok(slaves.every((s) => s.active));
    assert.doesNotMatch(cluster.proc.stdout + cluster.proc.stderr, /Lost connection to master|disconnected/);
  });
});
