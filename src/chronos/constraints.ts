/**
 * Chronos's placement constraints (`ConstraintChecker`, `EqualsConstraint`,
 * `LikeConstraint`, `UnlikeConstraint`) over an offer's agent attributes.
 * Pure.
 *
 * - a `hostname` TEXT attribute is synthesised from the offer when the agent has none;
 * - EQUALS: some attribute of that name has TEXT value equal to `value`;
 * - LIKE: the attribute exists and its value fully matches the regex (SCALAR
 *   printed as a Java double, `1.0`; SET: any item; RANGES never);
 * - UNLIKE: the attribute exists and does not match (SET: no item matches);
 *   a missing attribute does NOT satisfy UNLIKE (unlike Marathon);
 * - all constraints must hold.
 */
import type { Attribute, Offer } from '../mesos/types.js';
import type { JobConstraint } from './job.js';

/** A double as Java's `Double.toString` prints ordinary values: `1.0`, `2.5`. */
export function javaDouble(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    // An invalid regex matches nothing (Chronos would fail the request; we fail the placement).
    return false;
  }
}

/** LIKE on one attribute; undefined for RANGES (unsupported: never matches either way). */
function likeMatches(attr: Attribute, pattern: string): boolean | undefined {
  switch (attr.type) {
    case 'TEXT':
      return fullMatch(pattern, attr.text?.value ?? '');
    case 'SCALAR':
      return fullMatch(pattern, javaDouble(attr.scalar?.value ?? 0));
    case 'SET':
      return (attr.set?.item ?? []).some((item) => fullMatch(pattern, item));
    case 'RANGES':
      return undefined;
  }
}

/** The offer's attributes plus a synthesised `hostname` when absent. */
export function offerAttributes(offer: Offer): Attribute[] {
  const attrs = [...(offer.attributes ?? [])];
  if (!attrs.some((a) => a.name === 'hostname')) attrs.push({ name: 'hostname', type: 'TEXT', text: { value: offer.hostname } });
  return attrs;
}

/** True when one constraint holds for `attributes`. */
export function constraintHolds(attributes: readonly Attribute[], constraint: JobConstraint): boolean {
  const [name, operator, value] = constraint;
  const named = attributes.filter((a) => a.name === name);
  switch (operator) {
    case 'EQUALS':
      return named.some((a) => a.type === 'TEXT' && a.text?.value === value);
    case 'LIKE':
      return named.some((a) => likeMatches(a, value) === true);
    case 'UNLIKE':
      return named.length > 0 && named.every((a) => likeMatches(a, value) === false);
  }
}

/** True when every constraint holds for the offer. */
export function offerSatisfies(offer: Offer, constraints: readonly JobConstraint[]): boolean {
  if (constraints.length === 0) return true;
  const attributes = offerAttributes(offer);
  return constraints.every((c) => constraintHolds(attributes, c));
}
