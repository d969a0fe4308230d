/**
 * Safety properties of the allocator under random command sequences
 * (fast-check): never over-allocates an agent, reserved resources reach only
 * their role, ineligible frameworks get nothing, the allocator's books agree
 * with an independent model of outstanding offers, and the same inputs give
 * the same outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addResources, containsResources, reservationRole, stripAllocationInfo } from '../../../src/mesos/resources.js';
import type { Resource } from '../../../src/mesos/types.js';
import type { Allocation } from '../../../src/master/allocator/allocator.js';
import { HierarchicalDRFAllocator } from '../../../src/master/allocator/hierarchical-drf-allocator.js';
import { res } from './harness.js';

const ROLES = ['*', 'a', 'b', 'a/x'] as const;

/** Written out again here (not imported) so the check is independent of the code under test. */
function mayReceive(role: string, reservedTo: string): boolean {
  return reservedTo === '*' || reservedTo === role || role.startsWith(`${reservedTo}/`);
}

const agentArb = fc.record({
  cpus: fc.integer({ min: 0, max: 8 }),
  mem: fc.integer({ min: 0, max: 4 }).map((n) => n * 512),
  gpus: fc.constantFrom(0, 0, 0, 1),
  reserved: fc.constantFrom(undefined, 'a', 'b'),
  ports: fc.boolean(),
});

const frameworkArb = fc.record({
  roles: fc.subarray([...ROLES], { minLength: 1 }),
  gpuAware: fc.boolean(),
});

const commandArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('allocate' as const), advance: fc.integer({ min: 0, max: 20_000 }), subset: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('recover' as const), pick: fc.nat(), part: fc.boolean(), refuse: fc.constantFrom(0, 0, 1, 5, 30) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('suppress' as const), fw: fc.nat(), role: fc.constantFrom(...ROLES) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revive' as const), fw: fc.nat(), all: fc.boolean(), role: fc.constantFrom(...ROLES) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('toggleFramework' as const), fw: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('toggleAgent' as const), agent: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeAgent' as const), agent: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeFramework' as const), fw: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('weight' as const), role: fc.constantFrom(...ROLES), w: fc.constantFrom(0.5, 1, 2, 3) }) },
);

type Command = typeof commandArb extends fc.Arbitrary<infer C> ? C : never;

interface World {
  agents: Array<{ cpus: number; mem: number; gpus: number; reserved: string | undefined; ports: boolean }>;
  frameworks: Array<{ roles: string[]; gpuAware: boolean }>;
  commands: Command[];
}

const worldArb: fc.Arbitrary<World> = fc.record({
  agents: fc.array(agentArb, { minLength: 1, maxLength: 5 }),
  frameworks: fc.array(frameworkArb, { minLength: 1, maxLength: 4 }),
  commands: fc.array(commandArb, { maxLength: 40 }),
});

function agentTotal(a: World['agents'][number]): Resource[] {
  const parts = [`cpus:${a.cpus}`, `mem:${a.mem}`, `disk:100`];
  if (a.gpus) parts.push(`gpus:${a.gpus}`);
  if (a.ports) parts.push('ports:[31000-31009]');
  if (a.reserved) parts.push(`cpus(${a.reserved}):1`, `mem(${a.reserved}):256`);
  return res(parts.join(';'));
}

interface Outstanding {
  frameworkId: string;
  role: string;
  agentId: string;
  resources: Resource[];
}

/** Plays `world` against a fresh allocator, checking invariants after each step; returns the trace. */
function play(world: World): string[] {
  const alloc = new HierarchicalDRFAllocator();
  let now = 1_000;
  const trace: string[] = [];
  const agentIds = world.agents.map((_, i) => `ag${i}`);
  const fwIds = world.frameworks.map((_, i) => `fw${i}`);
  const totals = new Map<string, Resource[]>();
  const liveAgents = new Set<string>();
  const agentActive = new Map<string, boolean>();
  const fwState = new Map<string, { roles: string[]; gpuAware: boolean; active: boolean; suppressed: Set<string> }>();
  let outstanding: Outstanding[] = [];

  world.agents.forEach((a, i) => {
    const total = agentTotal(a);
    alloc.addAgent(agentIds[i]!, { hostname: `h${i}`, total }, []);
    totals.set(agentIds[i]!, total);
    liveAgents.add(agentIds[i]!);
    agentActive.set(agentIds[i]!, true);
  });
  world.frameworks.forEach((f, i) => {
    alloc.addFramework(fwIds[i]!, { roles: f.roles, gpuAware: f.gpuAware }, true);
    fwState.set(fwIds[i]!, { ...f, active: true, suppressed: new Set() });
  });

  const checkAllocation = (a: Allocation): void => {
    const fw = fwState.get(a.frameworkId);
    assert.ok(fw, `offer to unknown framework ${a.frameworkId}`);
    assert.ok(fw.active, 'offer to an inactive framework');
    assert.ok(fw.roles.includes(a.role), 'offer for a role the framework is not subscribed to');
    assert.ok(!fw.suppressed.has(a.role), 'offer for a suppressed role');
    assert.ok(agentActive.get(a.agentId), 'offer of an inactive agent');
    assert.ok(a.resources.length > 0);
    const total = totals.get(a.agentId)!;
    if (total.some((r) => r.name === 'gpus')) assert.ok(fw.gpuAware, 'gpu agent offered to a non-GPU framework');
    for (const r of a.resources) {
      assert.equal(r.allocation_info, undefined, 'the master tags the offer, not the allocator');
      assert.ok(mayReceive(a.role, reservationRole(r)), `resource reserved to ${reservationRole(r)} offered to ${a.role}`);
    }
  };

  const checkBooks = (): void => {
    for (const agentId of liveAgents) {
      const total = totals.get(agentId)!;
      const mine = outstanding.filter((o) => o.agentId === agentId);
      const held = mine.reduce<Resource[]>((acc, o) => addResources(acc, o.resources), []);
      assert.ok(containsResources(total, held), `agent ${agentId} over-allocated\n${alloc.describe()}`);
      // The allocator's own books: available + allocations = total, and allocations = our model.
      const books = alloc.agentAllocations(agentId);
      const booked = books.reduce<Resource[]>((acc, o) => addResources(acc, o.resources), []);
      const whole = addResources(alloc.agentAvailable(agentId)!, booked);
      assert.ok(containsResources(whole, total) && containsResources(total, whole), `books of ${agentId} do not add up\n${alloc.describe()}`);
      assert.ok(containsResources(booked, held) && containsResources(held, booked), `books of ${agentId} differ from the model\n${alloc.describe()}`);
    }
  };

  for (const c of world.commands) {
    switch (c.t) {
      case 'allocate': {
        now += c.advance;
        const ids = c.subset ? agentIds.filter((_, i) => i % 2 === 0) : undefined;
        const out = alloc.allocate(now, ids);
        const seen = new Set<string>();
        for (const a of out) {
          checkAllocation(a);
          const key = `${a.frameworkId}/${a.role}/${a.agentId}`;
          assert.ok(!seen.has(key), `two allocations for ${key} in one pass`);
          seen.add(key);
          if (ids) assert.ok(ids.includes(a.agentId));
          outstanding.push({ ...a, resources: stripAllocationInfo(a.resources) });
        }
        trace.push(JSON.stringify(out));
        break;
      }
      case 'recover': {
        if (outstanding.length === 0) break;
        const i = c.pick % outstanding.length;
        const o = outstanding[i]!;
        const back = c.part && o.resources.length > 1 ? [o.resources[0]!] : o.resources;
        alloc.recoverResources(o.frameworkId, o.agentId, o.role, back, c.refuse, now);
        if (back === o.resources) outstanding.splice(i, 1);
        else outstanding[i] = { ...o, resources: o.resources.slice(1) };
        break;
      }
      case 'suppress': {
        const id = fwIds[c.fw % fwIds.length]!;
        alloc.suppressOffers(id, [c.role]);
        fwState.get(id)?.suppressed.add(c.role);
        break;
      }
      case 'revive': {
        const id = fwIds[c.fw % fwIds.length]!;
        alloc.reviveOffers(id, c.all ? [] : [c.role]);
        const st = fwState.get(id);
        if (st) {
          if (c.all) st.suppressed.clear();
          else st.suppressed.delete(c.role);
        }
        break;
      }
      case 'toggleFramework': {
        const id = fwIds[c.fw % fwIds.length]!;
        const st = fwState.get(id);
        if (!st) break;
        st.active = !st.active;
        if (st.active) alloc.activateFramework(id);
        else alloc.deactivateFramework(id);
        break;
      }
      case 'toggleAgent': {
        const id = agentIds[c.agent % agentIds.length]!;
        if (!liveAgents.has(id)) break;
        const active = !agentActive.get(id);
        agentActive.set(id, active);
        if (active) alloc.activateAgent(id);
        else alloc.deactivateAgent(id);
        break;
      }
      case 'removeAgent': {
        const id = agentIds[c.agent % agentIds.length]!;
        alloc.removeAgent(id);
        liveAgents.delete(id);
        agentActive.set(id, false);
        outstanding = outstanding.filter((o) => o.agentId !== id);
        break;
      }
      case 'removeFramework': {
        const id = fwIds[c.fw % fwIds.length]!;
        alloc.removeFramework(id);
        fwState.delete(id);
        outstanding = outstanding.filter((o) => o.frameworkId !== id);
        break;
      }
      case 'weight':
        alloc.updateWeights({ [c.role]: c.w });
        break;
    }
    checkBooks();
  }
  return trace;
}

test('random command sequences keep every safety invariant', () => {
  fc.assert(fc.property(worldArb, (world) => void play(world)), { numRuns: 300 });
});

test('determinism: the same inputs give the same allocations', () => {
  fc.assert(
    fc.property(worldArb, (world) => {
      assert.deepEqual(play(world), play(world));
    }),
    { numRuns: 100 },
  );
});
