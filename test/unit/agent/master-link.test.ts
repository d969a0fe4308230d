import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Registration, MasterLink, masterPidOf, normalizeMasterUrl } from '../../../src/agent/master-link.js';
import type { AgentEvent } from '../../../src/mesos/agent-protocol.js';
import { FakeMaster, waitFor } from './fake-master.js';

describe('master link', () => {
  it('normalizes --master forms', () => {
    assert.equal(normalizeMasterUrl('master:5050'), 'http://master:5050');
    assert.equal(normalizeMasterUrl('http://10.0.0.1:5050/'), 'http://10.0.0.1:5050');
    assert.equal(masterPidOf('http://10.0.0.1:5050'), 'master@10.0.0.1:5050');
  });

  it('retries an unreachable master with backoff, then registers and forwards events', async () => {
    // Find a free port, then leave it closed so the first attempts are refused.
    const probe = new FakeMaster();
    const port = await probe.start();
    await probe.stop();

    const logs: string[] = [];
    const events: AgentEvent[] = [];
    const registrations: Registration[] = [];
    const link = new MasterLink({
      masterUrl: `127.0.0.1:${port}`,
      registrationBackoffFactorMs: 50,
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      registerCall: () => ({ type: 'REGISTER', register: { agent_info: { hostname: 'h' }, version: '1.12.0', pid: 'slave(1)@127.0.0.1:1' } }),
      onRegistered: (r) => registrations.push(r),
      onEvent: (e) => events.push(e),
      onDisconnected: () => {},
      random: () => 1,
    });
    link.start();
    assert.equal(logs[0], `New master detected at master@127.0.0.1:${port}`);
    await waitFor('two refused attempts', () => logs.filter((l) => l.startsWith('Failed to connect')).length >= 2);
    const failures = logs.filter((l) => l.startsWith('Failed to connect'));
    assert.equal(failures[0], `Failed to connect to master at http://127.0.0.1:${port}: Connection refused; retrying in 0.05 secs`);
    assert.equal(failures[1], `Failed to connect to master at http://127.0.0.1:${port}: Connection refused; retrying in 0.1 secs`);

    const master = new FakeMaster();
    await master.start(port);
    try {
      await waitFor('registered', () => registrations.length === 1);
      assert.equal(registrations[0]!.agentId, master.agentId);
      assert.equal(link.connected, true);
      master.send({ type: 'PING' });
      await waitFor('PONG', () => master.callsOf('PONG').length === 1);
      assert.equal(master.calls[0]!.streamId, master.streamId);
      master.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: 'f' } } });
      await waitFor('event forwarded', () => events.length === 1);
      assert.equal(events[0]!.type, 'SHUTDOWN_FRAMEWORK');
    } finally {
      link.stop();
      await master.stop();
    }
  });
});
