/**
 * Shares equal resource lists between task records. Most tasks of a framework
 * ask for the same thing (`cpus:0.1; mem:32` in role `*`), and each launch
 * parses and normalizes its own copy: ~500 bytes a task that a master holding
 * tens of thousands of tasks need not keep more than once.
 *
 * Shared lists are frozen, so a caller that tried to change one in place would
 * throw instead of silently changing other tasks' resources. The table is a
 * bounded first-in-first-out cache: lists that are all different (e.g. tasks
 * with their own port ranges) just pass through and age out.
 */
import type { Resource } from '../mesos/types.js';

/** Distinct lists remembered by default. */
const DEFAULT_CAPACITY = 1024;

export class SharedResources {
  private readonly byKey = new Map<string, Resource[]>();
  /** Shared normalized lists by the JSON of the raw list they came from. */
  private readonly byRawKey = new Map<string, Resource[]>();

  /** @param capacity distinct lists remembered at most (oldest forgotten first). */
  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /**
   * A frozen list equal to `resources` (deep-equal JSON, same order): the one
   * remembered if an equal list was seen, else a frozen `resources` itself, then
   * remembered. `resources` must not be mutated after the call. Typed mutable
   * because the allocator's contract takes `Resource[]`; writing to it throws.
   */
  share(resources: Resource[]): Resource[] {
    if (resources.length === 0) return EMPTY;
    const key = JSON.stringify(resources);
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const frozen = deepFreeze(resources);
    if (this.byKey.size >= this.capacity) this.byKey.delete(this.byKey.keys().next().value!);
    this.byKey.set(key, frozen);
    return frozen;
  }

  /**
   * The shared normalized form of `raw` (as `share(normalize(raw))`), with
   * `normalize` run only the first time a raw list with this JSON is seen: a
   * failover adopts every task again, and normalizing each one's resources
   * was a quarter of the reregistration work at 100,000 tasks. `raw` is not
   * kept or changed.
   *
   * `scope` names whatever else `normalize` depends on (the launch path gives
   * the role the resources are allocated to); results are remembered per
   * scope. A scope holding U+0000 is not remembered at all.
   */
  normalized(raw: readonly Resource[], normalize: (resources: readonly Resource[]) => Resource[], scope = ''): Resource[] {
    if (raw.length === 0) return EMPTY;
    if (scope.includes(SEPARATOR)) return this.share(normalize(raw));
    // The first separator ends the scope, so keys of different scopes never meet.
    const rawKey = `${scope}${SEPARATOR}${plainScalarsKey(raw) ?? JSON.stringify(raw)}`;
    const known = this.byRawKey.get(rawKey);
    if (known !== undefined) return known;
    const shared = this.share(normalize(raw));
    if (this.byRawKey.size >= this.capacity) this.byRawKey.delete(this.byRawKey.keys().next().value!);
    this.byRawKey.set(rawKey, shared);
    return shared;
  }

  /** Lists remembered now (for tests and `describe()`-style diagnostics). */
  get size(): number {
    return this.byKey.size;
  }
}

const EMPTY: Resource[] = Object.freeze([]) as unknown as Resource[];

/**
 * A key for the common raw list, unreserved scalars with at most an
 * allocation role and Mesos's legacy `role: "*"` (`[{name: 'cpus', type:
 * 'SCALAR', scalar: {value: 0.1}, role: '*', allocation_info: {role: '*'}}, …]`),
 * built without JSON: at a failover every task's list is keyed, and
 * JSON.stringify was a tenth of the new leader's reregistration work. Undefined for any other shape (the caller
 * falls back to JSON). Equal keys mean equal lists: names and roles holding
 * the separator are refused, and a JSON key starts with `[`, which this never does.
 */
function plainScalarsKey(raw: readonly Resource[]): string | undefined {
  let key = '';
  for (const r of raw) {
    for (const field in r) {
      if (field !== 'name' && field !== 'type' && field !== 'scalar' && field !== 'role' && field !== 'allocation_info') return undefined;
    }
    if (r.type !== 'SCALAR' || typeof r.name !== 'string' || r.name.includes(SEPARATOR)) return undefined;
    const scalar = r.scalar;
    if (typeof scalar !== 'object' || scalar === null || typeof scalar.value !== 'number') return undefined;
    for (const field in scalar) if (field !== 'value') return undefined;
    // Mesos's pre-refinement `role: "*"` (unreserved), as offers carry it; any other role is a reservation.
    if (r.role !== undefined && r.role !== '*') return undefined;
    const allocation = r.allocation_info;
    let allocationRole = NO_ALLOCATION;
    if (allocation !== undefined) {
      if (typeof allocation !== 'object' || allocation === null || typeof allocation.role !== 'string') return undefined;
      for (const field in allocation) if (field !== 'role') return undefined;
      if (allocation.role.includes(SEPARATOR) || allocation.role.includes(NO_ALLOCATION)) return undefined;
      allocationRole = allocation.role;
    }
    key += `${r.name}${SEPARATOR}${scalar.value}${SEPARATOR}${allocationRole}${SEPARATOR}${r.role ?? ''}${SEPARATOR}`;
  }
  return key;
}

const SEPARATOR = '\u0000';
/** Stands for "no allocation_info"; roles holding it are refused, so it never equals one. */
const NO_ALLOCATION = '\u0001';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
