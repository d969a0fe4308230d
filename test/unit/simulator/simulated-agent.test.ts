/**
 * One SimulatedAgent against a scripted fleet context: virtual time, a fake
 * stream (events pushed by the test) and a recording call sink.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedAgent, zeroCounters, type FleetContext, type SimulatorCounters, type Timed } from '../../../src/simulator/simulated-agent.js';
import { TimerWheel } from '../../../src/simulator/timer-wheel.js';
import type { AgentCall, AgentEvent } from '../../../src/mesos/agent-protocol.js';
import { reportedTasks } from '../../../src/mesos/agent-task-sets.js';
import type { StreamHandlers } from '../../../src/transport/stream-client.js';
import type { TaskStatus } from '../../../src/mesos/types.js';

class Harness {
  now = 1_000_000;
  readonly calls: AgentCall[] = [];
  readonly opened: AgentCall[] = [];
  handlers?: StreamHandlers;
  readonly wheel = new TimerWheel<Timed>(10, 64, this.now);
  readonly counters: SimulatorCounters = zeroCounters();
  readonly connectRequests: SimulatedAgent[] = [];
  readonly context: FleetContext = {
    masterUrl: 'http://master',
    wheel: this.wheel,
    policy: { minMs: 1000, maxMs: 4000 },
    timing: { startingDelayMs: 0, runningDelayMs: 0 },
    defaultDurationMs: 5000,
    backoffFactorMs: 1000,
    counters: this.counters,
    logger: { info: () => undefined, warn: () => undefined },
    now: () => this.now,
    random: () => 0.5,
    post: async (call) => {
      this.calls.push(call);
      return true;
    },
    open: async (call, handlers) => {
      this.opened.push(call);
      this.handlers = handlers;
      return { headers: { 'mesos-stream-id': 'stream-1' }, close: () => handlers.onClose() };
    },
    requestConnect: (agent) => this.connectRequests.push(agent),
  };
  readonly agent = new SimulatedAgent(this.context, 7, 'sim-7', [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }], []);

  async connect(): Promise<void> {
    this.agent.connect();
    await new Promise((r) => setImmediate(r));
  }
  push(event: AgentEvent): void {
    this.handlers!.onEvent(event);
  }
  /** Advances virtual time, firing the wheel as the fleet's tick would. */
  advance(ms: number): void {
    this.now += ms;
    for (const item of this.wheel.advance(this.now)) {
      if (item.kind === 'agent') item.onTimer(this.now);
      else item.agent.onTaskTimer(item, this.now);
    }
  }
  updates(): TaskStatus[] {
    return this.calls.flatMap((c) => (c.type === 'STATUS_UPDATE' ? [c.status_update.status] : []));
  }
  ack(status: TaskStatus): void {
    this.push({ type: 'ACKNOWLEDGE', acknowledge: { framework_id: { value: 'fw' }, task_id: status.task_id, uuid: status.uuid! } });
  }
}

const framework = { id: { value: 'fw' }, user: 'root', name: 'f' };
const runTask = (id: string, duration?: string): AgentEvent => ({
  type: 'RUN_TASK',
  run_task: {
    framework,
    task: { name: id, task_id: { value: id }, agent_id: { value: 'A' }, command: { value: 'true' }, ...(duration ? { labels: { labels: [{ key: 'duration', value: duration }] } } : {}) },
  },
});

async function registered(): Promise<Harness> {
  const h = new Harness();
  await h.connect();
  h.push({ type: 'REGISTERED', registered: { agent_id: { value: 'A' }, master_id: 'm', ping_interval_seconds: 1 } });
  return h;
}

describe('SimulatedAgent', () => {
  it('registers with its hostname and resources, and answers PING with PONG', async () => {
    const h = await registered();
    const call = h.opened[0]!;
    assert.equal(call.type, 'REGISTER');
    assert.equal(call.type === 'REGISTER' && call.register.agent_info.hostname, 'sim-7');
    assert.equal(h.agent.state, 'registered');
    h.push({ type: 'PING' });
    assert.deepEqual(h.calls.at(-1), { type: 'PONG', agent_id: { value: 'A' } });
  });

  it('walks a task through STARTING, RUNNING and FINISHED, one unacknowledged update at a time', async () => {
    const h = await registered();
    h.push(runTask('t1', '2'));
    assert.deepEqual(h.updates().map((u) => u.state), ['TASK_STARTING']);
    h.ack(h.updates()[0]!);
    assert.deepEqual(h.updates().map((u) => u.state), ['TASK_STARTING', 'TASK_RUNNING']);
    h.ack(h.updates()[1]!);
    h.advance(1990);
    assert.equal(h.updates().length, 2, 'not finished before its 2 s');
    h.advance(20);
    const finished = h.updates()[2]!;
    assert.equal(finished.state, 'TASK_FINISHED');
    assert.equal(finished.source, 'SOURCE_EXECUTOR');
    assert.equal(finished.executor_id?.value, 't1');
    assert.equal(h.counters.tasksActive, 0);
    h.ack(finished);
    assert.equal(h.agent.taskCount, 0, 'forgotten once the terminal update is acknowledged');
  });

  it('retries an unacknowledged update with backoff and reports latest_state', async () => {
    const h = await registered();
    h.push(runTask('t1', '0.5'));
    h.advance(600); // RUNNING and FINISHED are queued behind the unacknowledged STARTING
    assert.equal(h.updates().length, 1);
    h.advance(400); // 1 s after sending: first retry
    assert.equal(h.updates().length, 2);
    const retry = h.calls.at(-1)!;
    assert.equal(retry.type === 'STATUS_UPDATE' && retry.status_update.status.state, 'TASK_STARTING');
    assert.equal(retry.type === 'STATUS_UPDATE' && retry.status_update.latest_state, 'TASK_FINISHED');
    h.advance(1990);
    assert.equal(h.updates().length, 2, 'second retry waits 2 s');
    h.advance(20);
    assert.equal(h.updates().length, 3);
    assert.equal(h.counters.statusUpdateRetries, 2);
  });

  it('kills a running task with TASK_KILLED and answers a kill of an unknown task with TASK_LOST', async () => {
    const h = await registered();
    h.push(runTask('t1'));
    h.ack(h.updates()[0]!);
    h.push({ type: 'KILL_TASK', kill_task: { framework_id: { value: 'fw' }, task_id: { value: 't1' } } });
    h.ack(h.updates()[1]!);
    assert.equal(h.updates()[2]!.state, 'TASK_KILLED');
    h.advance(10_000);
    assert.ok(!h.updates().some((u) => u.state === 'TASK_FINISHED'));
    h.push({ type: 'KILL_TASK', kill_task: { framework_id: { value: 'fw' }, task_id: { value: 'ghost' } } });
    const lost = h.updates().at(-1)!;
    assert.deepEqual([lost.task_id.value, lost.state, lost.source], ['ghost', 'TASK_LOST', 'SOURCE_AGENT']);
  });

  it('reconnects after the stream breaks and reregisters with its tasks, resending their heads', async () => {
    const h = await registered();
    h.push(runTask('t1', '100'));
    h.ack(h.updates()[0]!);
    const running = h.updates()[1]!;
    h.handlers!.onClose(new Error('reset'));
    assert.equal(h.agent.state, 'backoff');
    assert.equal(h.counters.disconnects, 1);
    h.advance(499);
    assert.equal(h.connectRequests.length, 0);
    h.advance(10); // random 0.5 × 1 s backoff
    assert.equal(h.connectRequests.length, 1);
    await h.connect();
    const call = h.opened[1]!;
    assert.equal(call.type, 'REREGISTER');
    if (call.type !== 'REREGISTER') return;
    assert.equal(call.reregister.agent_info.id.value, 'A');
    assert.deepEqual(call.reregister.tasks, [], 'its tasks go in task sets');
    const tasks = reportedTasks(call.reregister);
    assert.deepEqual(tasks.map((t) => [t.task_id.value, t.state]), [['t1', 'TASK_RUNNING']]);
    assert.equal(tasks[0]!.statuses?.[0]?.uuid, running.uuid);
    assert.equal(tasks[0]!.executor_id, undefined, 'a command task reports no executor, as in Mesos');
    assert.deepEqual(call.reregister.frameworks.map((f) => f.id?.value), ['fw']);
    const before = h.updates().length;
    h.push({ type: 'REREGISTERED', reregistered: { agent_id: { value: 'A' }, master_id: 'm2', ping_interval_seconds: 1 } });
    assert.equal(h.updates().length, before + 1);
    assert.equal(h.updates().at(-1)!.uuid, running.uuid);
  });

  it('drops its stream when the master stops pinging', async () => {
    const h = await registered();
    h.now += 5000;
    h.agent.checkPings(h.now);
    assert.equal(h.agent.state, 'registered', 'exactly 5 intervals is still fine');
    h.now += 1;
    h.agent.checkPings(h.now);
    assert.equal(h.agent.state, 'backoff');
  });
});
