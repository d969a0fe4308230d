import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimerWheel } from '../../../src/simulator/timer-wheel.js';

describe('TimerWheel', () => {
  it('fires items at or after their deadline, earliest first', () => {
    const wheel = new TimerWheel<string>(10, 8, 1000);
    wheel.schedule(1025, 'c');
    wheel.schedule(1005, 'a');
    wheel.schedule(1015, 'b');
    assert.deepEqual(wheel.advance(1004), []);
    assert.deepEqual(wheel.advance(1015), ['a', 'b']);
    assert.equal(wheel.size, 1);
    assert.deepEqual(wheel.advance(1030), ['c']);
    assert.equal(wheel.size, 0);
  });

  it('keeps an entry later within the current tick for the next advance', () => {
    const wheel = new TimerWheel<string>(10, 8, 0);
    wheel.schedule(19, 'late');
    assert.deepEqual(wheel.advance(12), []);
    assert.deepEqual(wheel.advance(19), ['late']);
  });

  it('fires past deadlines on the next advance', () => {
    const wheel = new TimerWheel<string>(10, 8, 0);
    wheel.advance(500);
    wheel.schedule(100, 'past');
    assert.deepEqual(wheel.advance(500), ['past']);
  });

  it('holds deadlines more than one turn ahead until their turn', () => {
    const wheel = new TimerWheel<string>(10, 4, 0); // one turn = 40 ms
    wheel.schedule(95, 'far');
    wheel.schedule(15, 'near');
    assert.deepEqual(wheel.advance(20), ['near']);
    assert.deepEqual(wheel.advance(60), []);
    assert.deepEqual(wheel.advance(94), []);
    assert.deepEqual(wheel.advance(95), ['far']);
  });

  it('survives a jump of many turns in one advance', () => {
    const wheel = new TimerWheel<number>(10, 4, 0);
    for (let i = 0; i < 20; i++) wheel.schedule(i * 37, i);
    assert.deepEqual(wheel.advance(10_000), Array.from({ length: 20 }, (_, i) => i));
  });

  it('property: every item fires exactly once, not before its deadline, in deadline order per advance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 16 }),
        (deadlines, steps, tick, slots) => {
          const wheel = new TimerWheel<number>(tick, slots, 0);
          deadlines.forEach((at, i) => wheel.schedule(at, i));
          const fired = new Set<number>();
          let now = 0;
          for (const step of [...steps, 3000]) {
            now += step;
            const out = wheel.advance(now);
            for (let k = 0; k < out.length; k++) {
              const i = out[k]!;
              assert.ok(deadlines[i]! <= now, 'not early');
              assert.ok(!fired.has(i), 'once');
              if (k > 0) assert.ok(deadlines[out[k - 1]!]! <= deadlines[i]!, 'ordered');
              fired.add(i);
            }
            // Nothing due is left behind.
            for (let i = 0; i < deadlines.length; i++) if (deadlines[i]! <= now) assert.ok(fired.has(i), `item ${i} due at ${deadlines[i]} fired by ${now}`);
          }
          assert.equal(wheel.size, 0);
        },
      ),
    );
  });
});
