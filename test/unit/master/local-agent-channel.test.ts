/**
 * The in-process agent channel of `meseta local` (src/master/local-agent-channel.ts)
 * against a real Master (in-memory registry, no HTTP server): the master must
 * see and answer what it sees over POST /master/api/v1/agent, and the agent's
 * MasterLink must register, answer pings and reconnect over it as over HTTP.
 */
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { Master } from '../../../src/master/master.js';
import { silent, startMemoryMaster } from '../../support/memory-master.js';
import { LocalAgentChannel, type LocalStreamEnd } from '../../../src/master/local-agent-channel.js';
import { MasterLink, type Registration } from '../../../src/agent/master-link.js';
import { inProcessTransport } from '../../../src/cli/commands/local.js';
import { HttpCallError } from '../../../src/transport/stream-client.js';
import type { AgentCall, AgentEvent } from '../../../src/mesos/agent-protocol.js';
import type { AgentInfo } from '../../../src/mesos/types.js';

const closers: Array<() => Promise<void>> = [];

after(async () => {
  for (const close of closers) await close();
});

async function newMaster(agentPingTimeoutMs = 15_000): Promise<Master> {
  const { master, close } = await startMemoryMaster(agentPingTimeoutMs);
  closers.push(close);
  return master;
}

const INFO: AgentInfo = {
  hostname: 'agent-host',
  port: 5051,
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }],
};

function register(info: AgentInfo = INFO): AgentCall {
  return { type: 'REGISTER', register: { agent_info: info, version: '1.11.0', pid: 'slave(1)@127.0.0.1:5051' } };
}

/** Records what the agent's side of a stream is told, with the turn it arrived in. */
class Recorder {
  readonly events: AgentEvent[] = [];
  closes = 0;
  private waiters: Array<() => void> = [];
  readonly handlers = {
    onEvent: (event: unknown) => {
      this.events.push(event as AgentEvent);
      this.wake();
    },
    onClose: () => {
      this.closes++;
      this.wake();
    },
  };

  /** Resolves when `predicate` holds; fails after `ms`. */
  async until(predicate: () => boolean, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) assert.fail(`condition not met within ${ms} ms: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

function agentIdOf(recorder: Recorder): string {
  const registered = recorder.events.find((e) => e.type === 'REGISTERED');
  assert.ok(registered && registered.type === 'REGISTERED');
  return registered.registered.agent_id.value;
}

/** A turn of the event loop: every stream's coalesced delivery has run. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LocalAgentChannel', () => {
  let master: Master;
  let channel: LocalAgentChannel;

  beforeEach(async () => {
    master = await newMaster();
    channel = new LocalAgentChannel(master);
  });
  afterEach(async () => {
    channel.close();
    await master.stop();
  });

  it('registers an agent; REGISTERED arrives after open resolved, as a copy', async () => {
    const recorder = new Recorder();
    const call = register();
    const end = await channel.open(call, recorder.handlers);
    assert.equal(recorder.events.length, 0, 'no event before the caller resumed');
    await recorder.until(() => recorder.events.length === 1);
    const id = agentIdOf(recorder);
    const agent = master.agents.get(id);
    assert.ok(agent);
    assert.equal(agent.stream?.streamId, end.streamId);
    assert.equal(agent.state, 'connected');
    // The master's record does not share the caller's objects.
    assert.notEqual(agent.info.resources, INFO.resources);
    assert.deepEqual(agent.info.resources, INFO.resources);
  });

  it('refuses a malformed registration with the HTTP endpoint’s 400', async () => {
    const recorder = new Recorder();
    const bad = register({ ...INFO, hostname: '' });
    await assert.rejects(channel.open(bad, recorder.handlers), (error: unknown) => {
      assert.ok(error instanceof HttpCallError);
      assert.equal(error.status, 400);
      assert.equal(error.body, "Expecting 'register.agent_info' to be present");
      return true;
    });
    const noId = { type: 'REREGISTER', reregister: { agent_info: INFO, version: '1', pid: 'p', frameworks: [], executors: [], tasks: [] } } as unknown as AgentCall;
    await assert.rejects(channel.open(noId, recorder.handlers), (error: unknown) => error instanceof HttpCallError && error.status === 400);
    await assert.rejects(channel.open({ type: 'PONG', agent_id: { value: 'x' } }, recorder.handlers), (error: unknown) => error instanceof HttpCallError && error.status === 400);
    assert.equal(master.agents.size, 0);
  });

  /** A REREGISTER of agent S9 with `fields` over an empty one. */
  const reregisterWith = (fields: Record<string, unknown>): AgentCall =>
    ({
      type: 'REREGISTER',
      reregister: { agent_info: { ...INFO, id: { value: 'S9' } }, version: '1', pid: 'p', frameworks: [], executors: [], tasks: [], ...fields },
    }) as unknown as AgentCall;
  /** Asserts that opening `call` is refused with the HTTP endpoint's 400 and `message`. */
  const refused = async (call: AgentCall, message: string): Promise<void> => {
    await assert.rejects(channel.open(call, new Recorder().handlers), (error: unknown) => {
      assert.ok(error instanceof HttpCallError);
      assert.equal(error.status, 400);
      assert.equal(error.body, message);
      return true;
    });
  };

  it('refuses a reregistration whose tasks lack a required field, naming it, and admits nothing', async () => {
    const task = { name: 't', task_id: { value: 't' }, framework_id: { value: 'F' }, state: 'TASK_RUNNING', resources: [] };
    const reregister = (tasks: unknown, frameworks: unknown = []): AgentCall => reregisterWith({ tasks, frameworks });
    await refused(reregister(undefined), "Expecting 'reregister.tasks' to be a list");
    await refused(reregister([], {}), "Expecting 'reregister.frameworks' to be a list");
    await refused(reregister([task, { ...task, task_id: undefined }]), "Expecting 'reregister.tasks[1].task_id' to be present");
    await refused(reregister([{ ...task, framework_id: {} }]), "Expecting 'reregister.tasks[0].framework_id' to be present");
    await refused(reregister([{ ...task, state: undefined }]), "Expecting 'reregister.tasks[0].state' to be present");
    await refused(reregister([{ ...task, resources: undefined }]), "Expecting 'reregister.tasks[0].resources' to be present");
    // The TaskInfo form an agent before this protocol sent.
    await refused(reregister([{ task_info: { name: 't', task_id: { value: 't' } }, framework_id: { value: 'F' }, state: 'TASK_RUNNING' }]), "Expecting 'reregister.tasks[0].task_id' to be present");
    await refused(reregister([null]), "Expecting 'reregister.tasks[0].task_id' to be present");
    assert.equal(master.agents.size, 0);
  });

  it('refuses a reregistration whose task sets lack a required field, naming it, and admits nothing', async () => {
    const entry = { name: 't', task_id: { value: 't' }, state: 'TASK_RUNNING' };
    const set = { framework_id: { value: 'F' }, resources: [], tasks: [entry] };
    const reregister = (taskSets: unknown): AgentCall => reregisterWith({ task_sets: taskSets });
    await refused(reregister({}), "Expecting 'reregister.task_sets' to be a list");
    await refused(reregister([set, null]), "Expecting 'reregister.task_sets[1].framework_id' to be present");
    await refused(reregister([{ ...set, framework_id: {} }]), "Expecting 'reregister.task_sets[0].framework_id' to be present");
    await refused(reregister([{ ...set, resources: undefined }]), "Expecting 'reregister.task_sets[0].resources' to be present");
    await refused(reregister([{ ...set, tasks: {} }]), "Expecting 'reregister.task_sets[0].tasks' to be present");
    await refused(reregister([set, { ...set, tasks: [entry, { ...entry, task_id: undefined }] }]), "Expecting 'reregister.task_sets[1].tasks[1].task_id' to be present");
    await refused(reregister([{ ...set, tasks: [{ ...entry, state: undefined }] }]), "Expecting 'reregister.task_sets[0].tasks[0].state' to be present");
    await refused(reregister([{ ...set, tasks: [null] }]), "Expecting 'reregister.task_sets[0].tasks[0].task_id' to be present");
    assert.equal(master.agents.size, 0);
  });

  it('answers calls as the HTTP endpoint: 202 on the current stream, 403 on another, 400 for an unknown agent', async () => {
    const recorder = new Recorder();
    const end = await channel.open(register(), recorder.handlers);
    await recorder.until(() => recorder.events.length === 1);
    const id = agentIdOf(recorder);
    master.agents.get(id)!.pongPending = true;
    assert.deepEqual(await channel.call({ type: 'PONG', agent_id: { value: id } }, end.streamId), { status: 202, body: '' });
    assert.equal(master.agents.get(id)!.pongPending, false);
    assert.deepEqual(await channel.call({ type: 'PONG', agent_id: { value: id } }, 'some-other-stream'), {
      status: 403,
      body: 'Agent is not registered on this stream',
    });
    assert.deepEqual(await channel.call({ type: 'PONG', agent_id: { value: 'nobody' } }, end.streamId), { status: 400, body: 'Agent cannot be found' });
    assert.equal((await channel.call({ type: 'BATCH', batch: { calls: [] } }, end.streamId)).status, 400);
  });

  it('runs a call on the master only after the caller’s own code, in the order called', async () => {
    const recorder = new Recorder();
    const end = await channel.open(register(), recorder.handlers);
    await recorder.until(() => recorder.events.length === 1);
    const id = agentIdOf(recorder);
    const agent = master.agents.get(id)!;
    agent.pongPending = true;
    const answer = channel.call({ type: 'PONG', agent_id: { value: id } }, end.streamId);
    assert.equal(agent.pongPending, true, 'not handled inside the caller’s stack');
    await answer;
    assert.equal(agent.pongPending, false);
  });

  it('delivers events in order, once per turn, copied when sent', async () => {
    const recorder = new Recorder();
    const end = await channel.open(register(), recorder.handlers);
    await recorder.until(() => recorder.events.length === 1);
    const agent = master.agents.get(agentIdOf(recorder))!;
    const message: AgentEvent = { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: 'f1' } } };
    agent.stream!.send({ type: 'PING' });
    agent.stream!.send(message);
    agent.stream!.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: 'f2' } } });
    // A change after send is not seen: the event left when it was sent, as over a socket.
    (message as { shutdown_framework: { framework_id: { value: string } } }).shutdown_framework.framework_id.value = 'changed';
    assert.equal(recorder.events.length, 1, 'nothing delivered synchronously');
    await nextTurn();
    assert.deepEqual(
      recorder.events.slice(1).map((e) => (e.type === 'SHUTDOWN_FRAMEWORK' ? e.shutdown_framework.framework_id.value : e.type)),
      ['PING', 'f1', 'f2'],
    );
    assert.notEqual(recorder.events[2], message);
    assert.equal(recorder.closes, 0);
    end.close();
  });

  it('closed by the master: events sent before the close arrive, then the end', async () => {
    const recorder = new Recorder();
    await channel.open(register(), recorder.handlers);
    await recorder.until(() => recorder.events.length === 1);
    const agent = master.agents.get(agentIdOf(recorder))!;
    const stream = agent.stream!;
    let masterSawClose = 0;
    stream.onClose(() => masterSawClose++);
    stream.send({ type: 'PING' });
    stream.close();
    stream.send({ type: 'PING' });
    assert.equal(masterSawClose, 1, 'the master’s listeners run at once');
    assert.equal(stream.isClosed, true);
    await recorder.until(() => recorder.closes === 1);
    assert.deepEqual(recorder.events.map((e) => e.type), ['REGISTERED', 'PING']);
    assert.equal(agent.state, 'disconnected');
    assert.equal(channel.size, 0);
  });

  it('closed by the agent: nothing more is delivered and the master marks the agent disconnected', async () => {
    const recorder = new Recorder();
    const end: LocalStreamEnd = await channel.open(register(), recorder.handlers);
    await recorder.until(() => recorder.events.length === 1);
    const agent = master.agents.get(agentIdOf(recorder))!;
    agent.stream!.send({ type: 'PING' });
    end.close();
    end.close();
    assert.equal(recorder.closes, 1, 'onClose runs at once, once');
    assert.equal(agent.state, 'connected', 'the master learns of it after the agent’s stack');
    await Promise.resolve();
    assert.equal(agent.state, 'disconnected');
    await nextTurn();
    assert.deepEqual(recorder.events.map((e) => e.type), ['REGISTERED'], 'the pending PING was dropped');
    assert.equal((await channel.call({ type: 'PONG', agent_id: { value: agent.id } }, end.streamId)).status, 403);
  });

  it('a reregistration replaces the stream: the old one ends, calls on it get 403', async () => {
    const first = new Recorder();
    const old = await channel.open(register(), first.handlers);
    await first.until(() => first.events.length === 1);
    const id = agentIdOf(first);
    const second = new Recorder();
    const reregister: AgentCall = {
      type: 'REREGISTER',
      reregister: { agent_info: { ...INFO, id: { value: id } }, version: '1.11.0', pid: 'slave(1)@127.0.0.1:5051', frameworks: [], executors: [], tasks: [] },
    };
    const current = await channel.open(reregister, second.handlers);
    await second.until(() => second.events.length === 1 && first.closes === 1);
    assert.equal(second.events[0]!.type, 'REREGISTERED');
    assert.equal((await channel.call({ type: 'PONG', agent_id: { value: id } }, old.streamId)).status, 403);
    assert.equal((await channel.call({ type: 'PONG', agent_id: { value: id } }, current.streamId)).status, 202);
  });

  it('once closed, ends open streams and refuses as a closed port', async () => {
    const recorder = new Recorder();
    await channel.open(register(), recorder.handlers);
    channel.close();
    await recorder.until(() => recorder.closes === 1);
    await assert.rejects(channel.open(register(), new Recorder().handlers), (error: unknown) => (error as { code?: string }).code === 'ECONNREFUSED');
  });
});

describe('MasterLink over the in-process channel', () => {
  it('registers, answers pings, and reregisters after the master drops the stream', async () => {
    // Pings every 50 ms: the link's PONGs must reach the master.
    const master = await newMaster(50);
    const channel = new LocalAgentChannel(master);
    const registrations: Registration[] = [];
    const disconnects: string[] = [];
    let agentId: string | undefined;
    const link = new MasterLink({
      masterUrl: '127.0.0.1:5050',
      registrationBackoffFactorMs: 10,
      logger: silent,
      random: () => 0,
      transport: inProcessTransport(channel),
      registerCall: () =>
        agentId === undefined
          ? register()
          : {
              type: 'REREGISTER',
              reregister: { agent_info: { ...INFO, id: { value: agentId } }, version: '1.11.0', pid: 'slave(1)@127.0.0.1:5051', frameworks: [], executors: [], tasks: [] },
            },
      onRegistered: (registration) => {
        agentId = registration.agentId;
        registrations.push(registration);
      },
      onEvent: () => undefined,
      onDisconnected: (reason) => disconnects.push(reason),
    });
    const waitFor = async (predicate: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 3000;
      while (!predicate()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    try {
      link.start();
      await waitFor(() => registrations.length === 1, 'REGISTERED');
      assert.equal(registrations[0]!.masterPid, 'master@127.0.0.1:5050');
      assert.equal(registrations[0]!.reregistered, false);
      const agent = master.agents.get(agentId!)!;
      // A few ping rounds: each PING is answered, so the master never counts a miss.
      let pings = 0;
      const stream = agent.stream!;
      const send = stream.send.bind(stream);
      stream.send = (event) => {
        if (event.type === 'PING') pings++;
        send(event);
      };
      await waitFor(() => pings >= 3, 'three pings');
      await waitFor(() => !agent.pongPending, 'the last PONG');
      assert.equal(agent.missedPings, 0);

      agent.stream!.close();
      await waitFor(() => registrations.length === 2, 'REREGISTERED');
      assert.equal(registrations[1]!.reregistered, true);
      assert.equal(registrations[1]!.agentId, agentId);
      assert.equal(disconnects.length, 1);
      assert.equal(link.connected, true);
      assert.equal(master.agents.get(agentId!)!.state, 'connected');
    } finally {
      link.stop();
      channel.close();
      await master.stop();
    }
  });
});
