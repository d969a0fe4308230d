/**
 * Task state classification, as Mesos's `protobuf::isTerminalState`.
 */
import type { TaskState } from './types.js';

const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** True for states a task never leaves (TASK_LOST included, as Mesos counts it). */
export function isTerminalState(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/** States that only PARTITION_AWARE frameworks are told; others get TASK_LOST instead. */
const PARTITION_AWARE_ONLY: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_UNREACHABLE',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
]);

/** The state a framework without PARTITION_AWARE sees for `state`. */
export function stateForFramework(state: TaskState, partitionAware: boolean): TaskState {
  return !partitionAware && PARTITION_AWARE_ONLY.has(state) ? 'TASK_LOST' : state;
}
