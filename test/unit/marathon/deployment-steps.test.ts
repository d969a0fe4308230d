/**
 * Deployment actions as pure ticks: scaling, rolling restarts under each
 * upgradeStrategy (simulated until done, checking the health floor), stopping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { restartStep, scaleStep, stopStep } from '../../../src/marathon/deployment-steps.js';
import type { Instance } from '../../../src/marathon/instance.js';
import { app, instance } from './test-apps.js';

const allHealthy = (): boolean => true;

test('scale: schedules the missing, picks victims for the surplus, done when all run', () => {
  const a = app({ id: 'a', instances: 3 });
  assert.deepEqual(scaleStep(a, [instance('1')], allHealthy), { schedule: 2, decommission: [], done: false });
  const three = [instance('1'), instance('2'), instance('3', { condition: 'Staging' })];
  assert.equal(scaleStep(a, three, allHealthy).done, false);
  three[2] = instance('3');
  assert.equal(scaleStep(a, three, allHealthy).done, true);
  assert.equal(scaleStep(a, three, () => false).done, false);
  const down = scaleStep({ ...a, instances: 1 }, three, allHealthy);
  assert.equal(down.decommission.length, 2);
  const leftover = [instance('1'), instance('2', { goal: 'Decommissioned', condition: 'Killing' })];
  assert.equal(scaleStep({ ...a, instances: 1 }, leftover, allHealthy).done, false);
});

test('stop: decommissions everything, done when nothing is alive', () => {
  const list = [instance('1'), instance('2', { condition: 'Scheduled' })];
  assert.equal(stopStep(list).decommission.length, 2);
  assert.equal(stopStep(list.map((i) => ({ ...i, goal: 'Decommissioned' as const }))).done, false);
  assert.equal(stopStep([]).done, true);
});

/**
 * Runs a restart to completion: each tick applies the decision; scheduled
 * instances launch and become healthy one tick later, killed ones die one tick later.
 * Returns the smallest healthy count seen and the largest alive count.
 */
function simulate(n: number, minHC: number, maxOC: number, healthyOf: (i: Instance) => boolean = allHealthy) {
  const target = app({ id: 'a', instances: n, upgradeStrategy: { minimumHealthCapacity: minHC, maximumOverCapacity: maxOC } }, 'v2');
  let list: Instance[] = Array.from({ length: n }, (_, k) => instance(`old${k}`, { configVersion: 'v1' }));
  let next = 0;
  let minHealthy = Infinity;
  let maxAlive = 0;
  for (let tick = 0; tick < 200; tick++) {
    const d = restartStep(target, list, healthyOf);
    if (d.done) return { minHealthy, maxAlive, ticks: tick, list };
    const doomed = new Set(d.decommission.map((i) => i.instanceId));
    list = list
      // Kills from the previous tick complete.
      .filter((i) => !(i.goal === 'Decommissioned'))
      .map((i) => (doomed.has(i.instanceId) ? { ...i, goal: 'Decommissioned' as const, condition: i.task ? ('Killing' as const) : i.condition } : i))
      .filter((i) => !(i.goal === 'Decommissioned' && !i.task))
      .map((i) => (i.condition === 'Scheduled' ? instance(i.instanceId, { configVersion: 'v2' }) : i));
    for (let k = 0; k < d.schedule; k++) list.push(instance(`new${next++}`, { configVersion: 'v2', condition: 'Scheduled' }));
    const healthy = list.filter((i) => i.goal === 'Running' && i.condition === 'Running' && healthyOf(i)).length;
    minHealthy = Math.min(minHealthy, healthy);
    maxAlive = Math.max(maxAlive, list.filter((i) => i.task).length);
  }
  assert.fail(`restart n=${n} {${minHC},${maxOC}} did not finish: ${JSON.stringify(list.map((i) => [i.instanceId, i.goal, i.condition]))}`);
}

test('restart {1,1} (default): all new side by side, then old killed; never below n healthy', () => {
  const r = simulate(3, 1, 1);
  assert.ok(r.minHealthy >= 3);
  assert.ok(r.maxAlive <= 6);
  assert.ok(r.list.every((i) => i.configVersion === 'v2'));
});

test('restart {0,0}: old killed first, never above n alive', () => {
  const r = simulate(3, 0, 0);
  assert.ok(r.maxAlive <= 3);
});

test('restart {1,0}: no head-room, so one extra instance is allowed', () => {
  const r = simulate(2, 1, 0);
  assert.ok(r.minHealthy >= 2);
  assert.ok(r.maxAlive <= 3);
});

test('property: a restart ends with n new instances, never under minHealthy nor over maxCapacity (+1)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, minHC, maxOC) => {
      const r = simulate(n, minHC, maxOC);
      const minHealthy = Math.ceil(n * minHC - 1e-9);
      const maxCapacity = Math.max(Math.floor(n * (1 + maxOC) + 1e-9), minHealthy + 1);
      if (n > 0) assert.ok(r.minHealthy >= Math.min(minHealthy, n), `healthy ${r.minHealthy} < ${minHealthy}`);
      assert.ok(r.maxAlive <= Math.max(maxCapacity, n), `alive ${r.maxAlive} > ${maxCapacity}`);
      assert.equal(r.list.filter((i) => i.goal === 'Running').length, n);
    }),
    { numRuns: 200 },
  );
});

test('restart: unhealthy old instances go first; the deployment waits for new ones to be healthy', () => {
  const target = app({ id: 'a', instances: 2 }, 'v2');
  const list = [instance('old-sick', { configVersion: 'v1' }), instance('old-ok', { configVersion: 'v1' })];
  const d = restartStep(target, list, (i) => i.instanceId !== 'old-sick');
  assert.deepEqual(d.decommission.map((i) => i.instanceId), ['old-sick']);
  const waiting = restartStep(target, [instance('n1', { configVersion: 'v2' }), instance('n2', { configVersion: 'v2' })], () => false);
  assert.equal(waiting.done, false);
});
