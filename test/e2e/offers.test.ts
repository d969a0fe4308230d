/**
 * Offer semantics on a real `meseta local`: --offer_timeout rescinds, a DECLINE
 * filter keeps the resources from that framework (but not from others),
 * SUPPRESS stops offers and REVIVE brings them back at once.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupDirs, startLocal, stopAll, type LocalCluster } from './harness.js';
import { RawScheduler } from './raw-scheduler.js';

describe('offers', () => {
  let cluster: LocalCluster;
  const schedulers: RawScheduler[] = [];
  const scheduler = (): RawScheduler => {
    const s = new RawScheduler(cluster.url);
    schedulers.push(s);
    return s;
  };
  before(async () => {
    cluster = await startLocal({ flags: ['--offer_timeout=1secs', '--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31010]'] });
  });
  afterEach(() => {
    for (const s of schedulers.splice(0)) s.close();
  });
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('rescinds an offer held past --offer_timeout and offers it again', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'holder' });
    const [offer] = await s.offers();
    const rescind = await s.next('RESCIND', () => true, 10_000);
    assert.equal((rescind.rescind as { offer_id: { value: string } }).offer_id.value, offer.id.value);
    const [again] = await s.offers(10_000);
    assert.notEqual(again.id.value, offer.id.value);
  });

  it('a decline filter holds resources back from that framework only', async () => {
    const a = scheduler();
    await a.subscribe({ name: 'decliner' });
    const [offer] = await a.offers();
    assert.equal(await a.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 60 } } }), 202);
    // Another framework gets the agent's resources at once.
    const b = scheduler();
    await b.subscribe({ name: 'other' });
    const [forB] = await b.offers(5_000);
    assert.equal(forB.agent_id.value, offer.agent_id.value);
    // When b goes away, a still receives nothing while its filter lasts ...
    b.close();
    await assert.rejects(a.offers(2_500), /Timed out/);
    // ... and REVIVE clears the filter at once.
    assert.equal(await a.call({ type: 'REVIVE' }), 202);
    await a.offers(5_000);
  });

  it('SUPPRESS stops offers; REVIVE resumes them', async () => {
    const s = scheduler();
    await s.subscribe({ name: 'suppressor' });
    const [offer] = await s.offers();
    await s.call({ type: 'SUPPRESS' });
    await s.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 0 } } });
    await assert.rejects(s.offers(2_500), /Timed out/);
    await s.call({ type: 'REVIVE' });
    await s.offers(5_000);
  });
});
