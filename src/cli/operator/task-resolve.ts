/**
 * Which task `meseta logs TASK` means: an id, or else a name, among every
 * task the master reports (completed ones included). Task ids are unique
 * only within a framework, so an id can be ambiguous too. Pure.
 */
import type { TaskRow } from './task-rows.js';
import { OperatorError } from './operator-error.js';

/** Outcome of resolving a task argument. */
export type TaskResolution =
  | { kind: 'found'; task: TaskRow }
  | { kind: 'ambiguous'; candidates: TaskRow[] }
  | { kind: 'none' };

/**
 * Matches `arg` against ids first; only when no id matches, against names.
 * Several matches are ambiguous (candidates sorted by framework, then id).
 */
export function resolveTask(rows: readonly TaskRow[], arg: string): TaskResolution {
  const byId = rows.filter((r) => r.id === arg);
  const matches = byId.length > 0 ? byId : rows.filter((r) => r.name === arg);
  if (matches.length === 1) return { kind: 'found', task: matches[0]! };
  if (matches.length === 0) return { kind: 'none' };
  const candidates = [...matches].sort((a, b) =>
    a.framework_id === b.framework_id ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.framework_id < b.framework_id ? -1 : 1,
  );
  return { kind: 'ambiguous', candidates };
}

/**
 * The task `arg` names, or OperatorError: TASK_NOT_FOUND (`No task with id
 * or name 'x'`), TASK_AMBIGUOUS (the message lists every candidate: id,
 * state, framework, one per line).
 */
export function requireTask(rows: readonly TaskRow[], arg: string): TaskRow {
  const resolution = resolveTask(rows, arg);
  if (resolution.kind === 'found') return resolution.task;
  if (resolution.kind === 'none') {
    throw new OperatorError('TASK_NOT_FOUND', `No task with id or name '${arg}' (see 'meseta tasks --all')`);
  }
  const lines = resolution.candidates.map(
    (c) => `  ${c.id}  ${c.state.replace(/^TASK_/, '')}  framework ${c.framework_name ? `${c.framework_name} ` : ''}(${c.framework_id})`,
  );
  return failAmbiguous(arg, lines);
}

function failAmbiguous(arg: string, lines: string[]): never {
  throw new OperatorError(
    'TASK_AMBIGUOUS',
    `'${arg}' matches ${lines.length} tasks; give one of these task ids:\n${lines.join('\n')}`,
  );
}
