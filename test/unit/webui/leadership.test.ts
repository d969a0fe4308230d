/** The non-leader banner's logic: what one `/master/state` answer says about leadership. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leaderRoot, leaderUrlFromInfo, leadershipBanner, leadershipOf } from '../../../src/webui/src/master/leadership.js';

describe('leadershipOf', () => {
  it('200 → leader, no banner', () => {
    const l = leadershipOf({ status: 200, type: 'basic' });
    assert.deepEqual(l, { kind: 'leader' });
    assert.equal(leadershipBanner(l), undefined);
  });

  it("an opaque redirect (fetch with redirect: 'manual') → follower without an address", () => {
    const l = leadershipOf({ status: 0, type: 'opaqueredirect' });
    assert.deepEqual(l, { kind: 'follower' });
    assert.equal(leadershipBanner(l), 'This master is not the leader.');
  });

  it('307 with a scheme-relative Location → follower with the leader root', () => {
    const l = leadershipOf({ status: 307, location: '//10.0.0.2:5050/master/state' }, 'https:');
    assert.deepEqual(l, { kind: 'follower', leaderUrl: 'https://10.0.0.2:5050/' });
    assert.match(leadershipBanner(l)!, /leading master is at https:\/\/10\.0\.0\.2:5050\//);
  });

  it('503 → no leader, with the master\'s message', () => {
    const l = leadershipOf({ status: 503, body: 'No leader elected\n' });
    assert.deepEqual(l, { kind: 'no-leader', message: 'No leader elected' });
    assert.match(leadershipBanner(l)!, /no leader is elected yet/);
  });

  it('a network failure or another error → unreachable', () => {
    assert.deepEqual(leadershipOf({ status: 0, error: 'Failed to fetch' }), { kind: 'unreachable', message: 'Failed to fetch' });
    const l = leadershipOf({ status: 500, body: 'boom' });
    assert.equal(l.kind, 'unreachable');
    assert.match(leadershipBanner(l)!, /Cannot reach the master: HTTP 500: boom/);
  });
});

describe('leader addresses', () => {
  it('leaderRoot keeps scheme, host and port only; rejects non-URLs', () => {
    assert.equal(leaderRoot('http://m2:5050/master/state?jsonp=x'), 'http://m2:5050/');
    assert.equal(leaderRoot('//[::1]:5050/master/state'), 'http://[::1]:5050/');
    assert.equal(leaderRoot('not a url'), undefined);
    assert.equal(leaderRoot('javascript:alert(1)'), undefined);
  });

  it('leaderUrlFromInfo prefers address, brackets IPv6, needs host and port', () => {
    assert.equal(leaderUrlFromInfo({ hostname: 'm1', port: 5050 }), 'http://m1:5050/');
    assert.equal(leaderUrlFromInfo({ hostname: 'm1', port: 5050, address: { ip: '10.0.0.1', port: 5051 } }), 'http://10.0.0.1:5051/');
    assert.equal(leaderUrlFromInfo({ hostname: '::1', port: 5050 }), 'http://[::1]:5050/');
    assert.equal(leaderUrlFromInfo({ hostname: 'm1' }), undefined);
    assert.equal(leaderUrlFromInfo(undefined), undefined);
  });
});
