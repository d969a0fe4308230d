/**
 * Resource arithmetic and the agent `--resources` text form.
 *
 * Mirrors `src/common/resources.cpp` (`Resources::parse`, `operator+/-`,
 * `contains`, `operator<<`) and the classic JSON `model(Resources)`:
 * - Two resources are the *same kind* when name, type, reservation stack,
 *   allocation role, revocability, sharedness and disk info all match; only
 *   those merge (`cpus(*)` and `cpus(dev)` stay apart).
 * - Scalars are fixed-point with 0.001 resolution, never negative.
 * - Ranges are coalesced integer intervals; sets are unions.
 * - Shared resources and persistent volumes are *atomic*: never merged, only
 *   added or removed whole (Mesos refuses to split a volume).
 *
 * Every function is pure and returns new arrays/objects; inputs are never
 * mutated (nested metadata such as `reservations` or `disk` may be shared).
 */
import type { Range, ReservationInfo, Resource } from './types.js';
import {
  coalesceRanges,
  exactly,
  countRanges,
  formatRanges,
  formatScalar,
  formatSet,
  fromFixed,
  parseValue,
  rangesContain,
  setContains,
  subtractRanges,
  subtractSet,
  toFixed,
  unionSet,
  ValueParseError,
} from './values.js';

/**
 * A malformed `--resources` value (or JSON resource array).
 * `part` is the offending `name(role):value` token or JSON element.
 */
export class ResourcesParseError extends Error {
  readonly code = 'RESOURCES_MALFORMED';
  constructor(
    message: string,
    readonly part: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ResourcesParseError';
  }
}

type ResourceType = Resource['type'];
const RESOURCE_TYPES: readonly ResourceType[] = ['SCALAR', 'RANGES', 'SET'];

// ---------------------------------------------------------------------------
// Identity

/** Pre-refinement dynamic reservation (`Resource.reservation`), not in our v1 types. */
interface LegacyReservation {
  reservation?: { principal?: string; labels?: unknown };
}

/**
 * The reservation stack in one canonical form, so that pre-refinement
 * `{role: 'r'}` and post-refinement `{reservations: [{type: STATIC, role: 'r'}]}`
 * compare equal, as Mesos converts between them on the way in.
 */
function reservationKey(res: Resource): string {
  // Fast path for the common unreserved case; the allocator calls this a lot.
  if (!res.reservations?.length && (res.role === undefined || res.role === '*')) return '[]';
  const stack: ReservationInfo[] = res.reservations?.length
    ? res.reservations
    : res.role && res.role !== '*'
      ? [
          (res as LegacyReservation).reservation
            ? { type: 'DYNAMIC', role: res.role, principal: (res as LegacyReservation).reservation?.principal }
            : { type: 'STATIC', role: res.role },
        ]
      : [];
  return JSON.stringify(
    stack.map((r) => [r.type ?? 'STATIC', r.role ?? '*', r.principal ?? '', r.labels?.labels ?? []]),
  );
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`)
    .join(',')}}`;
}

function kindKey(res: Resource): string {
  // The common entry (unreserved, not revocable, shared or a disk) without
  // building and joining an array; the same string the general form gives.
  if (isPlainKind(res)) {
    return `${res.name}\u0000${res.type}\u0000[]\u0000${res.allocation_info?.role ?? ''}\u0000\u0000\u0000`;
  }
  return [
    res.name,
    res.type,
    reservationKey(res),
    res.allocation_info?.role ?? '',
    res.revocable ? 'R' : '',
    res.shared ? 'S' : '',
    res.disk ? stableJson(res.disk) : '',
  ].join('\u0000');
}

/** Persistent volumes and shared resources move whole; they are never merged or split. */
function isAtomic(res: Resource): boolean {
  return res.shared !== undefined || (res.disk !== undefined && res.disk['persistence'] !== undefined);
}

// ---------------------------------------------------------------------------
// Values of one entry

function scalarFixed(res: Resource): number {
  return toFixed(res.scalar?.value ?? 0);
}

function withScalarFixed(res: Resource, fixed: number): Resource {
  return { ...res, scalar: { value: fromFixed(Math.max(0, fixed)) } };
}

/** A copy with its value in canonical form (rounded scalar, coalesced ranges, deduplicated set). */
function canonical(res: Resource): Resource {
  switch (res.type) {
    case 'SCALAR':
      return withScalarFixed(res, scalarFixed(res));
    case 'RANGES':
      return { ...res, ranges: { range: coalesceRanges(res.ranges?.range ?? []) } };
    case 'SET':
      return { ...res, set: { item: unionSet([], res.set?.item ?? []) } };
  }
}

function isEmptyEntry(res: Resource): boolean {
  switch (res.type) {
    case 'SCALAR':
      return scalarFixed(res) <= 0;
    case 'RANGES':
      return (res.ranges?.range ?? []).length === 0;
    case 'SET':
      return (res.set?.item ?? []).length === 0;
  }
}

function addEntry(a: Resource, b: Resource): Resource {
  switch (a.type) {
    case 'SCALAR':
      return withScalarFixed(a, scalarFixed(a) + scalarFixed(b));
    case 'RANGES':
      return { ...a, ranges: { range: coalesceRanges([...(a.ranges?.range ?? []), ...(b.ranges?.range ?? [])]) } };
    case 'SET':
      return { ...a, set: { item: unionSet(a.set?.item ?? [], b.set?.item ?? []) } };
  }
}

function subtractEntry(a: Resource, b: Resource): Resource {
  switch (a.type) {
    case 'SCALAR':
      return withScalarFixed(a, scalarFixed(a) - scalarFixed(b));
    case 'RANGES':
      return { ...a, ranges: { range: subtractRanges(a.ranges?.range ?? [], b.ranges?.range ?? []) } };
    case 'SET':
      return { ...a, set: { item: subtractSet(a.set?.item ?? [], b.set?.item ?? []) } };
  }
}

function entryContains(a: Resource, b: Resource): boolean {
  switch (a.type) {
    case 'SCALAR':
      return scalarFixed(a) >= scalarFixed(b);
    case 'RANGES':
      return rangesContain(a.ranges?.range ?? [], b.ranges?.range ?? []);
    case 'SET':
      return setContains(a.set?.item ?? [], b.set?.item ?? []);
  }
}

function sameValue(a: Resource, b: Resource): boolean {
  return entryContains(a, b) && entryContains(b, a);
}

// ---------------------------------------------------------------------------
// Arithmetic

/**
 * Canonical form: entries of the same kind (name + type + reservation +
 * allocation role + revocable/shared/disk) merged in first-seen order, scalars
 * rounded to 0.001, ranges coalesced, sets deduplicated, zero/empty entries
 * dropped. Idempotent. Mirrors building a Mesos `Resources` object.
 */
export function normalizeResources(r: readonly Resource[]): Resource[] {
  // Scalars of one kind are summed in fixed point and their entry is built
  // once at the end; merging entry by entry made a new object per addition,
  // and an agent coming back with 10 tasks sums 20 entries.
  const out: Resource[] = [];
  const sums: number[] = [];
  let index: Map<string, number> | undefined;
  for (const raw of r) {
    if (raw.type === 'SCALAR' && !isAtomic(raw)) {
      const fixed = scalarFixed(raw);
      if (fixed <= 0) continue;
      const at = kindIndex(out, raw, index);
      if (at >= 0) {
        sums[at]! += fixed;
        continue;
      }
      index = remember(out, raw, index);
      out.push(raw);
      sums.push(fixed);
      continue;
    }
    const res = canonical(raw);
    if (isEmptyEntry(res)) continue;
    if (isAtomic(res)) {
      out.push(res);
      sums.push(NaN);
      continue;
    }
    const at = kindIndex(out, res, index);
    if (at >= 0) {
      out[at] = addEntry(out[at]!, res);
      continue;
    }
    index = remember(out, res, index);
    out.push(res);
    sums.push(NaN);
  }
  for (let i = 0; i < out.length; i++) {
    const sum = sums[i]!;
    if (!Number.isNaN(sum)) out[i] = withScalarFixed(out[i]!, sum);
  }
  // Built by push: the master keeps these lists (agents, offers, allocations).
  return exactly(out);
}

/** Entries up to which kinds are found by comparing with each merged entry rather than by key. */
const LINEAR_KINDS = 16;

/**
 * Where `res`'s kind is among the non-atomic entries of `out` (-1: not yet).
 * Short lists are searched without building keys; `index` (kind key →
 * position) takes over once `out` is long.
 */
function kindIndex(out: readonly Resource[], res: Resource, index: Map<string, number> | undefined): number {
  if (index !== undefined) return index.get(kindKey(res)) ?? -1;
  for (let i = 0; i < out.length; i++) {
    const x = out[i]!;
    if (!isAtomic(x) && sameKind(x, res)) return i;
  }
  return -1;
}

/** Keeps `index` in step as `res` is appended to `out`; builds it when `out` gets long. */
function remember(out: readonly Resource[], res: Resource, index: Map<string, number> | undefined): Map<string, number> | undefined {
  if (index !== undefined) {
    index.set(kindKey(res), out.length);
    return index;
  }
  if (out.length < LINEAR_KINDS) return undefined;
  const built = new Map<string, number>();
  out.forEach((x, i) => {
    if (!isAtomic(x)) built.set(kindKey(x), i);
  });
  built.set(kindKey(res), out.length);
  return built;
}

/** Unreserved, not revocable, shared or a disk: the kind is name, type and allocation role. */
function isPlainKind(res: Resource): boolean {
  return res.reservations === undefined && (res.role === undefined || res.role === '*') && res.revocable === undefined && res.shared === undefined && res.disk === undefined;
}

/** `kindKey(a) === kindKey(b)`, without building the keys in the common case. */
function sameKind(a: Resource, b: Resource): boolean {
  if (a.name !== b.name || a.type !== b.type) return false;
  if (isPlainKind(a) && isPlainKind(b)) return (a.allocation_info?.role ?? '') === (b.allocation_info?.role ?? '');
  return kindKey(a) === kindKey(b);
}

/** `a + b`, normalized (Mesos `Resources::operator+`). */
export function addResources(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  return normalizeResources([...a, ...b]);
}

/**
 * `a + b` as {@link addResources}, for lists already in canonical form (see
 * {@link subtractNormalized}): `b`'s entries are merged into a copy of `a`,
 * kinds `a` lacks appended in `b`'s order, and neither list is normalized
 * again. For the allocator's books, which take back every finished task's
 * resources. Long lists go through normalizeResources, which indexes kinds.
 */
export function addNormalized(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  if (a.length + b.length > LINEAR_KINDS) return normalizeResources([...a, ...b]);
  const out = a.slice();
  for (const res of b) {
    const at = isAtomic(res) ? -1 : kindIndex(out, res, undefined);
    if (at >= 0) out[at] = addEntry(out[at]!, res);
    else out.push(res);
  }
  // A kind `a` lacked was pushed, giving the copy spare room.
  return out.length === a.length ? out : exactly(out);
}

/**
 * `copies` × a normalized list of scalars: what normalizeResources gives for
 * the list repeated `copies` times (each value times `copies`, in Mesos's
 * fixed point), without building and summing the repeats. For an agent that
 * reregisters with many tasks of one shape. Undefined when the list holds
 * anything but non-atomic scalars (ranges and sets do not scale), or when
 * `copies` is not a positive integer.
 */
export function scaleScalars(normalized: readonly Resource[], copies: number): Resource[] | undefined {
  if (!Number.isInteger(copies) || copies < 1) return undefined;
  for (const res of normalized) if (res.type !== 'SCALAR' || isAtomic(res)) return undefined;
  return normalized.map((res) => withScalarFixed(res, scalarFixed(res) * copies));
}

/**
 * `a − b`, normalized: each entry of `b` is taken from the entry of `a` of the
 * same kind; scalars stop at zero, ranges and sets lose the values in `b`, and
 * kinds `a` lacks are ignored, so the result is never negative. Atomic entries
 * (volumes, shared) are removed only by an identical entry.
 * Mirrors `Resources::operator-` (which CHECK-fails where we clamp).
 */
export function subtractResources(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  return subtractNormalized(normalizeResources(a), normalizeResources(b));
}

/**
 * `a − b` as {@link subtractResources}, for lists already in canonical form
 * (what normalizeResources and this module's arithmetic return; a list
 * changed since is not): neither is normalized again. For the master's launch
 * path, which takes each task from what is left of an offer; normalizing both
 * lists again was most of the cost of a launch's resource bookkeeping.
 */
export function subtractNormalized(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  const out = a.slice();
  for (const res of b) {
    if (isAtomic(res)) {
      const at = out.findIndex((x) => sameKind(x, res) && sameValue(x, res));
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    const at = out.findIndex((x) => !isAtomic(x) && sameKind(x, res));
    if (at >= 0) out[at] = subtractEntry(out[at]!, res);
  }
  // Usually nothing runs out (a task taken from an offer, given back to an
  // allocation): the copy is returned as it is, exact in size, with no filtering.
  return out.some(isEmptyEntry) ? exactly(out.filter((x) => !isEmptyEntry(x))) : out;
}

/**
 * `a ⊇ b`: for every kind in `b`, `a` has at least as much (scalars compared
 * in 0.001 fixed-point, ranges and sets by containment; atomic entries need an
 * identical entry each). Mirrors `Resources::contains`.
 */
export function containsResources(a: readonly Resource[], b: readonly Resource[]): boolean {
  const pool = normalizeResources(a);
  for (const res of normalizeResources(b)) {
    if (isAtomic(res)) {
      const at = pool.findIndex((x) => sameKind(x, res) && sameValue(x, res));
      if (at < 0) return false;
      pool.splice(at, 1);
      continue;
    }
    const have = pool.find((x) => !isAtomic(x) && sameKind(x, res));
    if (!have || !entryContains(have, res)) return false;
  }
  return true;
}

/** True when nothing non-zero remains (`Resources::empty` after normalization). */
export function isEmptyResources(r: readonly Resource[]): boolean {
  return r.every((x) => isEmptyEntry(canonical(x)));
}

// ---------------------------------------------------------------------------
// Queries

/** Sum of the SCALAR resource `name` over all roles (e.g. cpus, mem in MB); 0 when absent. */
export function scalarOf(r: readonly Resource[], name: string): number {
  let fixed = 0;
  for (const x of r) if (x.name === name && x.type === 'SCALAR') fixed += Math.max(0, scalarFixed(x));
  return fromFixed(fixed);
}

/** Union of the RANGES resource `name` over all roles, coalesced; `[]` when absent. */
export function rangesOf(r: readonly Resource[], name: string): Range[] {
  const all: Range[] = [];
  for (const x of r) if (x.name === name && x.type === 'RANGES') all.push(...(x.ranges?.range ?? []));
  return coalesceRanges(all);
}

/**
 * Quantity per resource name, summed over roles: scalar values, the number of
 * values in ranges (`ports:[31000-32000]` → 1001), the number of set items.
 * Mirrors `ResourceQuantities` (which counts only scalars; we extend it so
 * ports can be reported too).
 */
export function quantitiesOf(r: readonly Resource[]): Record<string, number> {
  const fixed: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (const raw of r) {
    const x = canonical(raw);
    if (isEmptyEntry(x)) continue;
    if (x.type === 'SCALAR') {
      fixed[x.name] = (fixed[x.name] ?? 0) + scalarFixed(x);
      counts[x.name] ??= 0;
    } else {
      const n = x.type === 'RANGES' ? countRanges(x.ranges?.range ?? []) : (x.set?.item ?? []).length;
      counts[x.name] = (counts[x.name] ?? 0) + n;
    }
  }
  const out: Record<string, number> = {};
  for (const name of Object.keys(counts)) out[name] = name in fixed ? fromFixed(fixed[name]!) : counts[name]!;
  return out;
}

/**
 * The role `res` is reserved to: the last entry of `reservations` (the
 * current reservation after refinement), else the deprecated `role`, else `*`.
 */
export function reservationRole(res: Resource): string {
  const stack = res.reservations;
  if (stack && stack.length > 0) return stack[stack.length - 1]!.role ?? '*';
  return res.role ?? '*';
}

/**
 * Copies with `allocation_info.role` set, as the master does before offering
 * (MULTI_ROLE). Built with `Object.assign` and an assignment: V8 builds
 * `{ ...x, allocation_info }` (a key after a spread that the source lacks)
 * several times slower, and this runs for every offer.
 */
export function withAllocationRole(r: readonly Resource[], role: string): Resource[] {
  const out = new Array<Resource>(r.length);
  for (let i = 0; i < r.length; i++) {
    const tagged = Object.assign({}, r[i]!);
    tagged.allocation_info = { role };
    out[i] = tagged;
  }
  return out;
}

/** Copies without `allocation_info`, e.g. to compare offered resources with an agent's total. */
export function stripAllocationInfo(r: readonly Resource[]): Resource[] {
  return r.map((x) => {
    const { allocation_info: _dropped, ...rest } = x;
    return rest;
  });
}

/**
 * Classic JSON summary (`/master/state` `resources`, `used_resources`, ...):
 * `{cpus, gpus, mem, disk}` always present (0 when absent), other scalars by
 * name, ranges as `"[31000-32000]"`, sets as `"{a, b}"`; revocable resources
 * get a `_revocable` suffix. Values summed/unioned over roles.
 * Mirrors `model(const Resources&)` in `src/common/http.cpp`.
 */
export function summarizeResources(r: readonly Resource[]): Record<string, number | string> {
  return summarizeResourceLists([r]);
}

/**
 * `summarizeResources` of several lists together (as of their concatenation),
 * in one pass: `/master/slaves` sums each agent's tasks this way instead of
 * normalizing a running total per task, which made the endpoint take seconds
 * at 10,000 agents (long enough to lose a 2 s ZooKeeper session).
 */
export function summarizeResourceLists(lists: Iterable<readonly Resource[]>): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
  const merged = new Map<string, { type: ResourceType; fixed: number; ranges: Range[]; sets: Resource[] }>();
  for (const list of lists) {
    for (const res of list) {
      // Empty entries (zero or negative scalars, no ranges, no items) are dropped, as normalization drops them.
      if (isEmptyEntry(res)) continue;
      const key = res.revocable ? `${res.name}_revocable` : res.name;
      let sum = merged.get(key);
      if (sum === undefined) merged.set(key, (sum = { type: res.type, fixed: 0, ranges: [], sets: [] }));
      else if (sum.type !== res.type) continue; // the first type seen under a name wins
      if (res.type === 'SCALAR') sum.fixed += scalarFixed(res);
      else if (res.type === 'RANGES') sum.ranges.push(...(res.ranges?.range ?? []));
      else sum.sets.push(res);
    }
  }
  for (const [key, sum] of merged) {
    if (sum.type === 'SCALAR') out[key] = fromFixed(sum.fixed);
    else if (sum.type === 'RANGES') out[key] = formatRanges(coalesceRanges(sum.ranges));
    else {
      // Items in the order a normalized sum lists them (grouped by reservation), as before.
      out[key] = formatSet(normalizeResources(sum.sets).reduce<string[]>((items, set) => unionSet(items, set.set?.item ?? []), []));
    }
  }
  return out;
}

/**
 * Picks `count` values of the RANGES resource `name` lowest-first (host port
 * allocation), returned as coalesced ranges. `[]` for a count of 0; undefined
 * when fewer values are available or `count` is not a non-negative integer.
 */
export function takeRanges(r: readonly Resource[], name: string, count: number): Range[] | undefined {
  if (!Number.isInteger(count) || count < 0) return undefined;
  const picked: Range[] = [];
  let left = count;
  for (const range of rangesOf(r, name)) {
    if (left === 0) break;
    const n = Math.min(left, range.end - range.begin + 1);
    picked.push({ begin: range.begin, end: range.begin + n - 1 });
    left -= n;
  }
  return left === 0 ? picked : undefined;
}

// ---------------------------------------------------------------------------
// Text form

function formatEntry(res: Resource): string {
  let label = `${res.name}(${reservationRole(res)})`;
  if (res.allocation_info?.role !== undefined) label += `(allocated: ${res.allocation_info.role})`;
  const persistence = res.disk?.['persistence'] as { id?: string } | undefined;
  if (persistence?.id !== undefined) {
    const volume = res.disk?.['volume'] as { container_path?: string } | undefined;
    label += `[${persistence.id}${volume?.container_path ? `:${volume.container_path}` : ''}]`;
  }
  if (res.revocable) label += '{REV}';
  let value: string;
  switch (res.type) {
    case 'SCALAR':
      value = formatScalar(res.scalar?.value ?? 0);
      break;
    case 'RANGES':
      value = formatRanges(coalesceRanges(res.ranges?.range ?? []));
      break;
    case 'SET':
      value = formatSet(res.set?.item ?? []);
      break;
  }
  return `${label}:${value}`;
}

/**
 * Mesos text form as agents and masters log it, in the given order:
 * `cpus(*):2; mem(*):1961; disk(*):35164; ports(*):[31000-32000]`.
 * Allocation role shows as `(allocated: r)`, revocable as `{REV}`, persistent
 * volumes as `[id:container_path]`. Empty input prints `{}` as Mesos does.
 */
export function formatResources(resources: readonly Resource[]): string {
  if (resources.length === 0) return '{}';
  return resources.map(formatEntry).join('; ');
}

/** Role names as `roles::validate` accepts them (no whitespace, no `/` or `-` lead, not `.`/`..`). */
function roleProblem(role: string): string | undefined {
  if (role === '') return 'empty role';
  if (role === '.' || role === '..') return `role '${role}' is reserved`;
  if (/\s/.test(role)) return `role '${role}' contains whitespace`;
  if (role.startsWith('/') || role.endsWith('/') || role.includes('//')) return `role '${role}' has an empty path segment`;
  if (role.startsWith('-')) return `role '${role}' starts with '-'`;
  return undefined;
}

function withRole(res: Resource, role: string): Resource {
  return role === '*' ? { ...res, role } : { ...res, role, reservations: [{ type: 'STATIC', role }] };
}

function parseToken(token: string, defaultRole: string): Resource {
  const fail = (why: string, cause?: unknown): never => {
    throw new ResourcesParseError(`Failed to parse resource '${token}': ${why}`, token, { cause });
  };
  const colon = token.indexOf(':');
  if (colon < 0 || token.indexOf(':', colon + 1) >= 0) fail("missing or extra ':'");
  const head = token.slice(0, colon).trim();
  const valueText = token.slice(colon + 1);

  let name = head;
  let role = defaultRole;
  const open = head.indexOf('(');
  if (open >= 0) {
    const close = head.indexOf(')');
    if (close < open || close !== head.length - 1) fail('mismatched parentheses');
    name = head.slice(0, open).trim();
    role = head.slice(open + 1, close).trim();
  } else if (head.includes(')')) {
    fail('mismatched parentheses');
  }
  if (name === '') fail('empty resource name');
  if (/[\s[\]{}]/.test(name)) fail(`bad resource name '${name}'`);
  const bad = roleProblem(role);
  if (bad) fail(bad);

  let parsed;
  try {
    parsed = parseValue(valueText);
  } catch (err) {
    if (err instanceof ValueParseError) return fail(err.message, err);
    throw err;
  }
  switch (parsed.type) {
    case 'SCALAR':
      if (parsed.scalar < 0) fail(`negative value ${parsed.scalar}`);
      return withRole({ name, type: 'SCALAR', scalar: { value: parsed.scalar } }, role);
    case 'RANGES':
      return withRole({ name, type: 'RANGES', ranges: { range: parsed.ranges } }, role);
    case 'SET':
      return withRole({ name, type: 'SET', set: { item: parsed.items } }, role);
    case 'TEXT':
      return fail(`expected a number, ranges '[a-b, ...]' or a set '{a, ...}', got '${parsed.text}'`);
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Validates one v1 Resource JSON object; returns it with `type` as a name and the default role applied. */
function fromJsonElement(el: Record<string, unknown>, i: number, defaultRole: string): Resource {
  const label = typeof el['name'] === 'string' ? `#${i} ('${el['name']}')` : `#${i}`;
  const part = JSON.stringify(el);
  const fail = (why: string): never => {
    throw new ResourcesParseError(`Failed to parse resource ${label}: ${why}`, part);
  };
  const name = el['name'];
  if (typeof name !== 'string' || name === '') fail("missing 'name'");
  // Protobuf JSON accepts enum numbers too: SCALAR=0, RANGES=1, SET=2.
  const rawType = el['type'];
  const type = typeof rawType === 'number' ? RESOURCE_TYPES[rawType] : (rawType as ResourceType | undefined);
  if (type === undefined || !RESOURCE_TYPES.includes(type)) fail(`bad type ${JSON.stringify(rawType)}`);
  const res = { ...el, name, type } as Resource;

  if (type === 'SCALAR') {
    const v = isPlainObject(el['scalar']) ? el['scalar']['value'] : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail("missing or non-numeric 'scalar.value'");
    if ((v as number) < 0) fail(`negative value ${v}`);
  } else if (type === 'RANGES') {
    const list = isPlainObject(el['ranges']) ? el['ranges']['range'] : undefined;
    if (list !== undefined && !Array.isArray(list)) fail("'ranges.range' must be an array");
    const ranges: Range[] = [];
    for (const r of (list as unknown[] | undefined) ?? []) {
      const begin = isPlainObject(r) ? r['begin'] : undefined;
      const end = isPlainObject(r) ? r['end'] : undefined;
      if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || (begin as number) < 0) {
        fail(`bad range ${JSON.stringify(r)}`);
      }
      if ((begin as number) > (end as number)) fail(`bad range ${begin}-${end}: begin > end`);
      ranges.push({ begin: begin as number, end: end as number });
    }
    res.ranges = { range: ranges };
  } else {
    const items = isPlainObject(el['set']) ? el['set']['item'] : undefined;
    if (items !== undefined && (!Array.isArray(items) || !items.every((x) => typeof x === 'string'))) {
      fail("'set.item' must be an array of strings");
    }
    res.set = { item: (items as string[] | undefined) ?? [] };
  }

  if (res.role !== undefined && typeof res.role !== 'string') fail("'role' must be a string");
  if (res.reservations !== undefined && !Array.isArray(res.reservations)) fail("'reservations' must be an array");
  if (res.role === undefined && !res.reservations?.length) return withRole(res, defaultRole);
  const bad = roleProblem(reservationRole(res));
  if (bad) fail(bad);
  return res;
}

function checkTypes(resources: readonly Resource[]): void {
  const seen = new Map<string, ResourceType>();
  for (const r of resources) {
    const prev = seen.get(r.name);
    if (prev !== undefined && prev !== r.type) {
      throw new ResourcesParseError(
        `Resources with the same name ('${r.name}') but different types are not allowed (${prev} and ${r.type})`,
        r.name,
      );
    }
    seen.set(r.name, r.type);
  }
}

/**
 * Parses the agent `--resources` value: either Mesos text
 * `cpus:2;mem:1024;disk:20000;ports:[31000-32000];gpus:1;bugs(dev):{a,b}`
 * (`name(role):value`, `;` or newline separated, role defaults to
 * `defaultRole` — `--default_role`, `*` = unreserved) or a JSON array of v1
 * Resource objects (text starting with `[`). Reserved resources get both the
 * pre-refinement `role` and a STATIC `reservations` entry.
 *
 * Result is normalized: duplicates of the same kind summed, zeros dropped.
 * Throws `ResourcesParseError` (one line, naming the bad part) on malformed
 * tokens, TEXT values, negative scalars, ranges with begin > end, bad roles, or
 * one name used with two types. Mirrors `Resources::parse` / `fromSimpleString`
 * / `fromJSON`.
 */
export function parseResourcesFlag(text: string, defaultRole = '*'): Resource[] {
  const roleBad = roleProblem(defaultRole);
  if (roleBad) throw new ResourcesParseError(`Invalid default role: ${roleBad}`, defaultRole);
  const trimmed = text.trim();
  let parsed: Resource[];
  if (trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw new ResourcesParseError(
        `Failed to parse resources: not a JSON array of resources (${(err as Error).message})`,
        trimmed,
        { cause: err },
      );
    }
    if (!Array.isArray(json)) throw new ResourcesParseError('Failed to parse resources: expected a JSON array', trimmed);
    parsed = json.map((el, i) => {
      if (!isPlainObject(el)) {
        throw new ResourcesParseError(`Failed to parse resource #${i}: expected an object`, JSON.stringify(el));
      }
      return fromJsonElement(el, i, defaultRole);
    });
  } else {
    parsed = trimmed
      .split(/[;\n]/)
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t) => parseToken(t, defaultRole));
  }
  checkTypes(parsed);
  return normalizeResources(parsed);
}
