import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandTaskDriver, type DriverStatus } from '../../../src/agent/command-executor.js';
import type { ContainerConfig } from '../../../src/agent/containerizer/containerizer.js';
import type { HealthCheck } from '../../../src/mesos/types.js';
import { waitFor } from '../../e2e/harness.js';
import { ScriptedContainerizer } from './scripted-containerizer.js';

const config: ContainerConfig = {
  containerId: 'c1',
  sandbox: '/tmp',
  command: { shell: true, value: 'sleep 100' },
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OK: '1' },
  stdoutPath: '/tmp/stdout',
  stderrPath: '/tmp/stderr',
  cpus: 0.2,
  memMB: 64,
};

function harness(healthCheck: HealthCheck | undefined) {
  const containerizer = new ScriptedContainerizer();
  const statuses: DriverStatus[] = [];
  const driver = new CommandTaskDriver({
    containerizer,
    containerId: 'c1',
    killingState: true,
    prepare: async () => config,
    emit: (s) => statuses.push(s),
    onTerminated: () => {},
    warn: () => {},
    ...(healthCheck ? { healthCheck } : {}),
    healthKillGraceMs: 250,
  });
  return { containerizer, statuses, driver };
}

const FAST = { delay_seconds: 0, interval_seconds: 0.05, timeout_seconds: 2, grace_period_seconds: 0 };

describe('CommandTaskDriver health checks', () => {
  it('kills after consecutive failures with the kill policy grace; TASK_KILLED healthy=false', async () => {
    const h = harness({ type: 'COMMAND', command: { value: 'exit 1' }, ...FAST, consecutive_failures: 2 });
    await h.driver.launch();
    const shape = h.statuses.map((s) => [s.state, s.healthy, s.reason]);
    assert.deepEqual(shape, [
      ['TASK_STARTING', undefined, undefined],
      ['TASK_RUNNING', undefined, undefined],
      ['TASK_RUNNING', false, 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED'],
      ['TASK_RUNNING', false, 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED'],
      ['TASK_KILLING', false, undefined],
      ['TASK_KILLED', false, undefined],
    ]);
    assert.deepEqual(h.containerizer.destroyed, [{ containerId: 'c1', gracePeriodMs: 250 }]);
  });

  it('reports healthy once, with the task environment, and stops checking when the task ends', async () => {
    const h = harness({ type: 'COMMAND', command: { value: 'test "$OK" = 1' }, ...FAST });
    const done = h.driver.launch();
    await waitFor('healthy', () => h.statuses.some((s) => s.healthy === true), 5_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.statuses.filter((s) => s.healthy !== undefined).length, 1);
    h.containerizer.exit('c1', { exitCode: 0, status: 0, message: 'Command exited with status 0' });
    await done;
    const last = h.statuses.at(-1)!;
    assert.equal(last.state, 'TASK_FINISHED');
    assert.equal(last.healthy, true);
  });

  it('no check, no health fields', async () => {
    const h = harness(undefined);
    const done = h.driver.launch();
    await new Promise((r) => setImmediate(r));
    h.containerizer.exit('c1', { exitCode: 0, status: 0, message: 'Command exited with status 0' });
    await done;
    assert.ok(h.statuses.every((s) => s.healthy === undefined && s.reason === undefined));
  });
});
