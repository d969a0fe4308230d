import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandTaskDriver, type DriverStatus, terminalStatus } from '../../../src/agent/command-executor.js';
import type { ContainerConfig } from '../../../src/agent/containerizer/containerizer.js';
import { ScriptedContainerizer } from './scripted-containerizer.js';

function config(containerId: string): ContainerConfig {
  return {
    containerId,
    sandbox: '/tmp',
    command: { shell: true, value: 'echo hi' },
    env: {},
    stdoutPath: '/tmp/stdout',
    stderrPath: '/tmp/stderr',
    cpus: 0.2,
    memMB: 64,
  };
}

function harness(options: { killingState?: boolean; prepare?: () => Promise<ContainerConfig> } = {}) {
  const containerizer = new ScriptedContainerizer();
  const statuses: DriverStatus[] = [];
  let terminated = 0;
  const driver = new CommandTaskDriver({
    containerizer,
    containerId: 'c1',
    killingState: options.killingState ?? false,
    prepare: options.prepare ?? (async () => config('c1')),
    emit: (s) => statuses.push(s),
    onTerminated: () => terminated++,
    warn: () => {},
  });
  return { containerizer, statuses, driver, terminated: () => terminated };
}

const states = (statuses: DriverStatus[]) => statuses.map((s) => s.state);

describe('CommandTaskDriver', () => {
  it('reports STARTING, RUNNING, FINISHED for a command that exits 0', async () => {
    const h = harness();
    const done = h.driver.launch();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(states(h.statuses), ['TASK_STARTING', 'TASK_RUNNING']);
    assert.equal(h.statuses[1]!.containerStatus?.executor_pid, 1000);
    h.containerizer.exit('c1', { exitCode: 0, status: 0, message: 'Command exited with status 0' });
    await done;
    assert.deepEqual(states(h.statuses), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    assert.equal(h.statuses[2]!.source, 'SOURCE_EXECUTOR');
    assert.equal(h.terminated(), 1);
  });

  it('reports FAILED with the exit status', async () => {
    const h = harness();
    const done = h.driver.launch();
    await new Promise((r) => setImmediate(r));
    h.containerizer.exit('c1', { exitCode: 3, status: 3 << 8, message: 'Command exited with status 3' });
    await done;
    assert.deepEqual(h.statuses.at(-1), {
      state: 'TASK_FAILED',
      source: 'SOURCE_EXECUTOR',
      message: 'Command exited with status 3',
      containerStatus: { container_id: { value: 'c1' }, executor_pid: 1000 },
    });
  });

  it('kills with the given grace and reports KILLED (KILLING first when the framework can see it)', async () => {
    const h = harness({ killingState: true });
    const done = h.driver.launch();
    await new Promise((r) => setImmediate(r));
    h.driver.kill(1500);
    h.driver.kill(1500); // a second kill is ignored
    await done;
    assert.deepEqual(h.containerizer.destroyed, [{ containerId: 'c1', gracePeriodMs: 1500 }]);
    assert.deepEqual(states(h.statuses), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  });

  it('never starts a task killed while its sandbox is prepared', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = harness({ prepare: async () => (await gate, config('c1')) });
    const done = h.driver.launch();
    h.driver.kill(3000);
    release();
    await done;
    assert.equal(h.containerizer.launched.length, 0);
    assert.deepEqual(h.statuses, [
      { state: 'TASK_KILLED', source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH', message: 'Task killed before it was launched' },
    ]);
    assert.equal(h.terminated(), 1);
  });

  it('destroys at once a task killed while its process starts', async () => {
    const h = harness();
    let release!: () => void;
    h.containerizer.launchGate = new Promise<void>((r) => (release = r));
    const done = h.driver.launch();
    await new Promise((r) => setImmediate(r));
    h.driver.kill(3000);
    release();
    await done;
    assert.deepEqual(h.containerizer.destroyed, [{ containerId: 'c1', gracePeriodMs: 0 }]);
    assert.deepEqual(states(h.statuses), ['TASK_STARTING', 'TASK_KILLED']);
    assert.equal(h.statuses[1]!.reason, 'REASON_TASK_KILLED_DURING_LAUNCH');
  });

  it('fails the task when the container cannot be launched', async () => {
    const h = harness();
    h.containerizer.failNextLaunch = 'no launcher';
    await h.driver.launch();
    assert.deepEqual(states(h.statuses), ['TASK_STARTING', 'TASK_FAILED']);
    assert.equal(h.statuses[1]!.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
    assert.equal(h.statuses[1]!.source, 'SOURCE_AGENT');
    assert.match(h.statuses[1]!.message!, /no launcher/);
  });
});

describe('terminalStatus', () => {
  it('maps an isolator limit to FAILED with its reason', () => {
    assert.deepEqual(
      terminalStatus(
        {
          signal: 'SIGKILL',
          message: 'Command terminated with signal Killed',
          limitation: { reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: 'Memory limit exceeded: Requested: 64MB' },
        },
        false,
      ),
      { state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: 'Memory limit exceeded: Requested: 64MB' },
    );
  });
});
