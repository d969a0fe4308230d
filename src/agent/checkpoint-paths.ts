/**
 * Where the agent's checkpoints live: Mesos's `meta/` layout
 * (`src/slave/paths.cpp`), in our own JSON formats. Pure path building.
 *
 *   <work_dir>/meta/boot_id                                   host boot id at the last start
 *   <work_dir>/meta/slaves/latest -> <agent_id>
 *   <work_dir>/meta/slaves/<agent_id>/slave.info              AgentInfo (JSON)
 *     frameworks/<fw>/framework.info                          FrameworkInfo (JSON)
 *     frameworks/<fw>/executors/<ex>/executor.info            {info: ExecutorInfo, kind}
 *     frameworks/<fw>/executors/<ex>/runs/<container_id>/
 *         http.marker                                         the executor subscribed (HTTP API)
 *         pids/forked.pid                                     the executor's pid (custom executors)
 *         tasks/<task_id>/task.info                           TaskInfo (JSON)
 *         tasks/<task_id>/task.updates                        JSON lines: status updates and acks
 *
 * Differences from Mesos, on purpose: no `runs/latest` link and no
 * `executor.sentinel` (an executor dir holds one run at a time here: it is
 * removed once the executor is retired, and a run's end is read from its
 * container and its tasks' updates), no `framework.pid` / `libprocess.pid`
 * (no libprocess executors).
 */
import path from 'node:path';
import { checkPathId, metaAgentDir } from './sandbox.js';

/** One executor run's checkpoint location. */
export interface CheckpointRun {
  agentId: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
}

/** `<work_dir>/meta`. */
export function metaDir(workDir: string): string {
  return path.join(workDir, 'meta');
}

/** `<work_dir>/meta/boot_id`. */
export function bootIdPath(workDir: string): string {
  return path.join(metaDir(workDir), 'boot_id');
}

/** `<work_dir>/meta/slaves`. */
export function metaAgentsDir(workDir: string): string {
  return path.join(metaDir(workDir), 'slaves');
}

/** `<work_dir>/meta/slaves/latest`, the link to the current agent id. */
export function latestAgentLink(workDir: string): string {
  return path.join(metaAgentsDir(workDir), 'latest');
}

/** `<work_dir>/meta/.trash`: retired checkpoint dirs are renamed here, then removed in the background. */
export function trashDir(workDir: string): string {
  return path.join(metaDir(workDir), '.trash');
}

/** `meta/slaves/<agent_id>/slave.info`. */
export function agentInfoPath(workDir: string, agentId: string): string {
  return path.join(metaAgentDir(workDir, agentId), 'slave.info');
}

/** `meta/slaves/<agent_id>/frameworks/<fw>`. */
export function frameworkMetaDir(workDir: string, agentId: string, frameworkId: string): string {
  return path.join(metaAgentDir(workDir, agentId), 'frameworks', checkPathId('framework id', frameworkId));
}

/** `.../frameworks/<fw>/framework.info`. */
export function frameworkInfoPath(workDir: string, agentId: string, frameworkId: string): string {
  return path.join(frameworkMetaDir(workDir, agentId, frameworkId), 'framework.info');
}

/** `.../frameworks/<fw>/executors/<ex>`. */
export function executorMetaDir(workDir: string, agentId: string, frameworkId: string, executorId: string): string {
  return path.join(frameworkMetaDir(workDir, agentId, frameworkId), 'executors', checkPathId('executor id', executorId));
}

/** `.../executors/<ex>/executor.info`. */
export function executorInfoPath(workDir: string, agentId: string, frameworkId: string, executorId: string): string {
  return path.join(executorMetaDir(workDir, agentId, frameworkId, executorId), 'executor.info');
}

/** `.../executors/<ex>/runs/<container_id>`. */
export function runMetaDir(workDir: string, run: CheckpointRun): string {
  return path.join(
    executorMetaDir(workDir, run.agentId, run.frameworkId, run.executorId),
    'runs',
    checkPathId('container id', run.containerId),
  );
}

/** `.../runs/<container_id>/http.marker`. */
export function httpMarkerPath(workDir: string, run: CheckpointRun): string {
  return path.join(runMetaDir(workDir, run), 'http.marker');
}

/** `.../runs/<container_id>/pids/forked.pid`. */
export function forkedPidPath(workDir: string, run: CheckpointRun): string {
  return path.join(runMetaDir(workDir, run), 'pids', 'forked.pid');
}

/** `.../runs/<container_id>/tasks/<task_id>`. */
export function taskMetaDir(workDir: string, run: CheckpointRun, taskId: string): string {
  return path.join(runMetaDir(workDir, run), 'tasks', checkPathId('task id', taskId));
}

/** `.../tasks/<task_id>/task.info`. */
export function taskInfoPath(workDir: string, run: CheckpointRun, taskId: string): string {
  return path.join(taskMetaDir(workDir, run, taskId), 'task.info');
}

/** `.../tasks/<task_id>/task.updates`. */
export function taskUpdatesPath(workDir: string, run: CheckpointRun, taskId: string): string {
  return path.join(taskMetaDir(workDir, run, taskId), 'task.updates');
}
