/**
 * Deep equality of JSON data (what JSON.parse gives: plain objects, arrays,
 * strings, numbers, booleans, null), without allocating.
 *
 * Why not fast-deep-equal, used before: it calls `Object.keys` on both sides
 * of every object it compares. Comparing an agent's total resources (a dozen
 * small objects) with the known machine shapes made ~1.5 kB of key arrays per
 * agent; after a failover 10,000 agents reregister at once, and in the new
 * leader those arrays were ~14 MB of the reregistration window's garbage and
 * the comparisons ~4.5 % of its main thread. Counting keys with `for…in` needs
 * no array (V8 walks the object's cached key list).
 */

// Not `Object.hasOwn`: on Node 20's V8 a 4-entry agent total compared ~0.85 µs with it against ~0.62.
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * True when `a` and `b` are equal as JSON values: same primitives, arrays of
 * equal items in the same order, objects with the same own keys (in any
 * order) holding equal values. Objects are compared by their own enumerable
 * keys only; a key holding `undefined` counts as present, as in
 * fast-deep-equal. Throws nothing (no cycles in JSON data).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    if (!hasOwn.call(x, key)) continue;
    if (!hasOwn.call(y, key) || !sameJson(x[key], y[key])) return false;
    keys++;
  }
  for (const key in y) if (hasOwn.call(y, key)) keys--;
  return keys === 0;
}
