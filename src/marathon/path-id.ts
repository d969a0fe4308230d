/**
 * Marathon path ids (`/prod/web/frontend`): canonical form, validation, and
 * the derived names Marathon uses (safe id in task ids, Mesos task name).
 * Mirrors Marathon's `PathId` and `PathIdValidation`. Pure.
 */

/** One segment: lower-case DNS-ish labels separated by dots, or the `.`/`..` operators. */
export const PATH_SEGMENT_PATTERN = '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$';
const SEGMENT = /^(?:(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])|\.|\.\.)$/;

/** Last segments Marathon refuses, because they collide with REST sub-resources. */
export const RESERVED_SEGMENTS: readonly string[] = ['restart', 'tasks', 'versions', '.', '..'];

/** The root group's id. */
export const ROOT_ID = '/';

/**
 * Canonical absolute id of `raw` resolved against `base` (a group id, default
 * `/`): leading/trailing/double slashes dropped, `.` and `..` applied.
 * `canonicalId('web', '/prod')` → `/prod/web`; `canonicalId('/')` → `/`.
 * Does not validate segments (see `pathIdErrors`).
 */
export function canonicalId(raw: string, base: string = ROOT_ID): string {
  const absolute = raw.startsWith('/');
  const parts = [...(absolute ? [] : segments(base)), ...raw.split('/').filter((s) => s !== '')];
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** Segments of an id (`/a/b` → `['a','b']`; `/` → `[]`). */
export function segments(id: string): string[] {
  return id.split('/').filter((s) => s !== '');
}

/** Parent group id (`/a/b` → `/a`; `/a` → `/`; `/` → `/`). */
export function parentId(id: string): string {
  const s = segments(id);
  return '/' + s.slice(0, -1).join('/');
}

/** True when `id` is `group` itself or lies under it (`/a/b` under `/a`; everything under `/`). */
export function isUnder(id: string, group: string): boolean {
  if (group === ROOT_ID) return true;
  return id === group || id.startsWith(group + '/');
}

/**
 * Problems of a raw (not yet canonical) app id, in Marathon's words; `[]`
 * when valid. Checks every segment against PATH_SEGMENT_PATTERN, the reserved
 * last segments and the root.
 */
export function pathIdErrors(raw: string, base: string = ROOT_ID): string[] {
  const errors: string[] = [];
  const parts = raw.split('/').filter((s) => s !== '');
  if (parts.some((p) => !SEGMENT.test(p))) {
    errors.push(`must fully match regular expression '${PATH_SEGMENT_PATTERN}'`);
    return errors;
  }
  const id = canonicalId(raw, base);
  if (id === ROOT_ID) {
    errors.push(parts.length === 0 ? 'Path must contain at least one path element' : 'must not be root');
    return errors;
  }
  const last = parts[parts.length - 1];
  if (last !== undefined && RESERVED_SEGMENTS.includes(last)) {
    errors.push(`must not end with any of the following reserved keywords: ${RESERVED_SEGMENTS.join(', ')}`);
  }
  return errors;
}

/** The "safe id" used in task ids and text output: `/tools/docker/registry` → `tools_docker_registry`. */
export function safeId(id: string): string {
  return segments(id).join('_');
}

/** Mesos task name of an app: the id reversed with dots (`/prod/web` → `web.prod`). */
export function mesosTaskName(id: string): string {
  return segments(id).reverse().join('.');
}
