/**
 * Chronos task ids (`TaskUtils`): `ct:<dueEpochMillis>:<attempt>:<jobName>:<arguments>`,
 * e.g. `ct:1428515194358:0:NewJob:`. The due time, attempt and arguments are
 * carried in the id itself, so status updates need no other state. Pure.
 */

/** The parts of a task id. `dueMs` epoch ms; `attempt` 0-based. */
export interface ChronosTaskId {
  dueMs: number;
  attempt: number;
  jobName: string;
  arguments: string;
}

const TASK_ID = /^ct:(\d+):(\d+):([\w.-]+):?(.*)$/s;

/** Mesos task name of a job's tasks. */
export function taskName(jobName: string): string {
  return `ChronosTask:${jobName}`;
}

/**
 * Builds a task id. `args` = manual-run arguments, else the job's `arguments`
 * joined by spaces; `;` is stripped (Chronos's command-injection filter).
 */
export function makeTaskId(jobName: string, dueMs: number, attempt: number, args: string): string {
  return `ct:${Math.trunc(dueMs)}:${attempt}:${jobName}:${args.replaceAll(';', '')}`;
}

/** Parses a task id; undefined for ids not made by Chronos (their updates are ignored). */
export function parseTaskId(id: string): ChronosTaskId | undefined {
  const m = TASK_ID.exec(id);
  if (!m) return undefined;
  return { dueMs: Number(m[1]), attempt: Number(m[2]), jobName: m[3] ?? '', arguments: m[4] ?? '' };
}
