/**
 * The ledger's shared arithmetic (ledger-memo.ts): equal totals share one
 * canonical form, a frozen task list repeated is summed once per count, and
 * what callers pass in is neither kept nor frozen. Then through the allocator:
 * agents added with shared totals and task lists offer exactly what is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeResources, stripAllocationInfo, subtractNormalized, withAllocationRole } from '../../../src/mesos/resources.js';
import type { Resource } from '../../../src/mesos/types.js';
import { AgentTotals, sharedDifference, summedUse } from '../../../src/master/allocator/ledger-memo.js';
import { SharedResources } from '../../../src/master/shared-resources.js';
import { qty, res, Scenario } from './harness.js';

const canonical = (list: readonly Resource[]): Resource[] => normalizeResources(stripAllocationInfo(normalizeResources(list)));

/** A task's resources as the master keeps them: allocated to `*`, shared and frozen by SharedResources. */
function frozenTaskList(text: string): readonly Resource[] {
  return new SharedResources().share(withAllocationRole(res(text), '*'));
}

test('equal totals share one frozen canonical form; a different total gets its own', () => {
  const totals = new AgentTotals();
  const first = totals.canonical(res('cpus:4;mem:8192;ports:[31000-31005,31006-32000]'));
  const second = totals.canonical(res('cpus:4;mem:8192;ports:[31000-31005,31006-32000]'));
  assert.equal(second, first);
  assert.ok(Object.isFrozen(first) && first.every((r) => Object.isFrozen(r)));
  assert.deepEqual(first, canonical(res('cpus:4;mem:8192;ports:[31000-32000]')));
  const other = totals.canonical(res('cpus:8;mem:8192'));
  assert.notEqual(other, first);
  assert.deepEqual(other, canonical(res('cpus:8;mem:8192')));
});

test('a frozen total (one the master shares between agents) is looked up by identity: its canonical form is computed once', () => {
  const totals = new AgentTotals();
  const shared = new SharedResources().share(res('cpus:4;mem:8192;ports:[31000-32000]'));
  const first = totals.canonical(shared);
  assert.deepEqual(first, canonical(shared));
  assert.equal(totals.canonical(shared), first);
  // An equal list that is not frozen still meets the same canonical form by value.
  assert.equal(totals.canonical(res('cpus:4;mem:8192;ports:[31000-32000]')), first);
  // Many other totals in between do not push a frozen one out.
  for (let cpus = 1; cpus <= 20; cpus++) totals.canonical(res(`cpus:${cpus};mem:64`));
  assert.equal(totals.canonical(shared), first);
});

test('the difference of two frozen lists is computed once per pair and frozen; other pairs are computed each time', () => {
  const total = new AgentTotals().canonical(res('cpus:4;mem:1024;ports:[31000-32000]'));
  const used = summedUse(new Array<readonly Resource[]>(3).fill(frozenTaskList('cpus:0.5;mem:100')));
  const left = sharedDifference(total, used);
  assert.deepEqual(left, subtractNormalized(total, used));
  assert.deepEqual(left, res('cpus:2.5;mem:724;ports:[31000-32000]'));
  assert.ok(Object.isFrozen(left) && left.every((r) => Object.isFrozen(r)));
  assert.equal(sharedDifference(total, used), left, 'remembered');
  const loose = res('cpus:1');
  const once = sharedDifference(total, loose);
  assert.deepEqual(once, res('cpus:3;mem:1024;ports:[31000-32000]'));
  assert.ok(!Object.isFrozen(once));
  assert.notEqual(sharedDifference(total, loose), once);
});

test("a total's canonical form leaves the caller's list unfrozen, and changing that list later changes nothing remembered", () => {
  const totals = new AgentTotals();
  const raw = res('cpus(dev):2;mem:1024');
  const shared = totals.canonical(raw);
  assert.ok(!Object.isFrozen(raw) && raw.every((r) => !Object.isFrozen(r) && (r.reservations === undefined || !Object.isFrozen(r.reservations))));
  raw[1]!.scalar = { value: 1 };
  assert.deepEqual(totals.canonical(res('cpus(dev):2;mem:1024')), shared);
  assert.deepEqual(totals.canonical(raw), canonical(res('cpus(dev):2;mem:1')));
});

test('more distinct totals than remembered still come out right (the oldest is forgotten)', () => {
  const totals = new AgentTotals();
  for (let round = 0; round < 2; round++) {
    for (let cpus = 1; cpus <= 20; cpus++) assert.deepEqual(totals.canonical(res(`cpus:${cpus};mem:64`)), canonical(res(`cpus:${cpus};mem:64`)));
  }
});

test('a frozen task list repeated is summed once per count, as the repeats summed one by one', () => {
  const task = frozenTaskList('cpus:0.1;mem:32');
  for (const copies of [1, 3, 10]) {
    const lists = new Array<readonly Resource[]>(copies).fill(task);
    const used = summedUse(lists);
    assert.deepEqual(used, canonical(lists.flat()));
    assert.equal(summedUse(new Array<readonly Resource[]>(copies).fill(task)), used, 'remembered');
    assert.ok(Object.isFrozen(used));
  }
  assert.deepEqual(summedUse([task, task, task]), res('cpus:0.3;mem:96'));
});

test('ranges, mixed lists and unfrozen lists are summed entry by entry', () => {
  const withPorts = frozenTaskList('cpus:1;ports:[31000-31000]');
  assert.deepEqual(summedUse([withPorts, withPorts]), canonical([...withPorts, ...withPorts]));
  const a = frozenTaskList('cpus:1;mem:10');
  const b = frozenTaskList('cpus:2;disk:5');
  assert.deepEqual(summedUse([a, b, a]), res('cpus:4;mem:20;disk:5'));
  const loose = withAllocationRole(res('cpus:1;mem:10'), '*');
  assert.deepEqual(summedUse([loose, loose]), res('cpus:2;mem:20'));
  assert.ok(!Object.isFrozen(loose) && !Object.isFrozen(loose[0]));
  assert.deepEqual(summedUse([]), []);
});

test('agents of one shape, re-added with shared task lists, each offer their own remainder', () => {
  const s = new Scenario().framework('f1');
  const task = frozenTaskList('cpus:0.5;mem:100');
  for (const [id, copies] of [['a1', 2], ['a2', 4], ['a3', 4]] as const) {
    const allocated = new Array(copies).fill(undefined).map(() => ({ frameworkId: 'f1', role: '*', resources: task as Resource[] }));
    s.allocator.addAgent(id, { hostname: `${id}.example`, total: res('cpus:4;mem:1024;ports:[31000-32000]') }, allocated);
  }
  const offers = new Map(s.allocate().map((a) => [a.agentId, qty(a.resources)]));
  assert.deepEqual(Object.fromEntries(offers), {
    a1: { cpus: 3, mem: 824, ports: 1001 },
    a2: { cpus: 2, mem: 624, ports: 1001 },
    a3: { cpus: 2, mem: 624, ports: 1001 },
  });
});

test('agents sharing one frozen total keep separate books: a task on one leaves the others whole', () => {
  const s = new Scenario().framework('f1');
  const total = new SharedResources().share(res('cpus:4;mem:1024'));
  const task = frozenTaskList('cpus:1;mem:100');
  s.allocator.addAgent('a1', { hostname: 'a1.example', total }, [{ frameworkId: 'f1', role: '*', resources: task as Resource[] }]);
  s.allocator.addAgent('a2', { hostname: 'a2.example', total }, []);
  s.allocator.addAgent('a3', { hostname: 'a3.example', total }, [{ frameworkId: 'f1', role: '*', resources: task as Resource[] }]);
  const offered = new Map(s.allocate().map((a) => [a.agentId, qty(a.resources)]));
  assert.deepEqual(Object.fromEntries(offered), { a1: { cpus: 3, mem: 924 }, a2: { cpus: 4, mem: 1024 }, a3: { cpus: 3, mem: 924 } });
  // The task on a1 ends: only a1's books change.
  s.allocator.recoverResources('f1', 'a1', '*', withAllocationRole(res('cpus:1;mem:100'), '*'), 0, s.clock.now);
  assert.deepEqual(qty(s.allocator.agentAvailable('a1') ?? []), { cpus: 1, mem: 100 });
  assert.deepEqual(qty(s.allocator.agentAvailable('a3') ?? []), {});
  assert.deepEqual(s.allocator.agentAllocations('a3').map((a) => qty(a.resources)), [{ cpus: 4, mem: 1024 }]);
});
