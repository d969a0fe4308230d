/**
 * The worked example of the DRF paper (Ghodsi et al., NSDI 2011, §4.1):
 * a cluster of <9 CPUs, 18 GB>; user A runs tasks of <1 CPU, 4 GB>, user B
 * tasks of <3 CPUs, 1 GB>. DRF equalises dominant shares: A gets 3 tasks
 * <3 CPUs, 12 GB> (dominant share mem 12/18 = 2/3), B gets 2 tasks
 * <6 CPUs, 2 GB> (dominant share cpu 6/9 = 2/3).
 *
 * Set-up: one agent holds the whole cluster, so every allocation pass offers
 * its remaining free resources to exactly one framework — the one with the
 * lowest dominant share (ties by name). Each framework launches one task when
 * the offer fits and hands the rest straight back (refuse_seconds 0); when the
 * offer does not fit it declines with the default 5 s filter. This is the
 * paper's progressive filling, one task at a time.
 *
 * Run twice: A and B as two frameworks of one role (the framework sorter
 * decides), and as one framework in each of two roles (the role sorter decides).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsResources, subtractResources, stripAllocationInfo } from '../../../src/mesos/resources.js';
import type { Allocation } from '../../../src/master/allocator/allocator.js';
import { qty, res, Scenario } from './harness.js';

const TASK = { A: res('cpus:1;mem:4096'), B: res('cpus:3;mem:1024') } as const;

for (const layout of ['one role', 'two roles'] as const) {
  test(`DRF paper example, ${layout}: A 3 tasks <3 CPU, 12 GB>, B 2 tasks <6 CPU, 2 GB>, shares 2/3`, () => {
    const roleOf = (fw: 'A' | 'B'): string => (layout === 'one role' ? 'users' : `role-${fw}`);
    const s = new Scenario().agent('cluster', 'cpus:9;mem:18432');
    s.framework('A', [roleOf('A')]).framework('B', [roleOf('B')]);

    const launched: Array<'A' | 'B'> = [];
    const play = (a: Allocation): void => {
      const fw = a.frameworkId as 'A' | 'B';
      const offered = stripAllocationInfo(a.resources);
      if (containsResources(offered, TASK[fw])) {
        launched.push(fw);
        s.allocator.recoverResources(fw, a.agentId, a.role, subtractResources(offered, TASK[fw]), 0, s.clock.now);
      } else {
        s.decline(a, 5);
      }
    };

    // Pass by pass (shares: A = max(cpu/9, mem/18), B likewise):
    //  1. A 0, B 0 — tie, A by name.  A runs <1,4>:  A = max(1/9, 4/18)  = 2/9
    //  2. B 0 < 2/9.                   B runs <3,1>:  B = max(3/9, 1/18)  = 1/3
    //  3. A 2/9 < 1/3.                 A runs <2,8>:  A = 8/18           = 4/9
    //  4. B 1/3 < 4/9.                 B runs <6,2>:  B = 6/9            = 2/3
    //  5. A 4/9 < 2/3.                 A runs <3,12>: A = 12/18          = 2/3
    //  6. tie at 2/3, A by name; left <0 CPU, 4 GB>: A cannot fit, declines (filter 5 s)
    //  7. A filtered, B offered <0, 4 GB>: cannot fit, declines (filter 5 s)
    //  8. nothing left to offer.
    for (let pass = 0; pass < 20; pass++) {
      const allocations = s.allocate();
      if (allocations.length === 0) break;
      assert.equal(allocations.length, 1, 'one agent goes whole to one framework');
      allocations.forEach(play);
    }

    assert.deepEqual(launched, ['A', 'B', 'A', 'B', 'A'], s.describe());
    const held = (fw: 'A' | 'B'): Record<string, number> =>
      qty(s.allocator.agentAllocations('cluster').find((x) => x.frameworkId === fw)!.resources);
    assert.deepEqual(held('A'), { cpus: 3, mem: 12288 });
    assert.deepEqual(held('B'), { cpus: 6, mem: 2048 });
    const share = (fw: 'A' | 'B'): number =>
      layout === 'one role' ? s.allocator.frameworkShare('users', fw) : s.allocator.roleShare(roleOf(fw));
    assert.ok(Math.abs(share('A') - 2 / 3) < 1e-9, `A share ${share('A')}`);
    assert.ok(Math.abs(share('B') - 2 / 3) < 1e-9, `B share ${share('B')}`);
    // After the filters expire both are offered the leftover <0 CPU, 4 GB> again, one at a time.
    s.clock.advance(5000);
    assert.equal(s.allocate().length, 1);
  });
}

test('DRF interleaves frameworks within one pass over many agents', () => {
  const s = new Scenario();
  for (let i = 1; i <= 6; i++) s.agent(`a${i}`, 'cpus:2;mem:2048');
  s.framework('f1', ['web']).framework('f2', ['web']);
  // Each agent is 1/6 of the cluster; the sorter sees every allocation before
  // the next agent, so the frameworks alternate instead of f1 taking all.
  assert.deepEqual(
    s.allocate().map((a) => `${a.frameworkId}@${a.agentId}`),
    ['f1@a1', 'f2@a2', 'f1@a3', 'f2@a4', 'f1@a5', 'f2@a6'],
  );
});

test('weights: a role with weight 2 gets twice the share', () => {
  const s = new Scenario({ weights: { heavy: 2 } });
  for (let i = 1; i <= 6; i++) s.agent(`a${i}`, 'cpus:1;mem:1024');
  s.framework('h', ['heavy']).framework('l', ['light']);
  // shares (weighted) after each agent — heavy counts half:
  //  a1 tie 0/0 → heavy (name) 1/12 · a2 light 0 → light 1/6 · a3 heavy 1/12 → 2/12
  //  a4 tie 1/6 → heavy 3/12 · a5 light 1/6 < 1/4 → light 2/6 · a6 heavy 1/4 < 1/3 → heavy 4/12
  const got = s.allocate().map((a) => a.role);
  assert.deepEqual(got, ['heavy', 'light', 'heavy', 'heavy', 'light', 'heavy']);
  assert.equal(got.filter((r) => r === 'heavy').length, 4);
  // Unweighted dominant shares: heavy 4/6, light 2/6 — twice as much.
  assert.deepEqual(s.allocator.roleAllocations(), roleQty({ heavy: [4, 4096], light: [2, 2048] }));
  s.allocator.updateWeights({ heavy: 1 });
  assert.ok(s.allocator.roleShare('heavy') > s.allocator.roleShare('light'));
});

function roleQty(m: Record<string, [number, number]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [role, [cpus, mem]] of Object.entries(m)) {
    out[role] = [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
    ];
  }
  return out;
}
