/**
 * The agent's `work_dir` layout, as Mesos's `src/slave/paths.cpp`:
 *
 *   <work_dir>/slaves/latest -> <agent_id>
 *   <work_dir>/slaves/<agent_id>/frameworks/<fw>/executors/<ex>/runs/latest -> <container_id>
 *   <work_dir>/slaves/<agent_id>/frameworks/<fw>/executors/<ex>/runs/<container_id>/{stdout,stderr}
 *   <work_dir>/meta/slaves/<agent_id>/...      (checkpoints)
 *
 * Path building is pure; `createExecutorSandbox` and `linkLatestAgent` do the
 * disk work. Users, log shippers and the web UI rely on this layout, so it is
 * kept identical to Mesos's.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** An id that would escape its directory or collide with our own names. */
export class InvalidPathIdError extends Error {
  readonly code = 'INVALID_PATH_ID';
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`Invalid ${kind} '${id}' for a sandbox path`);
  }
}

/**
 * Checks an id before it becomes a path segment. The master validates task and
 * executor ids (no `/`, not `.`/`..`, no control characters); this guards the
 * disk against a master that did not.
 * @throws InvalidPathIdError
 */
export function checkPathId(kind: string, id: string): string {
  if (id === '' || id === '.' || id === '..' || id === 'latest' || /[/\\\x00-\x1f]/.test(id)) {
    throw new InvalidPathIdError(kind, id);
  }
  return id;
}

/** Identifies one executor run (one container) on this agent. */
export interface RunRef {
  agentId: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
}

/** `<work_dir>/slaves/<agent_id>`. */
export function agentDir(workDir: string, agentId: string): string {
  return path.join(workDir, 'slaves', checkPathId('agent id', agentId));
}

/** `<work_dir>/slaves/<agent_id>/frameworks/<framework_id>`. */
export function frameworkDir(workDir: string, agentId: string, frameworkId: string): string {
  return path.join(agentDir(workDir, agentId), 'frameworks', checkPathId('framework id', frameworkId));
}

/** `.../frameworks/<fw>/executors/<executor_id>`. */
export function executorDir(workDir: string, agentId: string, frameworkId: string, executorId: string): string {
  return path.join(frameworkDir(workDir, agentId, frameworkId), 'executors', checkPathId('executor id', executorId));
}

/** The sandbox: `.../executors/<ex>/runs/<container_id>`. */
export function executorRunDir(workDir: string, run: RunRef): string {
  return path.join(
    executorDir(workDir, run.agentId, run.frameworkId, run.executorId),
    'runs',
    checkPathId('container id', run.containerId),
  );
}

/** `.../executors/<ex>/runs/latest`, the link to the newest run. */
export function executorLatestRunLink(workDir: string, run: Omit<RunRef, 'containerId'>): string {
  return path.join(executorDir(workDir, run.agentId, run.frameworkId, run.executorId), 'runs', 'latest');
}

/**
 * What a run's `ContainerConfig.createSandbox` asks for: its `runs/latest`
 * link, absolute, for the containerizer to point at the run's sandbox.
 */
export function runSandboxCreation(workDir: string, run: Omit<RunRef, 'containerId'>): { latestLink: string } {
  return { latestLink: path.resolve(executorLatestRunLink(workDir, run)) };
}

/** `<work_dir>/meta/slaves/<agent_id>`: where the agent's checkpoints live. */
export function metaAgentDir(workDir: string, agentId: string): string {
  return path.join(workDir, 'meta', 'slaves', checkPathId('agent id', agentId));
}

/** Per-task sandbox of the default executor: `<sandbox>/tasks/<task_id>`. */
export function taskSandboxDir(sandbox: string, taskId: string): string {
  return path.join(sandbox, 'tasks', checkPathId('task id', taskId));
}

/**
 * Points `link` at `target` atomically: a temporary link is renamed over the
 * old one, so readers never see `latest` missing. Direct system calls, as for
 * all the small per-task disk work: through libuv's thread pool each would
 * cost several times the call itself.
 * @throws the fs error (e.g. EACCES).
 */
export async function replaceSymlink(target: string, link: string): Promise<void> {
  const temporary = `${link}.tmp-${process.pid}`;
  try {
    symlinkSync(target, temporary);
  } catch (err) {
    // A temporary left by a crash of this very pid's predecessor.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    rmSync(temporary, { force: true });
    symlinkSync(target, temporary);
  }
  renameSync(temporary, link);
}

/**
 * Creates `directory` (with its parents) and repoints `latestLink` at it. The
 * link's target is the directory's name (relative: a run's is its container
 * id) so the tree stays valid if `work_dir` is moved or bind-mounted; Mesos
 * writes an absolute target, which resolves to the same directory. The
 * launcher (native/meseta-launcher.c, `--make_sandbox`) does the same.
 * @throws the fs error (EACCES, ENOTDIR, …).
 */
export async function createSandbox(directory: string, latestLink: string): Promise<void> {
  mkdirSync(directory, { recursive: true });
  await replaceSymlink(path.basename(directory), latestLink);
}

/**
 * Creates `slaves/<agent_id>` and `meta/slaves/<agent_id>` and points both
 * `slaves/latest` and `meta/slaves/latest` at the agent id, as Mesos does on
 * registration.
 */
export async function linkLatestAgent(workDir: string, agentId: string): Promise<void> {
  mkdirSync(agentDir(workDir, agentId), { recursive: true });
  mkdirSync(metaAgentDir(workDir, agentId), { recursive: true });
  await replaceSymlink(agentId, path.resolve(workDir, 'slaves', 'latest'));
  await replaceSymlink(agentId, path.resolve(workDir, 'meta', 'slaves', 'latest'));
}
