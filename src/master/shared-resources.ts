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
  /**
   * The last plain-scalar raw list `normalized` saw (its fields, not the list,
   * which the caller keeps), its scope and result: consecutive calls mostly
   * repeat it (an agent's tasks of one framework), and comparing fields costs
   * less than building and hashing a key.
   */
  private last: { scope: string; fields: PlainScalarFields[]; shared: Resource[] } | undefined;

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
    const last = this.last;
    if (last !== undefined && last.scope === scope && samePlainScalars(raw, last.fields)) return last.shared;
    const plain = plainScalarsKey(raw);
    // The first separator ends the scope, so keys of different scopes never meet.
    const rawKey = `${scope}${SEPARATOR}${plain ?? JSON.stringify(raw)}`;
    let shared = this.byRawKey.get(rawKey);
    if (shared === undefined) {
      shared = this.share(normalize(raw));
      if (this.byRawKey.size >= this.capacity) this.byRawKey.delete(this.byRawKey.keys().next().value!);
      this.byRawKey.set(rawKey, shared);
    }
    this.last = plain === undefined ? undefined : { scope, fields: raw.map(plainScalarFields), shared };
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
    if (!isPlainScalar(r)) return undefined;
    const allocationRole = r.allocation_info?.role ?? NO_ALLOCATION;
    key += `${r.name}${SEPARATOR}${r.scalar!.value}${SEPARATOR}${allocationRole}${SEPARATOR}${r.role ?? ''}${SEPARATOR}`;
  }
  return key;
}

/**
 * True for an unreserved scalar with only the fields {@link plainScalarsKey}
 * keys on (name, type, scalar.value, role `*`, allocation_info.role), whose
 * strings hold neither separator.
 */
function isPlainScalar(r: Resource): boolean {
  for (const field in r) {
    if (field !== 'name' && field !== 'type' && field !== 'scalar' && field !== 'role' && field !== 'allocation_info') return false;
  }
  if (r.type !== 'SCALAR' || typeof r.name !== 'string' || r.name.includes(SEPARATOR)) return false;
  const scalar = r.scalar;
  if (typeof scalar !== 'object' || scalar === null || typeof scalar.value !== 'number') return false;
  for (const field in scalar) if (field !== 'value') return false;
  // Mesos's pre-refinement `role: "*"` (unreserved), as offers carry it; any other role is a reservation.
  if (r.role !== undefined && r.role !== '*') return false;
  const allocation = r.allocation_info;
  if (allocation !== undefined) {
    if (typeof allocation !== 'object' || allocation === null || typeof allocation.role !== 'string') return false;
    for (const field in allocation) if (field !== 'role') return false;
    if (allocation.role.includes(SEPARATOR) || allocation.role.includes(NO_ALLOCATION)) return false;
  }
  return true;
}

/** What {@link plainScalarsKey} keys on in one plain scalar. */
interface PlainScalarFields {
  name: string;
  value: number;
  role: string | undefined;
  allocationRole: string | undefined;
}

function plainScalarFields(r: Resource): PlainScalarFields {
  return { name: r.name, value: r.scalar!.value, role: r.role, allocationRole: r.allocation_info?.role };
}

/** True if `raw` is a plain-scalar list with exactly `fields` (the same key, without building it). */
function samePlainScalars(raw: readonly Resource[], fields: readonly PlainScalarFields[]): boolean {
  if (raw.length !== fields.length) return false;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const f = fields[i]!;
    if (r.name !== f.name || r.role !== f.role || !isPlainScalar(r) || r.scalar!.value !== f.value || r.allocation_info?.role !== f.allocationRole) return false;
  }
  return true;
}

const SEPARATOR = '\u0000';
/** Stands for "no allocation_info"; roles holding it are refused, so it never equals one. */
const NO_ALLOCATION = '\u0001';

/** Freezes `value` and everything it holds (objects and arrays); returns `value`. Throws nothing. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
