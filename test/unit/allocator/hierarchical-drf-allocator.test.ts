import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reservationRole, stripAllocationInfo, subtractResources } from '../../../src/mesos/resources.js';
import { AllocatorInvariantError } from '../../../src/master/allocator/agent-ledger.js';
import { qty, res, Scenario, summary } from './harness.js';

test('an allocation names its role, leaves its resources untagged, and gives the whole agent to one framework', () => {
  const s = new Scenario().agent('a1', 'cpus:4;mem:4096;disk:1000;ports:[31000-32000]').framework('f1', ['web']).framework('f2', ['web']);
  const [a, ...rest] = s.allocate();
  assert.equal(rest.length, 0);
  assert.equal(a!.frameworkId, 'f1');
  assert.equal(a!.role, 'web');
  // The master tags its offer's copy (withAllocationRole); the allocator's list is its own.
  assert.ok(a!.resources.every((r) => r.allocation_info === undefined));
  assert.deepEqual(qty(a!.resources), { cpus: 4, mem: 4096, disk: 1000, ports: 1001 });
  assert.deepEqual(s.allocate(), [], 'nothing left to offer');
});

test('filters: a declined agent is not re-offered to that framework until expiry, but to others; revive clears', () => {
  const s = new Scenario().agent('a1', 'cpus:2;mem:2048').framework('f1', ['web']).framework('f2', ['web']);
  const t0 = s.clock.now;
  let [a] = s.allocate();
  assert.equal(a!.frameworkId, 'f1');
  s.decline(a!, 10);
  assert.equal(s.allocator.nextFilterExpiry(), t0 + 10_000);

  [a] = s.allocate();
  assert.equal(a!.frameworkId, 'f2', s.describe());
  s.decline(a!, 0); // f2 declines with no filter: it is offered again, f1 still filtered
  [a] = s.allocate();
  assert.equal(a!.frameworkId, 'f2');
  const t1 = s.clock.now;
  s.decline(a!, 100);

  s.clock.advance(9_999);
  assert.deepEqual(s.allocate(), [], `both filtered\n${s.describe()}`);
  s.clock.advance(1);
  [a] = s.allocate();
  assert.equal(a!.frameworkId, 'f1', 'filter expired at now + refuse_seconds');
  assert.equal(s.allocator.nextFilterExpiry(), t1 + 100_000, "f1's expired filter dropped, f2's remains");

  s.decline(a!, 1000);
  s.allocator.suppressOffers('f2', []);
  assert.deepEqual(s.allocate(), []);
  s.allocator.reviveOffers('f1', ['web']);
  assert.deepEqual(summary(s.allocate()), ['f1/web@a1']);
});

test('filters cover only what was refused: more resources lift them', () => {
  const s = new Scenario().agent('a1', 'cpus:4;mem:4096').framework('f1', ['web']).framework('f2', ['web']);
  const [a] = s.allocate();
  // f1 launches a task <2 cpus, 2048 MB> and refuses the rest for an hour.
  const task = res('cpus:2;mem:2048');
  s.allocator.recoverResources('f1', 'a1', 'web', subtractResources(stripAllocationInfo(a!.resources), task), 3600, s.clock.now);
  const [b] = s.allocate();
  assert.equal(b!.frameworkId, 'f2', 'f1 refused exactly these');
  s.decline(b!, 3600);
  assert.deepEqual(s.allocate(), []);
  // The task ends: <4 cpus, 4096 MB> is more than f1 refused, so the filter no longer covers it.
  s.allocator.recoverResources('f1', 'a1', 'web', task, 0, s.clock.now);
  assert.deepEqual(summary(s.allocate()), ['f1/web@a1']);
});

test('refuse_seconds is capped at 365 days', () => {
  const s = new Scenario().agent('a1', 'cpus:1;mem:128').framework('f1');
  const [a] = s.allocate();
  s.decline(a!, 10 * 365 * 24 * 3600);
  assert.equal(s.allocator.nextFilterExpiry(), s.clock.now + 365 * 24 * 3600 * 1000);
});

test('suppress stops offers for that role only and keeps filters; revive un-suppresses', () => {
  const s = new Scenario().agent('a1', 'cpus:1;mem:128').agent('a2', 'cpus:1;mem:128').framework('f1', ['a', 'b']);
  s.allocator.suppressOffers('f1', ['a']);
  assert.deepEqual(summary(s.allocate()), ['f1/b@a1', 'f1/b@a2']);
  const s2 = new Scenario().agent('a1', 'cpus:1;mem:128').framework('f1', ['a', 'b']);
  const [x] = s2.allocate();
  s2.decline(x!, 100); // filter for role a
  s2.allocator.suppressOffers('f1', []);
  assert.deepEqual(s2.allocate(), []);
  s2.allocator.reviveOffers('f1', ['b']);
  assert.deepEqual(summary(s2.allocate()), ['f1/b@a1'], 'role a still filtered');
  assert.equal(s2.allocator.filterList().length, 1);
  // Suppressed roles can also come with the framework info (SUBSCRIBE / UPDATE_FRAMEWORK).
  const s3 = new Scenario().agent('a1', 'cpus:1;mem:128').framework('f1', ['a'], { suppressedRoles: ['a'] });
  assert.deepEqual(s3.allocate(), []);
  s3.allocator.updateFramework('f1', { roles: ['a'] });
  assert.deepEqual(summary(s3.allocate()), ['f1/a@a1']);
});

test('inactive frameworks and agents get nothing', () => {
  const s = new Scenario().agent('a1', 'cpus:1;mem:128').agent('a2', 'cpus:1;mem:128').framework('f1');
  s.allocator.deactivateFramework('f1');
  s.allocator.deactivateAgent('a1');
  assert.deepEqual(s.allocate(), []);
  s.allocator.activateFramework('f1');
  assert.deepEqual(summary(s.allocate()), ['f1/*@a2']);
  s.allocator.activateAgent('a1');
  assert.deepEqual(summary(s.allocate()), ['f1/*@a1']);
  const late = new Scenario().agent('a1', 'cpus:1;mem:128');
  late.allocator.addFramework('f1', { roles: ['*'] }, false);
  assert.deepEqual(late.allocate(), []);
});

test('reserved resources are offered only to their role (and its sub-roles)', () => {
  const s = new Scenario()
    .agent('a1', 'cpus:4;mem:4096;cpus(dev):2;mem(dev):1024')
    .framework('fdev', ['dev'])
    .framework('fops', ['ops'])
    .framework('fsub', ['dev/team']);
  // Role order at a1: dev, dev/team, ops (all 0, by name). dev takes the
  // unreserved and the dev-reserved resources in one offer.
  let out = s.allocate();
  assert.deepEqual(summary(out), ['fdev/dev@a1']);
  assert.deepEqual(qty(out[0]!.resources), { cpus: 6, mem: 5120 });

  const s2 = new Scenario().agent('a1', 'cpus:4;mem:4096;cpus(dev):2;mem(dev):1024').framework('fops', ['ops']);
  out = s2.allocate();
  assert.deepEqual(summary(out), ['fops/ops@a1']);
  assert.ok(out[0]!.resources.every((r) => reservationRole(r) === '*'), 'ops gets only unreserved');
  s2.framework('fsub', ['dev/team']);
  out = s2.allocate();
  assert.deepEqual(summary(out), ['fsub/dev/team@a1'], 'a parent role reservation serves its sub-role');
  assert.ok(out[0]!.resources.every((r) => reservationRole(r) === 'dev'));

  // Unreserved and reserved pieces of one agent may go to different roles in one pass.
  const s3 = new Scenario().agent('a1', 'cpus:4;mem:4096;cpus(dev):2;mem(dev):1024').framework('fa', ['a']).framework('fdev', ['dev']);
  assert.deepEqual(summary(s3.allocate()), ['fa/a@a1', 'fdev/dev@a1']);
});

test('min allocatable: default cpus:0.01|mem:32, custom sets, empty list', () => {
  const tiny = new Scenario().agent('a1', 'cpus:0.005;mem:16;disk:100').framework('f1');
  assert.deepEqual(tiny.allocate(), []);
  const memOnly = new Scenario().agent('a1', 'mem:32').framework('f1');
  assert.equal(memOnly.allocate().length, 1, 'mem:32 alone passes (sets are OR-ed)');
  const custom = new Scenario({ minAllocatable: [{ cpus: 1, mem: 512 }] }).agent('a1', 'cpus:0.5;mem:4096').agent('a2', 'cpus:1;mem:512').framework('f1');
  assert.deepEqual(summary(custom.allocate()), ['f1/*@a2']);
  const none = new Scenario({ minAllocatable: [] }).agent('a1', 'disk:1').framework('f1');
  assert.equal(none.allocate().length, 1);
  const ports = new Scenario({ minAllocatable: [{ ports: 2 }] }).agent('a1', 'cpus:1;ports:[1-1]').agent('a2', 'ports:[1-2]').framework('f1');
  assert.deepEqual(summary(ports.allocate()), ['f1/*@a2']);
});

test('recover on task end makes resources offerable again', () => {
  const s = new Scenario().agent('a1', 'cpus:2;mem:1024').framework('f1');
  const [a] = s.allocate();
  assert.deepEqual(s.allocate(), [], 'all in use by a task');
  assert.deepEqual(qty(s.allocator.roleAllocations()['*']!), { cpus: 2, mem: 1024 });
  s.allocator.recoverResources('f1', 'a1', '*', a!.resources, 0, s.clock.now);
  assert.deepEqual(s.allocator.roleAllocations()['*'], []);
  assert.deepEqual(summary(s.allocate()), ['f1/*@a1']);
});

test('recovering more than was allocated is a bug; unknown framework or agent is ignored', () => {
  const s = new Scenario().agent('a1', 'cpus:2;mem:1024').framework('f1');
  s.allocate();
  assert.throws(() => s.allocator.recoverResources('f1', 'a1', '*', res('cpus:3'), 0, s.clock.now), AllocatorInvariantError);
  s.allocator.recoverResources('nope', 'a1', '*', res('cpus:1'), 5, s.clock.now);
  s.allocator.recoverResources('f1', 'nope', '*', res('cpus:1'), 5, s.clock.now);
  assert.equal(s.allocator.filterList().length, 0);
});

test('agents with gpus are offered only to GPU-aware frameworks', () => {
  const s = new Scenario()
    .agent('a1', 'cpus:4;mem:4096;gpus:1')
    .agent('a2', 'cpus:4;mem:4096')
    .framework('plain', ['r'])
    .framework('zgpu', ['r'], { gpuAware: true });
  // plain sorts first by name but may not take a1.
  assert.deepEqual(summary(s.allocate()), ['zgpu/r@a1', 'plain/r@a2']);
  const s2 = new Scenario().agent('a1', 'cpus:4;mem:4096;gpus:1').framework('plain');
  assert.deepEqual(s2.allocate(), []);
});

test('removal: agents leave the shares and drop their filters; frameworks give back what they hold', () => {
  const s = new Scenario().agent('a1', 'cpus:2;mem:1024').agent('a2', 'cpus:2;mem:1024').framework('f1', ['x']).framework('f2', ['y']);
  const out = s.allocate();
  assert.deepEqual(summary(out), ['f1/x@a1', 'f2/y@a2']);
  s.decline(out[1]!, 100);
  assert.equal(s.allocator.filterList().length, 1);
  s.allocator.removeAgent('a2');
  assert.equal(s.allocator.filterList().length, 0);
  assert.equal(s.allocator.roleShare('y'), 0);
  assert.equal(s.allocator.roleShare('x'), 1, 'a1 is now the whole cluster');
  s.allocator.removeFramework('f1');
  assert.deepEqual(qty(s.allocator.agentAvailable('a1')!), { cpus: 2, mem: 1024 });
  assert.deepEqual(Object.keys(s.allocator.roleAllocations()), ['y']);
  assert.deepEqual(summary(s.allocate()), ['f2/y@a1']);
  s.allocator.removeAgent('a1');
  assert.deepEqual(s.allocate(), []);
});

test('agents re-joining with running tasks: their allocation counts before the framework re-subscribes', () => {
  const s = new Scenario();
  s.allocator.addAgent('a1', { hostname: 'h1', total: res('cpus:4;mem:4096') }, [
    { frameworkId: 'old', role: 'r', resources: res('cpus:3;mem:1024') },
  ]);
  s.agent('a2', 'cpus:4;mem:4096');
  s.framework('new', ['q']);
  assert.equal(s.allocator.roleShare('r'), 3 / 8);
  // Only the free part of a1 is offered, to the only subscribed framework.
  assert.deepEqual(
    s.allocate().map((a) => [a.agentId, qty(a.resources)]),
    [
      ['a1', { cpus: 1, mem: 3072 }],
      ['a2', { cpus: 4, mem: 4096 }],
    ],
  );
  s.framework('old', ['r']);
  s.allocator.recoverResources('old', 'a1', 'r', res('cpus:3;mem:1024'), 0, s.clock.now);
  assert.deepEqual(summary(s.allocate()), ['old/r@a1']);
});

test('an agent re-joining with tasks of two frameworks, interleaved, counts each task for its own framework and role', () => {
  const s = new Scenario();
  const task = (frameworkId: string, role: string, resources: string): { frameworkId: string; role: string; resources: ReturnType<typeof res> } => ({ frameworkId, role, resources: res(resources) });
  s.allocator.addAgent('a1', { hostname: 'h1', total: res('cpus:4;mem:4096') }, [
    task('f1', 'r', 'cpus:1;mem:512'),
    task('f2', 'q', 'cpus:0.5;mem:256'),
    task('f1', 'r', 'cpus:1;mem:512'),
    task('f2', 'q', 'cpus:0.5;mem:256'),
  ]);
  s.agent('a2', 'cpus:4;mem:4096');
  assert.equal(s.allocator.roleShare('r'), 2 / 8);
  assert.equal(s.allocator.roleShare('q'), 1 / 8);
  assert.deepEqual(qty(s.allocator.agentAvailable('a1')!), { cpus: 1, mem: 2560 });
  assert.deepEqual(Object.keys(s.allocator.roleAllocations()).sort(), ['q', 'r']);
});

test('allocate(now, agentIds) visits only those agents, in id order', () => {
  const s = new Scenario().agent('a3', 'cpus:1;mem:64').agent('a1', 'cpus:1;mem:64').agent('a2', 'cpus:1;mem:64').framework('f1');
  assert.deepEqual(summary(s.allocate(['a3', 'a1', 'zz', 'a1'])), ['f1/*@a1', 'f1/*@a3']);
  assert.deepEqual(summary(s.allocate()), ['f1/*@a2']);
});

test('full passes visit the agents present, in id order, whatever the order of additions and removals between them', () => {
  // Each pass offers every agent (the framework gives back what it got), so a
  // pass's offers list its visiting order.
  const s = new Scenario().framework('f1');
  const present: string[] = [];
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const pass = (label: string): void => {
    const offers = s.allocate();
    assert.deepEqual(summary(offers), [...present].sort().map((id) => `f1/*@${id}`), label);
    for (const a of offers) s.allocator.recoverResources(a.frameworkId, a.agentId, a.role, a.resources, 0, s.clock.now);
  };
  const add = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const id = `a${next(60)}`;
      s.agent(id, 'cpus:1;mem:64'); // an id already present is replaced
      if (!present.includes(id)) present.push(id);
    }
  };
  const remove = (count: number, fromLast: number): void => {
    // Among the `fromLast` latest arrivals: some were added since the last pass.
    for (let i = 0; i < count && present.length > 0; i++) {
      const at = present.length - 1 - next(Math.min(fromLast, present.length));
      s.allocator.removeAgent(present[at]!);
      present.splice(at, 1);
    }
  };
  for (let round = 0; round < 20; round++) {
    add(1 + next(10));
    pass(`round ${round}: additions only`);
    remove(1 + next(3), present.length);
    pass(`round ${round}: removals only`);
    add(1 + next(10));
    remove(1 + next(3), 4);
    pass(`round ${round}: additions, then removals among them`);
  }
});

test('updateFramework: leaving a role stops its offers; a framework keeps holding what it has', () => {
  const s = new Scenario().agent('a1', 'cpus:1;mem:64').agent('a2', 'cpus:1;mem:64').framework('f1', ['a']);
  const [x] = s.allocate(['a1']);
  s.allocator.updateFramework('f1', { roles: ['b'] });
  assert.deepEqual(summary(s.allocate()), ['f1/b@a2']);
  assert.ok(s.allocator.roleShare('a') > 0, 'role a still holds a1');
  s.allocator.recoverResources('f1', 'a1', 'a', x!.resources, 0, s.clock.now);
  assert.deepEqual(Object.keys(s.allocator.roleAllocations()), ['b'], 'role a forgotten once empty');
});

test('describe() shows roles, frameworks, agents and filters', () => {
  const s = new Scenario().agent('a1', 'cpus:1;mem:64').framework('f1', ['web']);
  const [a] = s.allocate();
  s.decline(a!, 5);
  const text = s.describe();
  assert.match(text, /web share=0\.0000/);
  assert.match(text, /f1 share=0\.0000/);
  assert.match(text, /a1 available=cpus:1;mem:64/);
  assert.match(text, /f1\/web@a1 until \d+/);
});
