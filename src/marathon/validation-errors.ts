/**
 * Marathon's validation errors and their HTTP bodies:
 *
 * - JSON that parses but has the wrong types (Play JSON reads) → 422
 *   `{"message":"Invalid JSON","details":[{"path":"/cpus","errors":["error.expected.jsnumber"]}]}`
 * - a well-typed object breaking a rule (accord validators) → 422
 *   `{"message":"Object is not valid","details":[{"path":"/cpus","errors":["got -1.0, expected 0.0 or more"]}]}`
 *
 * Paths are JSON-pointer-like with array indices as `(n)`: `/healthChecks(0)/portIndex`;
 * root-level rules use `/`. Violations on one path are grouped.
 */

/** One path and the messages about it. */
export interface Violation {
  path: string;
  errors: string[];
}

/** Collects violations, grouping messages by path in first-seen order. */
export class Violations {
  private readonly byPath = new Map<string, string[]>();

  /** Records `message` at `path` (duplicates dropped). */
  add(path: string, message: string): void {
    const list = this.byPath.get(path);
    if (!list) this.byPath.set(path, [message]);
    else if (!list.includes(message)) list.push(message);
  }

  /** Adds every violation of `other`. */
  addAll(other: readonly Violation[]): void {
    for (const v of other) for (const e of v.errors) this.add(v.path, e);
  }

  get empty(): boolean {
    return this.byPath.size === 0;
  }

  /** The grouped list, as Marathon's `details`. */
  list(): Violation[] {
    return [...this.byPath].map(([path, errors]) => ({ path, errors: [...errors] }));
  }
}

/** Kind of a validation failure: wrong JSON types, or rule violations. */
export type ValidationKind = 'invalid-json' | 'not-valid';

/** An app/group body was rejected; rendered as 422 by the HTTP layer. Not retryable. */
export class MarathonValidationError extends Error {
  readonly code = 'MARATHON_VALIDATION';
  constructor(
    readonly kind: ValidationKind,
    readonly details: Violation[],
  ) {
    super(kind === 'invalid-json' ? 'Invalid JSON' : 'Object is not valid');
    this.name = 'MarathonValidationError';
  }

  /** The 422 body. */
  toJSON(): { message: string; details: Violation[] } {
    return { message: this.message, details: this.details };
  }
}

/** Appends an array index the Marathon way: `/healthChecks` + 0 → `/healthChecks(0)`. */
export function indexPath(path: string, index: number): string {
  return `${path}(${index})`;
}

/** Appends an object key: `/container` + `docker` → `/container/docker`; root `/` + `id` → `/id`. */
export function keyPath(path: string, key: string): string {
  return path === '/' || path === '' ? `/${key}` : `${path}/${key}`;
}

/** A number as Scala prints a Double (`-1` → `-1.0`, `0.5` → `0.5`). */
export function scalaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}
