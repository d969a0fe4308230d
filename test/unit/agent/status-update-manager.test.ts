import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusUpdateManager } from '../../../src/agent/status-update-manager.js';
import type { StatusUpdate } from '../../../src/agent/status-update-streams.js';

const clock = { now: () => Date.now() };

function update(taskId: string, uuid: string, state: 'TASK_RUNNING' | 'TASK_FINISHED' = 'TASK_RUNNING'): StatusUpdate {
  return { framework_id: { value: 'fw' }, status: { task_id: { value: taskId }, state, uuid } };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('StatusUpdateManager retries', () => {
  it('retries every unacknowledged update about minMs after it was sent, across a burst of others', async () => {
    const sent: Array<{ uuid: string; at: number }> = [];
    const manager = new StatusUpdateManager({ clock, policy: { minMs: 100, maxMs: 1000 }, forward: (u) => sent.push({ uuid: u.status.uuid!, at: Date.now() }) });
    manager.connect();
    try {
      // A burst: many streams sent and acknowledged, so the retry timer is kept, not recomputed.
      for (let i = 0; i < 200; i++) manager.update(update(`t${i}`, `u${i}`));
      for (let i = 0; i < 199; i++) manager.acknowledge('fw', `t${i}`, `u${i}`);
      // Sent later than the timer's deadline, while that timer (set for t0, now acknowledged) still runs.
      await new Promise((r) => setTimeout(r, 60));
      manager.update(update('late', 'ul'));
      const lateSent = sent.at(-1)!.at;
      await waitFor('retries of t199 and late', () => sent.filter((s) => s.uuid === 'u199' || s.uuid === 'ul').length >= 4);
      const retries = (uuid: string): number[] => sent.filter((s) => s.uuid === uuid).map((s) => s.at);
      assert.ok(retries('ul')[1]! - lateSent >= 95, 'not retried before minMs');
      assert.ok(retries('ul')[1]! - lateSent < 1000, `late retried ${retries('ul')[1]! - lateSent} ms after it was sent`);
      // Acknowledged ones are never resent.
      for (let i = 0; i < 199; i++) assert.equal(retries(`u${i}`).length, 1);
    } finally {
      manager.stop();
    }
  });

  it('sends the next update of a stream on acknowledgement, and nothing after the terminal one', () => {
    const sent: string[] = [];
    const manager = new StatusUpdateManager({ clock, policy: { minMs: 10_000, maxMs: 20_000 }, forward: (u) => sent.push(u.status.uuid!) });
    manager.connect();
    try {
      manager.update(update('t', 'a'));
      manager.update(update('t', 'b', 'TASK_FINISHED'));
      assert.deepEqual(sent, ['a']);
      assert.equal(manager.acknowledge('fw', 't', 'a').kind, 'acknowledged');
      assert.deepEqual(sent, ['a', 'b']);
      const last = manager.acknowledge('fw', 't', 'b');
      assert.ok(last.kind === 'acknowledged' && last.terminal);
      assert.deepEqual(manager.pending('fw', 't'), []);
    } finally {
      manager.stop();
    }
  });
});
