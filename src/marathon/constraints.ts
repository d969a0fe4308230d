/**
 * Placement constraints (`["hostname","UNIQUE"]`, `["rack","GROUP_BY","3"]`, …):
 * validation with Marathon's messages and evaluation against an offer and the
 * app's instances already placed. Mirrors Marathon's `Constraints` (≤1.10
 * semantics for GROUP_BY). Pure: no clock, no randomness.
 *
 * Field `hostname`/`@hostname` is the agent hostname; `@region`/`@zone` the
 * fault domain; any other field an agent attribute, compared as text (scalars
 * with ≤3 decimals and no trailing zeros, ranges `[a-b,c-d]`, sets `{a,b}`).
 * An offer lacking the field matches only UNLIKE.
 */
import type { Attribute } from '../mesos/types.js';
import { roundScalar } from '../mesos/values.js';

/** The operators Marathon knows. */
export const CONSTRAINT_OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** A parsed constraint; `value` is undefined when not given (or given empty for UNIQUE). */
export interface Constraint {
  field: string;
  operator: ConstraintOperator;
  value?: string;
}

/** Where an offer (or an already placed instance) is: the agent's hostname and attributes. */
export interface PlacementSite {
  hostname: string;
  attributes?: readonly Attribute[];
  region?: string;
  zone?: string;
}

const IS_VALUE = /^[a-zA-Z0-9_/.-]*$/;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/**
 * Problems of one raw constraint (`["hostname","UNIQUE"]`), in Marathon's
 * words; `[]` when valid. The seeds' `["hostname","UNIQUE",""]` is valid: an
 * empty value counts as none, as the Marathon of the seeds accepted it.
 */
export function constraintErrors(raw: readonly string[]): string[] {
  if (raw.length < 2 || raw.length > 3) return ['Each constraint must have either 2 or 3 fields'];
  const [field, op, value] = raw as [string, string, string | undefined];
  if (field === '') return ['missing field for constraint declaration'];
  const operator = op.toUpperCase();
  if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(operator)) {
    return ['Constraint operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS'];
  }
  const given = value !== undefined && value !== '';
  switch (operator as ConstraintOperator) {
    case 'UNIQUE':
      return given ? ['Value specified but not used'] : [];
    case 'CLUSTER':
      return [];
    case 'GROUP_BY':
      return !given || /^[+-]?\d+$/.test(value!) ? [] : ['GROUP BY must define an integer value or else no value at all'];
    case 'MAX_PER':
      return given && /^[+-]?\d+$/.test(value!) ? [] : ['MAX_PER requires an integer value'];
    case 'LIKE':
    case 'UNLIKE':
      if (!given) return ['LIKE and UNLIKE require a non-empty, regular expression value'];
      return compiles(value!) ? [] : [`'${value}' is not a valid regular expression`];
    case 'IS':
      if (!given) return ['IS requires a non-empty value'];
      return IS_VALUE.test(value!) ? [] : ['IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)'];
  }
}

/** Parses a raw constraint already checked by `constraintErrors`. Throws Error on an invalid one (a bug). */
export function parseConstraint(raw: readonly string[]): Constraint {
  const errors = constraintErrors(raw);
  if (errors.length > 0) throw new Error(`invalid constraint ${JSON.stringify(raw)}: ${errors[0]}`);
  const value = raw[2];
  return {
    field: raw[0]!,
    operator: raw[1]!.toUpperCase() as ConstraintOperator,
    ...(value !== undefined && value !== '' ? { value } : {}),
  };
}

/** Text form of an attribute, as Marathon compares it. */
export function attributeText(attr: Attribute): string {
  switch (attr.type) {
    case 'SCALAR':
      return String(roundScalar(attr.scalar?.value ?? 0));
    case 'RANGES':
      return `[${[...(attr.ranges?.range ?? [])]
        .sort((a, b) => a.begin - b.begin)
        .map((r) => `${r.begin}-${r.end}`)
        .join(',')}]`;
    case 'SET':
      return `{${[...(attr.set?.item ?? [])].sort().join(',')}}`;
    case 'TEXT':
      return attr.text?.value ?? '';
  }
}

/** The value of `field` at `site`, or undefined when the site lacks it. */
export function fieldValue(field: string, site: PlacementSite): string | undefined {
  if (field === 'hostname' || field === '@hostname') return site.hostname;
  if (field === '@region') return site.region;
  if (field === '@zone') return site.zone;
  const attr = site.attributes?.find((a) => a.name === field);
  return attr ? attributeText(attr) : undefined;
}

function fullMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return false;
  }
}

/** Numeric values compare as Marathon normalises them (`2.0` is `2`). */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && roundScalar(x) === roundScalar(y);
}

/**
 * True when placing one more instance at `offer` keeps `constraint`, given
 * the sites of the app's instances already placed (running, staged, or placed
 * earlier in this offer round).
 */
export function meetsConstraint(constraint: Constraint, offer: PlacementSite, placed: readonly PlacementSite[]): boolean {
  const value = fieldValue(constraint.field, offer);
  if (value === undefined) return constraint.operator === 'UNLIKE';
  const others = placed.map((s) => fieldValue(constraint.field, s));
  switch (constraint.operator) {
    case 'UNIQUE':
      return !others.includes(value);
    case 'CLUSTER': {
      if (constraint.value !== undefined) return sameValue(value, constraint.value);
      const first = others.find((v) => v !== undefined);
      return first === undefined || first === value;
    }
    case 'GROUP_BY': {
      const counts = new Map<string, number>();
      for (const v of others) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
      if (!counts.has(value)) return true;
      const wanted = constraint.value !== undefined ? Number.parseInt(constraint.value, 10) : 0;
      if (counts.size < wanted) return false;
      const min = Math.min(...counts.values());
      return counts.get(value) === min;
    }
    case 'LIKE':
      return fullMatch(constraint.value ?? '', value);
    case 'UNLIKE':
      return !fullMatch(constraint.value ?? '', value);
    case 'MAX_PER': {
      const max = Number.parseInt(constraint.value ?? '0', 10);
      return others.filter((v) => v === value).length < max;
    }
    case 'IS':
      return sameValue(value, constraint.value ?? '');
  }
}

/** The first constraint `offer` breaks, or undefined when all hold. */
export function firstUnmetConstraint(
  constraints: readonly Constraint[],
  offer: PlacementSite,
  placed: readonly PlacementSite[],
): Constraint | undefined {
  return constraints.find((c) => !meetsConstraint(c, offer, placed));
}

/** Display form `hostname:UNIQUE` / `rack:GROUP_BY:3`, for queue reasons and logs. */
export function formatConstraint(c: Constraint): string {
  return [c.field, c.operator, ...(c.value !== undefined ? [c.value] : [])].join(':');
}
