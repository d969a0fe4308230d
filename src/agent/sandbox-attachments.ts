/**
 * What the agent's `/files/*` endpoints may serve (Mesos `Slave::attach` and
 * the `/slave/log` attachment in `Slave::initialize`), computed from the
 * model on each request so nothing needs detaching. Pure.
 *
 * For each executor run still known to the agent (running or completed):
 *
 *   <executor.directory>                                        → the sandbox
 *   <work_dir>/slaves/<aid>/frameworks/<fw>/executors/<ex>/runs/latest → the sandbox
 *   /frameworks/<fw>/executors/<ex>/runs/latest                 → the sandbox
 *
 * and `/slave/log` → the agent's log file when `--log_dir` is set.
 * Completed runs are listed first so that a running executor's `latest`
 * aliases win over an earlier run of the same executor id.
 */
import type { AgentModel, ExecutorRecord } from './agent-model.js';
import { executorLatestRunLink } from './sandbox.js';

/** The agent facts attachments depend on. */
export interface AttachmentFacts {
  workDir: string;
  /** Undefined until registered: the `work_dir` alias needs it. */
  agentId?: string;
  /** Path of the agent's log file (`--log_dir`), if any. */
  logFile?: string;
}

/** `/frameworks/<fw>/executors/<ex>/runs/latest` (Mesos `paths::getExecutorVirtualPath`). */
export function executorVirtualPath(frameworkId: string, executorId: string): string {
  return `/frameworks/${frameworkId}/executors/${executorId}/runs/latest`;
}

function attachExecutor(out: Map<string, string>, executor: ExecutorRecord, facts: AttachmentFacts): void {
  if (!executor.directory) return;
  out.set(executor.directory, executor.directory);
  out.set(executorVirtualPath(executor.frameworkId, executor.info.executor_id.value), executor.directory);
  if (facts.agentId === undefined) return;
  try {
    const latest = executorLatestRunLink(facts.workDir, {
      agentId: facts.agentId,
      frameworkId: executor.frameworkId,
      executorId: executor.info.executor_id.value,
    });
    out.set(latest, executor.directory);
  } catch {
    // An id that cannot be a path segment has no sandbox alias.
  }
}

/** Virtual path → host path for every sandbox and log the agent serves. */
export function sandboxAttachments(model: AgentModel, facts: AttachmentFacts): Map<string, string> {
  const out = new Map<string, string>();
  const frameworks = [...model.completedFrameworks, ...model.frameworks.values()];
  for (const framework of frameworks) {
    for (const executor of framework.completedExecutors) attachExecutor(out, executor, facts);
  }
  for (const framework of frameworks) {
    for (const executor of framework.executors.values()) attachExecutor(out, executor, facts);
  }
  if (facts.logFile) out.set('/slave/log', facts.logFile);
  return out;
}
