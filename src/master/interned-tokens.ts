/**
 * One shared copy of each enum string a master keeps per task (TaskState,
 * TaskStatus.Source, TaskStatus.Reason). JSON.parse gives every status its own
 * copy of "TASK_RUNNING" or "SOURCE_EXECUTOR"; a master holding tens of
 * thousands of statuses keeps one instead.
 *
 * The table is bounded: known names are seeded, and at most `MAX_LEARNED`
 * other strings (reasons this master does not list, or junk from a broken
 * agent) are learned; beyond that a string is returned as given. Interning
 * never changes a value, only which copy of it is held.
 */
import type { TaskState, TaskStatusSource } from '../mesos/types.js';

const STATES: readonly TaskState[] = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
];
const SOURCES: readonly TaskStatusSource[] = ['SOURCE_MASTER', 'SOURCE_AGENT', 'SOURCE_EXECUTOR'];

/** Strings learned beyond the seeded names; a bound so hostile input cannot grow the table. */
const MAX_LEARNED = 256;

const table = new Map<string, string>([...STATES, ...SOURCES].map((s) => [s, s]));
const seeded = table.size;

/**
 * The shared copy of `token` (a TaskState, source or reason name; any string
 * is accepted). Returns a string equal to `token`, typed as given.
 */
export function internToken<T extends string>(token: T): T {
  const shared = table.get(token);
  if (shared !== undefined) return shared as T;
  if (table.size - seeded < MAX_LEARNED && typeof token === 'string') table.set(token, token);
  return token;
}
