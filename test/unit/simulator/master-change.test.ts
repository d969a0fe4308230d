/**
 * A simulated agent told of a new leading master (a zk:// fleet): it drops
 * its stream or its backoff and reregisters with its tasks within one backoff
 * factor, as a Mesos agent does on `detected()`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedAgent, zeroCounters, type FleetContext, type SimulatorCounters, type Timed } from '../../../src/simulator/simulated-agent.js';
import { TimerWheel } from '../../../src/simulator/timer-wheel.js';
import type { AgentCall } from '../../../src/mesos/agent-protocol.js';
import { reportedTasks } from '../../../src/mesos/agent-task-sets.js';
import type { StreamHandlers } from '../../../src/transport/stream-client.js';

class Fleet {
  now = 1_000_000;
  readonly opened: AgentCall[] = [];
  readonly handlers: StreamHandlers[] = [];
  readonly closed: number[] = [];
  failOpen = false;
  readonly wheel = new TimerWheel<Timed>(10, 64, this.now);
  readonly counters: SimulatorCounters = zeroCounters();
  readonly connectRequests: SimulatedAgent[] = [];
  readonly context: FleetContext = {
    masterUrl: 'http://old',
    wheel: this.wheel,
    policy: { minMs: 1000, maxMs: 4000 },
    timing: { startingDelayMs: 0, runningDelayMs: 0 },
    defaultDurationMs: 60_000,
    backoffFactorMs: 1000,
    counters: this.counters,
    logger: { info: () => undefined, warn: () => undefined },
    now: () => this.now,
    random: () => 0.99,
    post: async () => true,
    open: async (call, handlers) => {
      this.opened.push(call);
      this.handlers.push(handlers);
      if (this.failOpen) throw new Error('connection refused');
      const n = this.handlers.length;
      return { headers: { 'mesos-stream-id': `s-${n}` }, close: () => this.closed.push(n) };
    },
    requestConnect: (agent) => {
      agent.state = 'queued';
      this.connectRequests.push(agent);
    },
  };
  readonly agent = new SimulatedAgent(this.context, 1, 'sim-1', [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }], []);

  async connect(): Promise<void> {
    this.agent.connect();
    await new Promise((r) => setImmediate(r));
  }
  advance(ms: number): void {
    this.now += ms;
    for (const item of this.wheel.advance(this.now)) {
      if (item.kind === 'agent') item.onTimer(this.now);
      else item.agent.onTaskTimer(item, this.now);
    }
  }
}

describe('SimulatedAgent.masterChanged', () => {
  it('drops a registered stream and reregisters with its tasks within one backoff factor', async () => {
    const f = new Fleet();
    await f.connect();
    f.handlers[0]!.onEvent({ type: 'REGISTERED', registered: { agent_id: { value: 'A' }, master_id: 'm', ping_interval_seconds: 15 } });
    f.handlers[0]!.onEvent({
      type: 'RUN_TASK',
      run_task: { framework: { id: { value: 'fw' }, user: 'u', name: 'f' }, task: { name: 't', task_id: { value: 't' }, agent_id: { value: 'A' }, command: { value: 'true' } } },
    });
    assert.equal(f.counters.registered, 1);
    f.agent.masterChanged(f.now);
    assert.deepEqual(f.closed, [1], 'the stream to the old leader is closed');
    assert.equal(f.counters.registered, 0);
    assert.equal(f.counters.disconnects, 1);
    f.handlers[0]!.onClose(); // the old stream's late close is ignored
    assert.equal(f.counters.disconnects, 1);
    f.advance(1000);
    assert.equal(f.connectRequests.length, 1, 'queued again within the backoff factor');
    await f.connect();
    const call = f.opened[1]!;
    assert.equal(call.type, 'REREGISTER');
    assert.deepEqual(call.type === 'REREGISTER' && reportedTasks(call.reregister).map((t) => t.task_id.value), ['t']);
  });

  it('cuts a long backoff after failures against a dead leader short', async () => {
    const f = new Fleet();
    f.failOpen = true;
    for (let i = 0; i < 5; i++) {
      await f.connect(); // fails; the backoff doubles each time: 1, 2, 4, 8, 16 s
      f.advance(40_000);
    }
    f.connectRequests.length = 0;
    await f.connect(); // next wait would be up to 32 s
    assert.equal(f.agent.state, 'backoff');
    f.failOpen = false;
    f.agent.masterChanged(f.now);
    f.advance(1000);
    assert.equal(f.connectRequests.length, 1);
  });

  it('leaves queued and stopped agents alone', () => {
    const f = new Fleet();
    f.context.requestConnect(f.agent);
    f.agent.masterChanged(f.now);
    assert.equal(f.agent.state, 'queued');
    f.agent.stop();
    f.agent.masterChanged(f.now);
    assert.equal(f.agent.state, 'stopped');
  });
});
