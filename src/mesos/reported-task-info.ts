/**
 * The TaskInfo fields that a Mesos `Task` carries besides its state: what a
 * master reports for a task (`/master/state`, GET_TASKS) and what an agent
 * sends for each task when it reregisters. The command, executor, resources,
 * checks and `data` are the agent's business and are not among them.
 */
import type { TaskID, TaskInfo } from './types.js';

/** Mesos `Task`'s name, task_id, labels, discovery, container, health_check and kill_policy. */
export type ReportedTaskInfo = Pick<TaskInfo, 'name' | 'task_id'> &
  Partial<Pick<TaskInfo, 'labels' | 'discovery' | 'container' | 'health_check' | 'kill_policy'>>;

/**
 * The reported fields of `info` (a TaskInfo, or anything holding these
 * fields), in one new small object: absent fields stay absent, present ones
 * are shared, not copied. Throws nothing.
 */
export function reportedInfo(info: ReportedTaskInfo): ReportedTaskInfo {
  // A name equal to the id (the usual case) keeps the id's string: JSON.parse made two copies.
  const id = (info.task_id as TaskID | undefined)?.value; // absent on a launch rejected as invalid
  const name = id !== undefined && info.name === id ? id : info.name;
  const kept: ReportedTaskInfo = { name, task_id: info.task_id };
  if (info.labels !== undefined) kept.labels = info.labels;
  if (info.discovery !== undefined) kept.discovery = info.discovery;
  if (info.container !== undefined) kept.container = info.container;
  if (info.health_check !== undefined) kept.health_check = info.health_check;
  if (info.kill_policy !== undefined) kept.kill_policy = info.kill_policy;
  return kept;
}
