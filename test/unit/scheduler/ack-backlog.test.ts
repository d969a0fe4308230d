/**
 * AckBacklog with a sender the test settles by hand: at most `window`
 * acknowledgements are being sent, the rest wait in order; a failed or
 * throwing send is reported and the next one goes; clear() drops only what
 * waits; order holds across the queue's compaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckBacklog } from '../../../src/scheduler/ack-backlog.js';

interface Sent {
  agentId: string;
  taskId: string;
  uuid: string;
  resolve(): void;
  reject(error: Error): void;
}

function recorder(window: number): { backlog: AckBacklog; sent: Sent[]; failures: Array<[string, string]> } {
  const sent: Sent[] = [];
  const failures: Array<[string, string]> = [];
  const backlog = new AckBacklog(
    window,
    (agentId, taskId, uuid) =>
      new Promise<void>((resolve, reject) => {
        if (taskId === 'throws') throw new Error('sender threw');
        sent.push({ agentId, taskId, uuid, resolve, reject });
      }),
    (taskId, error) => failures.push([taskId, (error as Error).message]),
  );
  return { backlog, sent, failures };
}

/** Lets settled promises run their handlers. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('sends at most the window at once; the rest go in order as earlier ones settle', async () => {
  const { backlog, sent } = recorder(2);
  for (let i = 0; i < 5; i++) backlog.add(`a${i}`, `t${i}`, `u${i}`);
  assert.deepEqual(sent.map((s) => s.taskId), ['t0', 't1']);
  assert.equal(backlog.inFlight, 2);
  assert.equal(backlog.waiting, 3);
  sent[1]!.resolve();
  await settle();
  assert.deepEqual(sent.map((s) => s.taskId), ['t0', 't1', 't2']);
  assert.deepEqual([sent[2]!.agentId, sent[2]!.uuid], ['a2', 'u2']);
  sent[0]!.resolve();
  sent[2]!.resolve();
  await settle();
  assert.deepEqual(sent.map((s) => s.taskId), ['t0', 't1', 't2', 't3', 't4']);
  assert.equal(backlog.waiting, 0);
  sent[3]!.resolve();
  sent[4]!.resolve();
  await settle();
  assert.equal(backlog.inFlight, 0);
});

test('a failed send is reported, not retried, and the next acknowledgement goes', async () => {
  const { backlog, sent, failures } = recorder(1);
  backlog.add('a', 't0', 'u0');
  backlog.add('a', 't1', 'u1');
  sent[0]!.reject(new Error('refused: 400'));
  await settle();
  assert.deepEqual(failures, [['t0', 'refused: 400']]);
  assert.deepEqual(sent.map((s) => s.taskId), ['t0', 't1']);
});

test('a sender that throws is reported the same way', async () => {
  const { backlog, sent, failures } = recorder(1);
  backlog.add('a', 'throws', 'u0');
  backlog.add('a', 't1', 'u1');
  await settle();
  assert.deepEqual(failures, [['throws', 'sender threw']]);
  assert.deepEqual(sent.map((s) => s.taskId), ['t1']);
});

test('clear() drops what waits; what is being sent settles as before and later ones go', async () => {
  const { backlog, sent } = recorder(1);
  for (let i = 0; i < 4; i++) backlog.add('a', `t${i}`, 'u');
  backlog.clear();
  assert.equal(backlog.waiting, 0);
  assert.equal(backlog.inFlight, 1);
  backlog.add('a', 'after', 'u');
  sent[0]!.resolve();
  await settle();
  assert.deepEqual(sent.map((s) => s.taskId), ['t0', 'after']);
});

test('order holds over thousands waiting, past the compaction of the queue', async () => {
  const { backlog, sent } = recorder(3);
  const n = 5000;
  for (let i = 0; i < n; i++) backlog.add('a', `t${i}`, 'u');
  let next = 0;
  while (next < n) {
    sent[next++]!.resolve();
    await settle();
    // Something added while the earliest have been compacted away still comes last.
    if (next === 2000) backlog.add('a', 'late', 'u');
  }
  sent[n]!.resolve();
  await settle();
  assert.deepEqual(sent.map((s) => s.taskId), [...Array.from({ length: n }, (_, i) => `t${i}`), 'late']);
  assert.equal(backlog.waiting, 0);
});
