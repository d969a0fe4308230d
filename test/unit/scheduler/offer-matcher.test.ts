/**
 * Packing tasks into offers (takeResources / OfferMatcher), including the
 * test-framework arithmetic: a 2-cpu offer holds two 1-cpu/128 MB tasks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OfferMatcher, takeResources } from '../../../src/scheduler/offer-matcher.js';
import { addResources, containsResources, normalizeResources, parseResourcesFlag, scalarOf, subtractResources } from '../../../src/mesos/resources.js';
import type { Offer, Resource } from '../../../src/mesos/types.js';

const offer = (text: string, role = '*'): Offer => ({
  id: { value: 'o1' },
  framework_id: { value: 'f' },
  agent_id: { value: 'a' },
  hostname: 'h',
  resources: parseResourcesFlag(text, role),
});

test('a 2-cpu offer holds two 1-cpu/128 MB tasks, not three', () => {
  const matcher = new OfferMatcher(offer('cpus:2;mem:1961;disk:35164;ports:[31000-32000]'));
  const perTask = parseResourcesFlag('cpus:1;mem:128');
  const first = matcher.tryTake(perTask);
  const second = matcher.tryTake(perTask);
  assert.ok(first && second);
  assert.equal(matcher.tryTake(perTask), undefined);
  assert.deepEqual(first, perTask);
  assert.equal(scalarOf(matcher.remaining, 'cpus'), 0);
  assert.equal(scalarOf(matcher.remaining, 'mem'), 1961 - 256);
});

test('pieces keep the offered metadata (allocation role), so the master accepts them', () => {
  const offered: Resource[] = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*', allocation_info: { role: 'web' } }];
  const result = takeResources(offered, [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1.5 } }]);
  assert.deepEqual(result?.taken, [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1.5 }, role: '*', allocation_info: { role: 'web' } }]);
});

test('unreserved wants are served from the role reservation first, then from unreserved', () => {
  const offered = [...parseResourcesFlag('cpus:1', 'dev'), ...parseResourcesFlag('cpus:2')];
  const result = takeResources(offered, parseResourcesFlag('cpus:2'));
  assert.ok(result);
  const reserved = result.taken.filter((r) => r.role === 'dev');
  const unreserved = result.taken.filter((r) => r.role !== 'dev');
  assert.equal(scalarOf(reserved, 'cpus'), 1);
  assert.equal(scalarOf(unreserved, 'cpus'), 1);
  assert.equal(scalarOf(result.remaining, 'cpus'), 1);
});

test('reserved wants only take that role', () => {
  const offered = parseResourcesFlag('cpus:2');
  assert.equal(takeResources(offered, parseResourcesFlag('cpus:1', 'dev')), undefined);
});

test('ports: specific ranges must be offered', () => {
  const offered = parseResourcesFlag('ports:[31000-31010]');
  const ok = takeResources(offered, parseResourcesFlag('ports:[31002-31003]'));
  assert.deepEqual(ok?.taken[0]?.ranges, { range: [{ begin: 31002, end: 31003 }] });
  assert.deepEqual(ok?.remaining[0]?.ranges, { range: [{ begin: 31000, end: 31001 }, { begin: 31004, end: 31010 }] });
  assert.equal(takeResources(offered, parseResourcesFlag('ports:[31010-31011]')), undefined);
});

test('too little of anything means no fit, and inputs are untouched', () => {
  const offered = parseResourcesFlag('cpus:0.5;mem:64');
  const copy = structuredClone(offered);
  assert.equal(takeResources(offered, parseResourcesFlag('cpus:1;mem:32')), undefined);
  assert.equal(takeResources(offered, parseResourcesFlag('gpus:1')), undefined);
  assert.deepEqual(offered, copy);
});

test('property: taken + remaining = offered, and taken covers the wanted quantities', () => {
  const scalar = fc.integer({ min: 0, max: 8000 }).map((n) => n / 1000);
  fc.assert(
    fc.property(scalar, scalar, scalar, scalar, fc.boolean(), (oc, om, wc, wm, reservedPart) => {
      const offered = normalizeResources([
        ...parseResourcesFlag(`cpus:${oc};mem:${om}`),
        ...(reservedPart ? parseResourcesFlag(`cpus:${oc / 2}`, 'dev') : []),
      ]);
      const wanted = parseResourcesFlag(`cpus:${wc};mem:${wm}`);
      const result = takeResources(offered, wanted);
      const fits = scalarOf(offered, 'cpus') + 1e-9 >= wc && scalarOf(offered, 'mem') + 1e-9 >= wm;
      assert.equal(result !== undefined, fits);
      if (!result) return;
      const sum = addResources(result.taken, result.remaining);
      assert.ok(containsResources(sum, offered) && containsResources(offered, sum));
      assert.equal(scalarOf(result.taken, 'cpus'), wc);
      assert.equal(scalarOf(result.taken, 'mem'), wm);
    }),
    { numRuns: 300 },
  );
});

/**
 * The definition the matcher's entry-by-entry bookkeeping must agree with:
 * the remainder renormalized after every piece, with subtractResources.
 */
function referenceTake(offered: readonly Resource[], wanted: readonly Resource[]): { taken: Resource[]; remaining: Resource[] } | undefined {
  let remaining = normalizeResources(offered);
  const taken: Resource[] = [];
  for (const want of normalizeResources(wanted)) {
    let left = want.type === 'SCALAR' ? (want.scalar?.value ?? 0) : undefined;
    const role = want.role && want.role !== '*' ? want.role : '*';
    const candidates = remaining
      .filter((have) => have.name === want.name && have.type === want.type && have.shared === undefined)
      .filter((have) => role === '*' || (have.role ?? '*') === role)
      .sort((a, b) => Number((b.role ?? '*') !== '*') - Number((a.role ?? '*') !== '*'));
    let served = false;
    for (const have of candidates) {
      if (served) break;
      let piece: Resource | undefined;
      if (want.type === 'SCALAR') {
        const amount = Math.min(have.scalar?.value ?? 0, left ?? 0);
        if (amount > 0) piece = { ...have, scalar: { value: amount } };
        left = Math.round(((left ?? 0) - amount) * 1000) / 1000;
        served = left <= 0;
      } else {
        // Ranges and sets: served whole by one entry or not at all, as this test asks.
        if (containsResources([{ ...have, role: undefined, allocation_info: undefined }], [{ ...want, role: undefined }])) {
          piece = want.type === 'RANGES' ? { ...have, ranges: want.ranges } : { ...have, set: want.set };
          served = true;
        }
      }
      if (!piece) continue;
      taken.push(piece);
      remaining = subtractResources(remaining, [piece]);
    }
    if (!served) return undefined;
  }
  return { taken: normalizeResources(taken), remaining };
}

test('property: packing task by task equals renormalizing after every piece', () => {
  const port = fc.integer({ min: 31000, max: 31040 });
  const offerArb = fc.record({
    cpus: fc.integer({ min: 0, max: 4000 }),
    reservedCpus: fc.integer({ min: 0, max: 2000 }),
    mem: fc.integer({ min: 0, max: 4000 }),
    ports: fc.array(fc.tuple(port, fc.integer({ min: 0, max: 6 })), { maxLength: 4 }),
    gpus: fc.uniqueArray(fc.constantFrom('g0', 'g1', 'g2', 'g3'), { maxLength: 4 }),
  });
  const taskArb = fc.record({
    cpus: fc.integer({ min: 1, max: 1500 }),
    mem: fc.integer({ min: 0, max: 900 }),
    port: fc.option(port, { nil: undefined }),
    gpu: fc.option(fc.constantFrom('g0', 'g1', 'g2', 'g3'), { nil: undefined }),
  });
  fc.assert(
    fc.property(offerArb, fc.array(taskArb, { minLength: 1, maxLength: 12 }), (o, tasks) => {
      const offered: Resource[] = [
        ...parseResourcesFlag(`cpus:${o.cpus / 1000};mem:${o.mem}`),
        ...(o.reservedCpus > 0 ? parseResourcesFlag(`cpus:${o.reservedCpus / 1000}`, 'dev') : []),
        ...(o.ports.length > 0 ? [{ name: 'ports', type: 'RANGES' as const, ranges: { range: o.ports.map(([b, n]) => ({ begin: b, end: b + n })) } }] : []),
        ...(o.gpus.length > 0 ? [{ name: 'gpus_ids', type: 'SET' as const, set: { item: o.gpus } }] : []),
      ];
      const matcher = new OfferMatcher({ ...offer('cpus:1'), resources: offered });
      let expectedLeft = normalizeResources(offered);
      for (const t of tasks) {
        const wanted: Resource[] = [
          ...parseResourcesFlag(`cpus:${t.cpus / 1000}${t.mem > 0 ? `;mem:${t.mem}` : ''}`),
          ...(t.port !== undefined ? [{ name: 'ports', type: 'RANGES' as const, ranges: { range: [{ begin: t.port, end: t.port }] } }] : []),
          ...(t.gpu !== undefined ? [{ name: 'gpus_ids', type: 'SET' as const, set: { item: [t.gpu] } }] : []),
        ];
        const expected = referenceTake(expectedLeft, wanted);
        const got = matcher.tryTake(wanted);
        assert.deepEqual(got, expected?.taken);
        if (expected) expectedLeft = expected.remaining;
        assert.deepEqual(matcher.remaining, expectedLeft);
      }
    }),
    { numRuns: 400 },
  );
});
