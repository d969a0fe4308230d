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
import { sameJson } from './same-json.js';
import type { AgentTask, AgentTaskEntry, AgentTaskSet, ReregisterInfo } from './agent-protocol.js';
import { reportedInfo } from './reported-task-info.js';
import type { FrameworkID, Resource } from './types.js';

/** How many of the latest sets a task is compared with, field by field, before sets are looked up by key. */
const SCANNED_SETS = 8;

/**
 * Groups `tasks` into sets of one framework and equal resources, in the order
 * each set's first task came, tasks within a set in their order. A task is
 * compared field by field (whatever the order of the lists' keys) with the
 * latest SCANNED_SETS sets; an agent with more sets than that also looks them
 * up by the JSON of their resources, so lists equal only up to key order may
 * then make two sets (still a valid REREGISTER).
 * The entries share `tasks`' objects (ids, labels, statuses); throws nothing.
 */
export function packAgentTasks(tasks: readonly AgentTask[]): AgentTaskSet[] {
  const sets: AgentTaskSet[] = [];
  // An agent usually holds a few sets, its frameworks' tasks interleaved: comparing a task with
  // each in place costs ~0.6 µs a task less than keying every one by its resources' JSON, while a
  // simulator reregisters 25,000 tasks at once on the CPUs the new leader needs.
  let byKey: Map<string, AgentTaskSet> | undefined;
  for (const task of tasks) {
    let set = latestMatch(sets, task);
    let key: string | undefined;
    if (set === undefined && sets.length > SCANNED_SETS) {
      byKey ??= new Map(sets.map((s) => [setKey(s.framework_id.value, s.resources), s]));
      key = setKey(task.framework_id.value, task.resources);
      set = byKey.get(key);
    }
    if (set === undefined) {
      set = { framework_id: task.framework_id, resources: task.resources, tasks: [] };
      sets.push(set);
      // Sets are keyed only while they are looked up by key, and then every miss has its key.
      if (key !== undefined) byKey?.set(key, set);
    }
    set.tasks.push(entryOf(task));
  }
  return sets;
}

/** The latest of the last SCANNED_SETS `sets` of `task`'s framework with resources equal to its own. */
function latestMatch(sets: readonly AgentTaskSet[], task: AgentTask): AgentTaskSet | undefined {
  const frameworkId = task.framework_id.value;
  for (let i = sets.length - 1; i >= 0 && i >= sets.length - SCANNED_SETS; i--) {
    const set = sets[i]!;
    if (set.framework_id.value === frameworkId && (set.resources === task.resources || sameJson(set.resources, task.resources))) return set;
  }
  return undefined;
}

function setKey(frameworkId: string, resources: readonly Resource[]): string {
  return `${frameworkId}\u0000${JSON.stringify(resources)}`;
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
