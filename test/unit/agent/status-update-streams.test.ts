import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskState } from '../../../src/mesos/types.js';
import { type StatusUpdate, StatusUpdateStreams } from '../../../src/agent/status-update-streams.js';

const policy = { minMs: 10_000, maxMs: 40_000 };

function update(task: string, state: TaskState, uuid: string, framework = 'fw'): StatusUpdate {
  return { framework_id: { value: framework }, status: { task_id: { value: task }, state, uuid } };
}

function uuids(updates: StatusUpdate[]): string[] {
  return updates.map((u) => u.status.uuid!);
}

describe('StatusUpdateStreams', () => {
  it('sends one update per task at a time, the next only after the ack', () => {
    const s = new StatusUpdateStreams(policy);
    s.connect(0);
    assert.deepEqual(s.add(update('t1', 'TASK_STARTING', 'a'), 0), { kind: 'queued', send: [update('t1', 'TASK_STARTING', 'a')] });
    // Queued behind the in-flight STARTING: nothing goes out yet.
    assert.deepEqual(s.add(update('t1', 'TASK_RUNNING', 'b'), 1), { kind: 'queued', send: [] });
    assert.deepEqual(s.add(update('t1', 'TASK_FINISHED', 'c'), 2), { kind: 'queued', send: [] });
    // Another task's stream is independent.
    assert.equal((s.add(update('t2', 'TASK_STARTING', 'x'), 3) as { send: StatusUpdate[] }).send.length, 1);

    const ack1 = s.acknowledge('fw', 't1', 'a', 100);
    assert.equal(ack1.kind, 'acknowledged');
    assert.deepEqual(uuids((ack1 as { send: StatusUpdate[] }).send), ['b']);
    const ack2 = s.acknowledge('fw', 't1', 'b', 200);
    assert.deepEqual(uuids((ack2 as { send: StatusUpdate[] }).send), ['c']);
    const ack3 = s.acknowledge('fw', 't1', 'c', 300);
    assert.deepEqual(ack3, { kind: 'acknowledged', terminal: true, send: [] });
    // The terminal ack freed the stream.
    assert.deepEqual(s.pending('fw', 't1'), []);
    assert.equal(s.describe().streams, 1);
  });

  it('retries the in-flight update with doubling backoff, capped', () => {
    const s = new StatusUpdateStreams(policy);
    s.connect(0);
    s.add(update('t1', 'TASK_RUNNING', 'a'), 0);
    assert.equal(s.nextDeadline(), 10_000);
    assert.deepEqual(s.due(9_999), []);
    assert.deepEqual(uuids(s.due(10_000)), ['a']); // backoff now 20 s
    assert.equal(s.nextDeadline(), 30_000);
    assert.deepEqual(uuids(s.due(30_000)), ['a']); // 40 s (cap)
    assert.equal(s.nextDeadline(), 70_000);
    assert.deepEqual(uuids(s.due(70_000)), ['a']); // stays 40 s
    assert.equal(s.nextDeadline(), 110_000);
    // An ack resets the backoff for the next update.
    s.add(update('t1', 'TASK_FINISHED', 'b'), 100_000);
    s.acknowledge('fw', 't1', 'a', 100_000);
    assert.equal(s.nextDeadline(), 110_000);
  });

  it('ignores an acknowledgement for another uuid and keeps retrying', () => {
    const s = new StatusUpdateStreams(policy);
    s.connect(0);
    s.add(update('t1', 'TASK_RUNNING', 'a'), 0);
    assert.deepEqual(s.acknowledge('fw', 't1', 'zzz', 1), { kind: 'unexpected', expected: 'a' });
    assert.deepEqual(s.acknowledge('fw', 'nope', 'a', 1), { kind: 'unknown-stream' });
    assert.deepEqual(uuids(s.due(10_000)), ['a']);
  });

  it('queues while disconnected and resends every head on connect', () => {
    const s = new StatusUpdateStreams(policy);
    assert.deepEqual(s.add(update('t1', 'TASK_STARTING', 'a'), 0), { kind: 'queued', send: [] });
    s.add(update('t1', 'TASK_RUNNING', 'b'), 0);
    s.add(update('t2', 'TASK_FAILED', 'c'), 0);
    assert.equal(s.nextDeadline(), undefined);
    assert.deepEqual(s.due(1e9), []);
    assert.deepEqual(uuids(s.connect(5)).sort(), ['a', 'c']);
    // A disconnect in flight: nothing is retried until the next connect, which resends the same head.
    s.disconnect();
    assert.equal(s.nextDeadline(), undefined);
    assert.deepEqual(uuids(s.connect(50)).sort(), ['a', 'c']);
  });

  it('drops duplicates and updates after a terminal one, rejects updates without uuid or STAGING', () => {
    const s = new StatusUpdateStreams(policy);
    s.connect(0);
    s.add(update('t1', 'TASK_RUNNING', 'a'), 0);
    assert.deepEqual(s.add(update('t1', 'TASK_RUNNING', 'a'), 1), { kind: 'duplicate' });
    s.add(update('t1', 'TASK_KILLED', 'b'), 1);
    assert.deepEqual(s.add(update('t1', 'TASK_RUNNING', 'c'), 2), { kind: 'after-terminal' });
    assert.equal(s.add({ framework_id: { value: 'fw' }, status: { task_id: { value: 't1' }, state: 'TASK_RUNNING' } }, 0).kind, 'invalid');
    assert.equal(s.add(update('t3', 'TASK_STAGING', 'd'), 0).kind, 'invalid');
    assert.deepEqual(uuids([...s.pending('fw', 't1')]), ['a', 'b']);
  });

  it('forgets a removed framework', () => {
    const s = new StatusUpdateStreams(policy);
    s.connect(0);
    s.add(update('t1', 'TASK_RUNNING', 'a', 'f1'), 0);
    s.add(update('t1', 'TASK_RUNNING', 'b', 'f2'), 0);
    s.removeFramework('f1');
    assert.deepEqual(s.describe(), { streams: 1, inFlight: 1, queued: 1, connected: true });
    assert.deepEqual(uuids(s.due(10_000)), ['b']);
  });
});
