/**
 * The tasks of a REREGISTER (src/mesos/agent-protocol.ts) in sets: the tasks of
 * one framework that hold equal resources are sent once with those two fields
 * (`AgentTaskSet`), each task then carrying only its own fields.
 *
 * Why: after a failover the new leader parses every agent's tasks at once, and
 * in a Mesos `Task` entry the framework id and the resource list (with its
 * allocation_info) are ~280 of ~360 bytes of JSON, the same for every instance
 * of an app. Sent once per set, a reregistration of 10 tasks per agent is ~40 %
 * of the JSON, and the master normalizes each set's resources once rather than
 * once per task. Mesos's ReregisterSlaveMessage is protobuf, where this weighs
 * far less; the fields and their meaning are unchanged.
 */
import equal from 'fast-deep-equal';
import type { AgentTask, AgentTaskEntry, AgentTaskSet, ReregisterInfo } from './agent-protocol.js';
import { reportedInfo } from './reported-task-info.js';
import type { FrameworkID, Resource } from './types.js';

/**
 * Groups `tasks` into sets of one framework and equal resources (lists equal
 * field by field, whatever the order of their keys), in the order each set's
 * first task came, tasks within a set in their order.
 * The entries share `tasks`' objects (ids, labels, statuses); throws nothing.
 */
export function packAgentTasks(tasks: readonly AgentTask[]): AgentTaskSet[] {
  const sets: AgentTaskSet[] = [];
  const byKey = new Map<string, AgentTaskSet>();
  // Instances of one app usually come one after another: a task joins the set before it when
  // their resources are equal, compared in place (~1 µs a task less than comparing their JSON,
  // while a simulator reregisters 25,000 tasks at once); only a task that starts a run is keyed.
  let last: AgentTaskSet | undefined;
  for (const task of tasks) {
    if (
      last === undefined ||
      last.framework_id.value !== task.framework_id.value ||
      (last.resources !== task.resources && !equal(last.resources, task.resources))
    ) {
      const key = `${task.framework_id.value}\u0000${JSON.stringify(task.resources)}`;
      last = byKey.get(key);
      if (last === undefined) {
        last = { framework_id: task.framework_id, resources: task.resources, tasks: [] };
        byKey.set(key, last);
        sets.push(last);
      }
    }
    last.tasks.push(entryOf(task));
  }
  return sets;
}

/** `task` without the two fields its set holds. */
function entryOf(task: AgentTask): AgentTaskEntry {
  const entry = reportedInfo(task) as AgentTaskEntry;
  entry.state = task.state;
  if (task.executor_id !== undefined) entry.executor_id = task.executor_id;
  if (task.statuses !== undefined) entry.statuses = task.statuses;
  if (task.user !== undefined) entry.user = task.user;
  return entry;
}

/**
 * Calls `visit` for every task a REREGISTER reports: those in `tasks`, then
 * those of each set in `task_sets`, with the framework id and resources that
 * apply to it. `resources` is the very list of the task or of its set, so a
 * caller can tell a set's tasks apart by identity. Throws what `visit` throws.
 */
export function forEachReportedTask(
  body: ReregisterInfo,
  visit: (task: AgentTaskEntry, frameworkId: FrameworkID, resources: Resource[]) => void,
): void {
  for (const task of body.tasks) visit(task, task.framework_id, task.resources);
  for (const set of body.task_sets ?? []) {
    for (const task of set.tasks) visit(task, set.framework_id, set.resources);
  }
}

/** The number of tasks a REREGISTER reports, in `tasks` and in `task_sets`. */
export function reportedTaskCount(body: ReregisterInfo): number {
  let count = body.tasks.length;
  for (const set of body.task_sets ?? []) count += set.tasks.length;
  return count;
}

/** Every task a REREGISTER reports as a whole `AgentTask` (new objects for those of sets), in `forEachReportedTask`'s order. */
export function reportedTasks(body: ReregisterInfo): AgentTask[] {
  const all: AgentTask[] = [];
  forEachReportedTask(body, (task, frameworkId, resources) => all.push({ ...task, framework_id: frameworkId, resources }));
  return all;
}
