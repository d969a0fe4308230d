import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PATH, buildExecutorEnv } from '../../../src/agent/executor-env.js';

const base = {
  frameworkId: 'f1-0000',
  executorId: 't1',
  agentId: 'a1-S0',
  agentPid: 'slave(1)@10.0.0.2:5051',
  agentEndpoint: '10.0.0.2:5051',
  directory: '/w/slaves/a1-S0/frameworks/f1-0000/executors/t1/runs/c1',
  checkpoint: false,
  shutdownGracePeriodMs: 5000,
};

describe('buildExecutorEnv', () => {
  it('sets the MESOS_* variables an executor is given, and a default PATH', () => {
    const env = buildExecutorEnv({ ...base, allocationRole: '*' });
    assert.deepEqual(env, {
      MESOS_FRAMEWORK_ID: 'f1-0000',
      MESOS_EXECUTOR_ID: 't1',
      MESOS_DIRECTORY: base.directory,
      MESOS_SANDBOX: base.directory,
      MESOS_AGENT_ID: 'a1-S0',
      MESOS_SLAVE_ID: 'a1-S0',
      MESOS_SLAVE_PID: 'slave(1)@10.0.0.2:5051',
      MESOS_AGENT_ENDPOINT: '10.0.0.2:5051',
      MESOS_CHECKPOINT: '0',
      MESOS_HTTP_COMMAND_EXECUTOR: '0',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
      MESOS_ALLOCATION_ROLE: '*',
      LIBPROCESS_PORT: '0',
      PATH: DEFAULT_PATH,
    });
  });

  it('never inherits the agent environment', () => {
    process.env['MESETA_TEST_LEAK'] = 'x';
    assert.equal(buildExecutorEnv(base)['MESETA_TEST_LEAK'], undefined);
    delete process.env['MESETA_TEST_LEAK'];
  });

  it('applies flag variables first and CommandInfo.environment last, skipping secrets', () => {
    const env = buildExecutorEnv({
      ...base,
      checkpoint: true,
      shutdownGracePeriodMs: 90_000,
      flagVariables: { PATH: '/opt/bin', FOO: 'flag' },
      command: {
        value: 'env',
        environment: {
          variables: [
            { name: 'FOO', value: 'command' },
            { name: 'MESOS_SANDBOX', value: '/mnt/mesos/sandbox' },
            { name: 'TOKEN', type: 'SECRET' },
          ],
        },
      },
    });
    assert.equal(env['PATH'], '/opt/bin');
    assert.equal(env['FOO'], 'command');
    assert.equal(env['MESOS_SANDBOX'], '/mnt/mesos/sandbox');
    assert.equal(env['TOKEN'], undefined);
    assert.equal(env['MESOS_CHECKPOINT'], '1');
    assert.equal(env['MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD'], '90secs');
  });
});
