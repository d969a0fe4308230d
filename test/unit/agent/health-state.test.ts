import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthTiming, HealthState } from '../../../src/agent/health-check/health-state.js';

const T0 = 1_000_000;
const s = (seconds: number): number => T0 + seconds * 1000;

test('defaults are Mesos DEFAULT_HEALTH_CHECK_*', () => {
  assert.deepEqual(healthTiming({ type: 'TCP', tcp: { port: 1 } }), {
    delaySeconds: 15,
    intervalSeconds: 10,
    timeoutSeconds: 20,
    consecutiveFailures: 3,
    gracePeriodSeconds: 10,
  });
});

test('first check after the delay, then every interval from the previous start', () => {
  const state = new HealthState(healthTiming({ delay_seconds: 2, interval_seconds: 5 }), T0);
  assert.equal(state.firstCheckAt(), s(2));
  assert.equal(state.nextCheckAt(s(2)), s(7));
});

test('failures inside the grace period are ignored until the first success', () => {
  const state = new HealthState(healthTiming({ grace_period_seconds: 10, consecutive_failures: 1 }), T0);
  assert.equal(state.record(false, s(3)), undefined);
  assert.equal(state.record(false, s(9.9)), undefined);
  assert.deepEqual(state.record(false, s(10)), { healthy: false, kill: true, consecutiveFailures: 1 });
  assert.equal(state.killRequested, true);
  assert.equal(state.record(true, s(11)), undefined);
});

test('after a first success the grace period no longer hides failures', () => {
  const state = new HealthState(healthTiming({ grace_period_seconds: 100, consecutive_failures: 3 }), T0);
  assert.deepEqual(state.record(true, s(1)), { healthy: true, kill: false, consecutiveFailures: 0 });
  assert.deepEqual(state.record(false, s(2)), { healthy: false, kill: false, consecutiveFailures: 1 });
});

test('a success is reported only first and after failures (recovery)', () => {
  const state = new HealthState(healthTiming({ grace_period_seconds: 0, consecutive_failures: 3 }), T0);
  assert.deepEqual(state.record(true, s(1)), { healthy: true, kill: false, consecutiveFailures: 0 });
  assert.equal(state.record(true, s(2)), undefined);
  assert.deepEqual(state.record(false, s(3)), { healthy: false, kill: false, consecutiveFailures: 1 });
  assert.deepEqual(state.record(false, s(4)), { healthy: false, kill: false, consecutiveFailures: 2 });
  assert.deepEqual(state.record(true, s(5)), { healthy: true, kill: false, consecutiveFailures: 0 });
  assert.equal(state.record(true, s(6)), undefined);
});

test('consecutive failures outside the grace period kill; every one is reported', () => {
  const state = new HealthState(healthTiming({ grace_period_seconds: 0, consecutive_failures: 2 }), T0);
  assert.deepEqual(state.record(false, s(0)), { healthy: false, kill: false, consecutiveFailures: 1 });
  assert.deepEqual(state.record(false, s(1)), { healthy: false, kill: true, consecutiveFailures: 2 });
  assert.equal(state.record(false, s(2)), undefined);
});
