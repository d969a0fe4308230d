import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildExecutorEnv } from '../../../src/agent/executor-env.js';
import { parseDuration } from '../../../src/mesos/durations.js';

const base = {
  frameworkId: 'f1-0000',
  executorId: 't1',
  agentId: 'a1-S0',
  agentPid: 'slave(1)@10.0.0.2:5051',
  agentEndpoint: '10.0.0.2:5051',
  directory: '/w/sandbox',
  shutdownGracePeriodMs: 5000,
};

describe('buildExecutorEnv: checkpointing and --recovery_timeout', () => {
  it('gives a checkpointing executor MESOS_CHECKPOINT=1 and the agent recovery timeout in Mesos format', () => {
    const env = buildExecutorEnv({ ...base, checkpoint: true, recoveryTimeoutMs: 15 * 60_000 });
    assert.equal(env['MESOS_CHECKPOINT'], '1');
    assert.equal(env['MESOS_RECOVERY_TIMEOUT'], '15mins');
  });

  it('keeps odd durations exact so the executor library parses back the same bound', () => {
    for (const ms of [90_000, 1500, 2 * 3600_000]) {
      const env = buildExecutorEnv({ ...base, checkpoint: true, recoveryTimeoutMs: ms });
      assert.equal(parseDuration(env['MESOS_RECOVERY_TIMEOUT']!), ms);
    }
  });

  it('leaves MESOS_RECOVERY_TIMEOUT out without checkpointing (the executor dies with its agent) or without a timeout', () => {
    const plain = buildExecutorEnv({ ...base, checkpoint: false, recoveryTimeoutMs: 60_000 });
    assert.equal(plain['MESOS_CHECKPOINT'], '0');
    assert.equal('MESOS_RECOVERY_TIMEOUT' in plain, false);
    assert.equal('MESOS_RECOVERY_TIMEOUT' in buildExecutorEnv({ ...base, checkpoint: true }), false);
  });

  it('lets --executor_environment_variables not override the agent-set value', () => {
    const env = buildExecutorEnv({ ...base, checkpoint: true, recoveryTimeoutMs: 60_000, flagVariables: { MESOS_RECOVERY_TIMEOUT: '1secs' } });
    assert.equal(env['MESOS_RECOVERY_TIMEOUT'], '1mins');
  });
});
