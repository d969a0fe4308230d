import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SoloLeadership, type Leadership, type LeadershipEvents } from '../../../src/coordination/leadership.js';
import { runLeadershipTerms, settleWithin } from '../../../src/coordination/leadership-terms.js';
import { Listeners } from '../../../src/scheduler/listeners.js';

/** A leadership the test elects and defeats by hand (what ZooKeeper does for real). */
class ManualLeadership implements Leadership {
  private readonly listeners = new Listeners<LeadershipEvents>();
  isLeader = false;
  abdications = 0;
  async start(): Promise<void> {}
  leader(): string | undefined {
    return this.isLeader ? 'me:1' : undefined;
  }
  on<K extends keyof LeadershipEvents>(name: K, listener: (...args: LeadershipEvents[K]) => void): () => void {
    return this.listeners.on(name, listener);
  }
  elect(): void {
    this.isLeader = true;
    this.listeners.emit('elected');
  }
  defeat(reason: string): void {
    this.isLeader = false;
    this.listeners.emit('defeated', reason);
  }
  async abdicate(): Promise<void> {
    this.abdications++;
  }
  async close(): Promise<void> {}
}

const quietLogger = () => {
  const errors: string[] = [];
  return { errors, logger: { error: (m: string) => errors.push(m) } };
};

describe('runLeadershipTerms', () => {
  it('runs take-overs and step-downs one after the other, in order, never overlapping', async () => {
    const leadership = new ManualLeadership();
    const log: string[] = [];
    let active = 0;
    const step = (name: string) => async () => {
      active++;
      assert.equal(active, 1, 'transitions overlap');
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} end`);
      active--;
    };
    const { logger } = quietLogger();
    const terms = await runLeadershipTerms({ leadership, solo: false, takeOver: step('up'), stepDown: (reason) => step(`down:${reason}`)(), name: 'X', logger });
    leadership.elect();
    leadership.defeat('session expired');
    leadership.elect();
    await terms.enqueue(async () => undefined);
    assert.deepEqual(log, ['up start', 'up end', 'down:session expired start', 'down:session expired end', 'up start', 'up end']);
  });

  it('solo: the first term is part of starting, and its failure fails the start', async () => {
    const { logger } = quietLogger();
    let tookOver = false;
    await runLeadershipTerms({ leadership: new SoloLeadership('me:1'), solo: true, takeOver: async () => void (tookOver = true), stepDown: async () => undefined, name: 'X', logger });
    assert.ok(tookOver, 'led before start resolved');
    await assert.rejects(
      runLeadershipTerms({ leadership: new SoloLeadership('me:1'), solo: true, takeOver: async () => Promise.reject(new Error('store unreadable')), stepDown: async () => undefined, name: 'X', logger }),
      /store unreadable/,
    );
  });

  it('elected: a failed take-over abdicates so another candidate leads, and later terms still run', async () => {
    const leadership = new ManualLeadership();
    const { errors, logger } = quietLogger();
    let attempts = 0;
    const terms = await runLeadershipTerms({
      leadership,
      solo: false,
      takeOver: async () => {
        attempts++;
        if (attempts === 1) throw new Error('master unreachable');
      },
      stepDown: async () => undefined,
      name: 'Chronos',
      logger,
    });
    leadership.elect();
    await terms.enqueue(async () => undefined);
    await new Promise((r) => setImmediate(r));
    assert.equal(leadership.abdications, 1);
    assert.match(errors[0] ?? '', /Failed to take over as the Chronos leader: master unreachable/);
    leadership.elect();
    await terms.enqueue(async () => undefined);
    assert.equal(attempts, 2, 'the next term ran after the failed one');
  });
});

describe('settleWithin', () => {
  it('returns when the promise settles, either way, or at the bound', async () => {
    await settleWithin(Promise.resolve(1), 10_000);
    await settleWithin(Promise.reject(new Error('x')), 10_000);
    const started = Date.now();
    await settleWithin(new Promise(() => undefined), 20);
    assert.ok(Date.now() - started < 5_000);
  });
});
