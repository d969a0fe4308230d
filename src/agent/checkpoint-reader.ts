/**
 * Reads the agent's checkpoints back (layout: checkpoint-paths.ts), as
 * Mesos's `slave/state.cpp` does on start.
 *
 * Two kinds of trouble, treated as Mesos treats them:
 * - a file that is simply not there (the agent died between creating a
 *   directory and checkpointing into it): a warning, the item is skipped;
 * - a file that is there but unreadable, or a `task.updates` whose records
 *   contradict each other: an error. With `strict` (`--strict`, the default)
 *   the first error aborts recovery with a `RecoveryError`; without it the
 *   item is skipped and counted.
 * A `task.updates` cut short by a crash (torn last line) is only a warning.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { AgentInfo, ExecutorInfo, FrameworkID, FrameworkInfo, TaskInfo } from '../mesos/types.js';
import type { ExecutorKind } from './agent-model.js';
import {
  agentInfoPath,
  bootIdPath,
  executorMetaDir,
  frameworkMetaDir,
  latestAgentLink,
  runMetaDir,
  taskMetaDir,
} from './checkpoint-paths.js';
import { type TaskUpdateRecord, parseUpdateRecords, replayUpdates } from './checkpoint-records.js';
import { metaAgentDir } from './sandbox.js';

/** Recovery cannot go on (strict mode) or the checkpoints are unusable. */
export class RecoveryError extends Error {
  readonly code = 'RECOVERY_FAILED';
  constructor(
    message: string,
    /** The checkpoint file or directory at fault. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A task's checkpoint. */
export interface RecoveredTask {
  info: TaskInfo;
  /** `task.updates`, torn tail dropped; empty when the file does not exist. */
  records: TaskUpdateRecord[];
}

/** One run (container) of an executor. */
export interface RecoveredRun {
  containerId: string;
  /** `http.marker` exists: the executor had subscribed. */
  subscribed: boolean;
  /** `pids/forked.pid`, when written. */
  forkedPid?: number;
  tasks: RecoveredTask[];
}

export interface RecoveredExecutor {
  info: ExecutorInfo;
  kind: ExecutorKind;
  /** Normally one; sorted by container id. */
  runs: RecoveredRun[];
}

export interface RecoveredFramework {
  info: FrameworkInfo & { id: FrameworkID };
  executors: RecoveredExecutor[];
}

/** Everything `meta/slaves/latest` leads to. */
export interface CheckpointState {
  agentId: string;
  agentInfo: AgentInfo;
  frameworks: RecoveredFramework[];
  /** What was skipped because it was missing or torn (not errors). */
  warnings: string[];
  /** Errors skipped in non-strict mode (Mesos `slave/recovery_errors`), with their messages. */
  errors: string[];
}

export interface ReadCheckpointsOptions {
  /** `--strict`: the first error throws instead of being skipped. */
  strict: boolean;
}

const KINDS: readonly ExecutorKind[] = ['command', 'custom', 'default'];

/**
 * Reads the checkpoints of the agent `meta/slaves/latest` points at.
 * Resolves undefined when there is no such link (nothing to recover).
 * @throws RecoveryError in strict mode on the first error (message names the file).
 */
export async function readCheckpoints(workDir: string, options: ReadCheckpointsOptions): Promise<CheckpointState | undefined> {
  let agentId: string;
  try {
    agentId = path.basename(await readlink(latestAgentLink(workDir)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RecoveryError(`Failed to read ${latestAgentLink(workDir)}: ${(error as Error).message}`, latestAgentLink(workDir), { cause: error });
  }
  const reader = new Reader(options.strict);
  const infoPath = agentInfoPath(workDir, agentId);
  const agentInfo = await reader.json<AgentInfo>(infoPath, isObject);
  if (!agentInfo) {
    // Without slave.info nothing below can be trusted to belong to this agent (Mesos: an error too).
    throw new RecoveryError(`Failed to recover agent info from ${infoPath}: ${reader.lastProblem ?? 'missing'}`, infoPath);
  }
  const frameworks: RecoveredFramework[] = [];
  for (const frameworkId of await reader.list(path.join(metaAgentDir(workDir, agentId), 'frameworks'))) {
    const dir = frameworkMetaDir(workDir, agentId, frameworkId);
    const info = await reader.json<FrameworkInfo & { id: FrameworkID }>(path.join(dir, 'framework.info'), (v) => isObject(v) && isObject(v['id']));
    if (!info) continue;
    const executors: RecoveredExecutor[] = [];
    for (const executorId of await reader.list(path.join(dir, 'executors'))) {
      const executor = await readExecutor(reader, workDir, agentId, frameworkId, executorId);
      if (executor) executors.push(executor);
    }
    frameworks.push({ info, executors });
  }
  return { agentId, agentInfo, frameworks, warnings: reader.warnings, errors: reader.errors };
}

async function readExecutor(
  reader: Reader,
  workDir: string,
  agentId: string,
  frameworkId: string,
  executorId: string,
): Promise<RecoveredExecutor | undefined> {
  const dir = executorMetaDir(workDir, agentId, frameworkId, executorId);
  const checkpoint = await reader.json<{ info: ExecutorInfo; kind: ExecutorKind }>(
    path.join(dir, 'executor.info'),
    (v) => isObject(v) && isObject(v['info']) && KINDS.includes(v['kind'] as ExecutorKind),
  );
  if (!checkpoint) return undefined;
  const runs: RecoveredRun[] = [];
  for (const containerId of await reader.list(path.join(dir, 'runs'))) {
    const run = { agentId, frameworkId, executorId, containerId };
    const runDir = runMetaDir(workDir, run);
    const subscribed = (await reader.text(path.join(runDir, 'http.marker'), false)) !== undefined;
    const pidText = await reader.text(path.join(runDir, 'pids', 'forked.pid'), false);
    const tasks: RecoveredTask[] = [];
    for (const taskId of await reader.list(path.join(runDir, 'tasks'))) {
      const taskDir = taskMetaDir(workDir, run, taskId);
      const info = await reader.json<TaskInfo>(path.join(taskDir, 'task.info'), (v) => isObject(v) && isObject(v['task_id']));
      if (!info) continue;
      const records = await reader.updates(path.join(taskDir, 'task.updates'));
      if (records) tasks.push({ info, records });
    }
    const recovered: RecoveredRun = { containerId, subscribed, tasks };
    if (pidText !== undefined && /^\d+\s*$/.test(pidText)) recovered.forkedPid = Number(pidText.trim());
    runs.push(recovered);
  }
  return { info: checkpoint.info, kind: checkpoint.kind, runs };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** File access with the strict/non-strict policy of the module comment. */
class Reader {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  lastProblem: string | undefined;

  constructor(private readonly strict: boolean) {}

  /** Names of the entries of `dir` that are directories of ours (no temporaries); [] when missing. */
  async list(dir: string): Promise<string[]> {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'latest')
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.error(`Failed to list ${dir}: ${(error as Error).message}`, dir, error);
      return [];
    }
  }

  /** A file's text; undefined (with a warning when `expected`) when it does not exist. */
  async text(file: string, expected = true): Promise<string | undefined> {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.lastProblem = 'missing';
        if (expected) this.warnings.push(`${file} is missing (the agent probably died before checkpointing it); skipped`);
        return undefined;
      }
      this.error(`Failed to read ${file}: ${(error as Error).message}`, file, error);
      return undefined;
    }
  }

  /** A JSON checkpoint that passes `valid`; undefined when missing (warning) or bad (error). */
  async json<T>(file: string, valid: (value: Record<string, unknown>) => boolean): Promise<T | undefined> {
    const text = await this.text(file);
    if (text === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (isObject(value) && valid(value)) return value as T;
      this.error(`Malformed checkpoint ${file}`, file);
    } catch (error) {
      this.error(`Failed to parse checkpoint ${file}: ${(error as Error).message}`, file, error);
    }
    return undefined;
  }

  /** `task.updates` records ([] when the file does not exist: no update yet); undefined on error. */
  async updates(file: string): Promise<TaskUpdateRecord[] | undefined> {
    const text = await this.text(file, false);
    if (text === undefined) return this.lastProblem === 'missing' ? [] : undefined;
    const parsed = parseUpdateRecords(text);
    if (parsed.torn) this.warnings.push(`${file} ends with a torn record (the agent died while appending it); dropped`);
    const problems = [...parsed.errors, ...replayUpdates(parsed.records).errors];
    if (problems.length > 0) {
      this.error(`Failed to recover status updates from ${file}: ${problems.join('; ')}`, file);
      return undefined;
    }
    return parsed.records;
  }

  private error(message: string, file: string, cause?: unknown): void {
    this.lastProblem = message;
    if (this.strict) throw new RecoveryError(message, file, { cause });
    this.errors.push(message);
  }
}

/** The host's boot id (`/proc/sys/kernel/random/boot_id`); undefined where there is none. */
export async function currentBootId(): Promise<string | undefined> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** The boot id checkpointed at the agent's last start, if any. */
export async function checkpointedBootId(workDir: string): Promise<string | undefined> {
  try {
    return (await readFile(bootIdPath(workDir), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
