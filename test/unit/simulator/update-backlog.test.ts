import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  acknowledge,
  dueResend,
  emptyBacklog,
  enqueue,
  holdOnDisconnect,
  latestState,
  resendOnConnect,
  type RetryPolicy,
} from '../../../src/simulator/update-backlog.js';
import type { TaskState, TaskStatus } from '../../../src/mesos/types.js';

const policy: RetryPolicy = { minMs: 10_000, maxMs: 40_000 };
const status = (state: TaskState, uuid: string): TaskStatus => ({ task_id: { value: 't' }, state, uuid });

describe('update backlog', () => {
  it('sends the first update at once and queues the next until the ack', () => {
    const b = emptyBacklog(policy);
    assert.equal(enqueue(b, status('TASK_STARTING', 's'), 0, true)?.uuid, 's');
    assert.equal(b.retryAt, 10_000);
    assert.equal(enqueue(b, status('TASK_RUNNING', 'r'), 1, true), undefined);
    assert.equal(latestState(b), 'TASK_RUNNING');
    const ack = acknowledge(b, 's', 50, true, policy);
    assert.deepEqual({ matched: ack.matched, terminal: ack.terminal, next: ack.send?.uuid }, { matched: true, terminal: false, next: 'r' });
    assert.equal(b.retryAt, 10_050);
    assert.equal(latestState(b), undefined);
  });

  it('ignores an ack for anything but the head', () => {
    const b = emptyBacklog(policy);
    enqueue(b, status('TASK_STARTING', 's'), 0, true);
    enqueue(b, status('TASK_RUNNING', 'r'), 0, true);
    assert.equal(acknowledge(b, 'r', 5, true, policy).matched, false);
    assert.equal(acknowledge(b, 'zzz', 5, true, policy).matched, false);
    assert.equal(b.pending.length, 2);
  });

  it('resends the head with exponential backoff up to the cap', () => {
    const b = emptyBacklog(policy);
    enqueue(b, status('TASK_RUNNING', 'r'), 0, true);
    assert.equal(dueResend(b, 9_999, policy), undefined);
    const times: number[] = [];
    let now = 0;
    for (let i = 0; i < 5; i++) {
      now = b.retryAt!;
      assert.equal(dueResend(b, now, policy)?.uuid, 'r');
      times.push(now);
    }
    // 10 s, then +20, +40, +40, +40 (capped).
    assert.deepEqual(times, [10_000, 30_000, 70_000, 110_000, 150_000]);
  });

  it('reports a terminal ack so the task can be forgotten', () => {
    const b = emptyBacklog(policy);
    enqueue(b, status('TASK_FINISHED', 'f'), 0, true);
    const ack = acknowledge(b, 'f', 1, true, policy);
    assert.equal(ack.terminal, true);
    assert.equal(ack.send, undefined);
    assert.equal(b.retryAt, undefined);
    assert.equal(dueResend(b, 100_000, policy), undefined);
  });

  it('holds everything while disconnected and resends the head on reconnect with the backoff reset', () => {
    const b = emptyBacklog(policy);
    enqueue(b, status('TASK_STARTING', 's'), 0, true);
    dueResend(b, 10_000, policy);
    assert.equal(b.backoffMs, 20_000);
    holdOnDisconnect(b);
    assert.equal(dueResend(b, 1_000_000, policy), undefined);
    assert.equal(enqueue(b, status('TASK_RUNNING', 'r'), 1, false), undefined);
    assert.equal(resendOnConnect(b, 2_000_000, policy)?.uuid, 's');
    assert.equal(b.retryAt, 2_010_000);
  });

  it('queues without sending while disconnected, even when idle', () => {
    const b = emptyBacklog(policy);
    assert.equal(enqueue(b, status('TASK_STARTING', 's'), 0, false), undefined);
    assert.equal(b.retryAt, undefined);
    assert.equal(resendOnConnect(b, 5, policy)?.uuid, 's');
  });
});
