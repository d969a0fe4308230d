/**
 * LinkRetry: a fleet reopens a link that was up at once, waits after a failed
 * attempt, and goes at once to a newly detected leader even while waiting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINK_RETRY_MS, LinkRetry } from '../../../src/simulator/link-retry.js';

describe('LinkRetry', () => {
  const clock = (): { now: number; read: () => number } => {
    const c = { now: 5_000, read: () => c.now };
    return c;
  };

  it('is due before any attempt, and at once after a link that was up ends', () => {
    const c = clock();
    const retry = new LinkRetry(c.read);
    assert.equal(retry.due(), true);
    retry.ended(true);
    assert.equal(retry.due(), true);
  });

  it('waits the delay after a failed attempt', () => {
    const c = clock();
    const retry = new LinkRetry(c.read);
    retry.ended(false);
    assert.equal(retry.due(), false);
    c.now += LINK_RETRY_MS - 1;
    assert.equal(retry.due(), false);
    c.now += 1;
    assert.equal(retry.due(), true);
  });

  it('a new leader ends the wait left by a failed attempt on the old one', () => {
    const c = clock();
    const retry = new LinkRetry(c.read, 800);
    retry.ended(false);
    c.now += 10;
    assert.equal(retry.due(), false);
    retry.leaderChanged();
    assert.equal(retry.due(), true);
    // Attempts on the new leader that fail wait again.
    retry.ended(false);
    assert.equal(retry.due(), false);
    c.now += 800;
    assert.equal(retry.due(), true);
  });
});
