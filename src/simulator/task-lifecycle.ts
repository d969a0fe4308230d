/**
 * What a simulated task does, as pure functions of time: no process runs, the
 * task only walks TASK_STARTING → TASK_RUNNING → TASK_FINISHED on schedule,
 * the updates a Mesos command executor would send for a command that exits 0.
 *
 * Its run time comes from the task's labels (`duration` or `sim_duration`, in
 * seconds, e.g. `{"key": "duration", "value": "2.5"}`), else from the
 * simulator's default (`--task_duration`).
 */
import type { TaskInfo, TaskState } from '../mesos/types.js';

/** Label keys read for a task's run time, first match wins; value in seconds. */
export const DURATION_LABELS = ['duration', 'sim_duration'] as const;

/** Delays of the steps of a simulated task, in ms. */
export interface LifecycleTiming {
  /** From RUN_TASK to TASK_STARTING (the executor starting). Default 0. */
  startingDelayMs: number;
  /** From TASK_STARTING to TASK_RUNNING. Default 0. */
  runningDelayMs: number;
}

/** Default timing: STARTING and RUNNING at once, as fast as the protocol lets them go. */
export const DEFAULT_TIMING: LifecycleTiming = { startingDelayMs: 0, runningDelayMs: 0 };

/** One step of a task's life: send `state` at `at` (ms). */
export interface LifecycleStep {
  state: TaskState;
  at: number;
  /** TaskStatus.message, as a command executor words it. */
  message?: string;
}

/**
 * Run time of `task` in ms: its `duration`/`sim_duration` label (seconds,
 * decimal, >= 0), else `defaultMs`. A label that is not a non-negative number
 * is ignored (the default applies), so a typo never crashes the simulator.
 */
export function taskDurationMs(task: TaskInfo, defaultMs: number): number {
  const labels = task.labels?.labels ?? [];
  for (const key of DURATION_LABELS) {
    const label = labels.find((l) => l.key === key);
    if (label?.value === undefined) continue;
    const seconds = Number(label.value.trim());
    if (label.value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  }
  return defaultMs;
}

/**
 * Step `index` (0, 1, 2) of a task launched at `launchedAt` (ms) that runs
 * `durationMs` once RUNNING; undefined past the last step. The finish time
 * counts from TASK_RUNNING, so a task labelled 10 s is RUNNING for 10 s.
 */
export function lifecycleStep(index: number, launchedAt: number, durationMs: number, timing: LifecycleTiming = DEFAULT_TIMING): LifecycleStep | undefined {
  const starting = launchedAt + timing.startingDelayMs;
  const running = starting + timing.runningDelayMs;
  switch (index) {
    case 0:
      return { state: 'TASK_STARTING', at: starting };
    case 1:
      return { state: 'TASK_RUNNING', at: running };
    case 2:
      return { state: 'TASK_FINISHED', at: running + durationMs, message: 'Command exited with status 0' };
    default:
      return undefined;
  }
}

/** Number of steps `lifecycleStep` has. */
export const LIFECYCLE_STEPS = 3;
