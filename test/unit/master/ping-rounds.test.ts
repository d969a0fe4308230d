import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PingRounds, pingSlices } from '../../../src/master/ping-rounds.js';

describe('PingRounds', () => {
  it('visits every item exactly once per round, a slice per tick', () => {
    const items = Array.from({ length: 1003 }, (_, i) => i);
    const rounds = new PingRounds<number>(10);
    for (let round = 0; round < 3; round++) {
      const seen: number[] = [];
      for (let tick = 0; tick < 10; tick++) {
        const slice = rounds.next(() => items);
        assert.ok(slice.length <= 101, `tick ${tick}: ${slice.length} items`);
        seen.push(...slice);
      }
      assert.deepEqual(seen, items);
    }
  });

  it('takes its snapshot at the start of a round: items added later wait for the next one', () => {
    const items = new Set(['a', 'b', 'c', 'd']);
    const rounds = new PingRounds<string>(2);
    assert.deepEqual(rounds.next(() => items), ['a', 'b']);
    items.add('e');
    items.delete('c');
    // The caller skips what was removed since (the master checks its agent map).
    assert.deepEqual(rounds.next(() => items), ['c', 'd']);
    assert.deepEqual([...rounds.next(() => items), ...rounds.next(() => items)], ['a', 'b', 'd', 'e']);
  });

  it('with one slice visits everyone on every tick; fewer items than slices leaves ticks empty', () => {
    const all = new PingRounds<number>(1);
    assert.deepEqual(all.next(() => [1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(all.next(() => [1, 2, 3]), [1, 2, 3]);
    const sparse = new PingRounds<number>(5);
    const ticks = Array.from({ length: 5 }, () => sparse.next(() => [7, 8]));
    assert.deepEqual(ticks, [[7], [8], [], [], []]);
  });

  it('refuses a slice count that is not a positive integer', () => {
    assert.throws(() => new PingRounds(0), RangeError);
    assert.throws(() => new PingRounds(1.5), RangeError);
  });

  it('ticks about every 100 ms of the ping period', () => {
    assert.equal(pingSlices(15_000), 150);
    assert.equal(pingSlices(1_000), 10);
    assert.equal(pingSlices(40), 1);
  });
});
