/**
 * Agents' total resources shared between agents whose totals are equal: a
 * cluster has a few machine shapes, and an agent's total is compared wherever
 * its info is (the registry's record, the allocator's remembered totals).
 * With one frozen list per shape those comparisons settle by identity. After
 * a failover 10,000 agents come back at once, and comparing each one's total
 * field by field twice was ~8 % of the new leader's work.
 *
 * Shared lists are frozen, so code that tried to change an agent's total in
 * place would throw rather than change every agent of its shape.
 */
import { sameJson } from '../mesos/same-json.js';
import type { Resource } from '../mesos/types.js';
import { deepFreeze } from './shared-resources.js';

/** Distinct totals remembered by default. */
const DEFAULT_REMEMBERED = 8;

export class AgentShapes {
  /** Newest first. */
  private readonly recent: Resource[][] = [];

  /** @param remembered distinct totals compared with each new one, at most (the least recent is forgotten). */
  constructor(private readonly remembered = DEFAULT_REMEMBERED) {}

  /**
   * A frozen list deep-equal to `resources` (same order): one remembered, or
   * else `resources` itself, frozen and remembered; the caller gives it up.
   * With `copy`, a miss remembers a deep copy instead, and `resources` stays
   * the caller's, unfrozen. Comparing with the few recent shapes costs less than
   * encoding the list as a key (~1.6 µs against ~2.6 for 4 entries), and
   * consecutive agents mostly have the same shape. Throws nothing.
   */
  share(resources: readonly Resource[], copy = false): Resource[] {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const known = recent[i]!;
      if (known === resources || sameJson(known, resources)) {
        if (i > 0) recent.unshift(...recent.splice(i, 1));
        return known;
      }
    }
    const frozen = deepFreeze(copy ? structuredClone(resources as Resource[]) : (resources as Resource[]));
    recent.unshift(frozen);
    if (recent.length > this.remembered) recent.pop();
    return frozen;
  }
}
