/**
 * TurnQueue: a turn's items reach the handler together, in order, from one
 * setImmediate; flush() hands them over at once, and the turn's run then has
 * nothing left to hand (the handler never sees an empty batch).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TurnQueue } from '../../../src/transport/turn-flush.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnQueue', () => {
  it('hands a turn’s items over together and in order, at the end of the turn', async () => {
    const batches: number[][] = [];
    const queue = new TurnQueue<number>((items) => batches.push(items));
    queue.push(1);
    queue.push(2);
    assert.deepEqual(batches, [], 'nothing before the end of the turn');
    await nextTurn();
    queue.push(3);
    await nextTurn();
    assert.deepEqual(batches, [[1, 2], [3]]);
  });

  it('flush() hands what is queued over now; the turn’s run then calls nobody', async () => {
    const batches: number[][] = [];
    const queue = new TurnQueue<number>((items) => batches.push(items));
    queue.flush();
    assert.deepEqual(batches, [], 'an empty queue flushes nothing');
    queue.push(1);
    queue.flush();
    assert.deepEqual(batches, [[1]]);
    queue.push(2);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(batches, [[1], [2]], 'what came after the flush still leaves with the turn');
  });
});
