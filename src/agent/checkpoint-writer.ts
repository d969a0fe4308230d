/**
 * Writes the agent's checkpoints (layout: checkpoint-paths.ts). Every write is
 * synchronous, so a checkpoint is on its way to disk before the agent acts on
 * it (forwards an update, acknowledges an executor), in the order the agent
 * made them, as Mesos checkpoints before it forwards.
 *
 * - Info files (`slave.info`, `framework.info`, `executor.info`, `task.info`,
 *   `forked.pid`) are written whole to a temporary file and renamed over the
 *   old one: a reader sees the old or the new content, never half of it.
 * - `task.updates` is append-only; one `write` per record. A crash can only
 *   cut the last line, which the reader drops (checkpoint-records.ts). As
 *   Mesos's status update stream does, the file stays open from its first
 *   record until the stream ends (`endTaskUpdates`) or its executor is
 *   removed, rather than being opened and closed for each of a task's six or
 *   so records; at most MAX_OPEN_UPDATE_FILES stay open, the oldest closed
 *   first.
 * - No fsync by default: the kernel's page cache survives the agent process
 *   (kill -9, crash), and a host reboot wipes the checkpoints anyway (a
 *   rebooted agent starts afresh, see recovery.ts). `fsync: true` adds it.
 * - A retired executor's checkpoint dir is renamed into `meta/.trash` (one
 *   rename) and deleted a little later, off the path of the acknowledgement
 *   that retired it, so a new run of the same executor id can never be caught
 *   by the deletion. Deletion is by direct system calls, batched: through
 *   libuv's thread pool its dozen calls per executor cost several times more.
 *
 * Failures are logged and counted, never thrown: a full disk costs recovery
 * of the affected task, not the running agent.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { AgentInfo, ExecutorInfo, FrameworkID, FrameworkInfo, TaskInfo } from '../mesos/types.js';
import type { AgentLogger } from './agent-options.js';
import type { ExecutorKind } from './agent-model.js';
import {
  type CheckpointRun,
  agentInfoPath,
  bootIdPath,
  executorInfoPath,
  executorMetaDir,
  forkedPidPath,
  frameworkInfoPath,
  httpMarkerPath,
  latestAgentLink,
  metaAgentsDir,
  runMetaDir,
  taskInfoPath,
  taskUpdatesPath,
  trashDir,
} from './checkpoint-paths.js';
import { encodeUpdateRecord } from './checkpoint-records.js';
import { removeTree } from './remove-tree.js';
import type { StatusUpdate } from './status-update-streams.js';

/** Open `task.updates` files kept at most; past it the longest-open is closed (reopened if written again). */
const MAX_OPEN_UPDATE_FILES = 256;

/** How long a retired executor's checkpoints wait in the trash, ms: long enough to delete many in one go. */
const TRASH_DELAY_MS = 200;

/** What `executor.info` holds: the ExecutorInfo and how the agent runs it. */
export interface ExecutorCheckpoint {
  info: ExecutorInfo;
  kind: ExecutorKind;
}

export interface CheckpointWriterOptions {
  /** `--work_dir`. */
  workDir: string;
  logger: AgentLogger;
  /** fsync every file written (default false: see the module comment). */
  fsync?: boolean;
  /**
   * Deletes retired checkpoint trees in the background, off the agent's event
   * loop (the Mesos containerizer's launcher server does it); default: on
   * this thread, a dozen system calls per retired executor.
   */
  removeTrees?: (paths: string[]) => Promise<void>;
}

/** Counters for metrics and tests. */
export interface CheckpointStats {
  /** Files written or appended to. */
  writes: number;
  /** Bytes written. */
  bytes: number;
  /** Failed checkpoint operations. */
  errors: number;
}

/** See the module comment. */
export class CheckpointWriter {
  readonly stats: CheckpointStats = { writes: 0, bytes: 0, errors: 0 };
  /** framework id → the framework.info text last written (rewritten only when it changes). */
  private readonly frameworks = new Map<string, string>();
  private trashCount = 0;
  /** Renamed into the trash, not yet deleted. */
  private readonly trash: string[] = [];
  private trashTimer: NodeJS.Timeout | undefined;
  /** `meta/.trash` is known to exist (saves its mkdir per retired executor). */
  private trashMade = false;
  /** Open `task.updates` files: path → fd, oldest first. */
  private readonly updateFiles = new Map<string, number>();

  constructor(private readonly options: CheckpointWriterOptions) {}

  /** `meta/boot_id`. */
  bootId(bootId: string): void {
    this.guard('boot id', () => this.writeAtomic(bootIdPath(this.options.workDir), `${bootId}\n`));
  }

  /** `meta/slaves/<id>/slave.info` and `meta/slaves/latest -> <id>`. */
  agent(info: AgentInfo & { id: { value: string } }): void {
    const { workDir } = this.options;
    this.guard('agent info', () => {
      this.writeAtomic(agentInfoPath(workDir, info.id.value), JSON.stringify(info));
      const link = latestAgentLink(workDir);
      const temporary = `${link}.tmp-${process.pid}`;
      rmSync(temporary, { force: true });
      symlinkSync(info.id.value, temporary);
      renameSync(temporary, link);
    });
  }

  /** `framework.info`, written when first needed and again whenever the info changes. */
  framework(agentId: string, info: FrameworkInfo & { id: FrameworkID }): void {
    const text = JSON.stringify(info);
    if (this.frameworks.get(info.id.value) === text) return;
    this.guard(`framework ${info.id.value}`, () => {
      this.writeAtomic(frameworkInfoPath(this.options.workDir, agentId, info.id.value), text);
      this.frameworks.set(info.id.value, text);
    });
  }

  /** `executor.info` and the run's directory. */
  executor(run: CheckpointRun, checkpoint: ExecutorCheckpoint): void {
    const { workDir } = this.options;
    this.guard(`executor ${run.executorId}`, () => {
      mkdirSync(runMetaDir(workDir, run), { recursive: true });
      this.writeAtomic(executorInfoPath(workDir, run.agentId, run.frameworkId, run.executorId), JSON.stringify(checkpoint));
    });
  }

  /** `task.info` of a task handed to the run (queued or launched). */
  task(run: CheckpointRun, task: TaskInfo): void {
    this.guard(`task ${task.task_id.value}`, () => this.writeAtomic(taskInfoPath(this.options.workDir, run, task.task_id.value), JSON.stringify(task)));
  }

  /** Appends an UPDATE record to the task's `task.updates`. */
  update(run: CheckpointRun, update: StatusUpdate): void {
    const taskId = update.status.task_id.value;
    this.guard(`status update of task ${taskId}`, () =>
      this.appendUpdateRecord(taskUpdatesPath(this.options.workDir, run, taskId), encodeUpdateRecord({ type: 'UPDATE', update })),
    );
  }

  /** Appends an ACK record to the task's `task.updates`. */
  ack(run: CheckpointRun, taskId: string, uuid: string): void {
    this.guard(`acknowledgement of task ${taskId}`, () =>
      this.appendUpdateRecord(taskUpdatesPath(this.options.workDir, run, taskId), encodeUpdateRecord({ type: 'ACK', uuid })),
    );
  }

  /** The task's status update stream is over (its terminal update acknowledged): closes its `task.updates`. */
  endTaskUpdates(run: CheckpointRun, taskId: string): void {
    this.closeUpdateFile(taskUpdatesPath(this.options.workDir, run, taskId));
  }

  /** Closes every open `task.updates` (agent stop); later records reopen them. */
  closeFiles(): void {
    this.closeUpdateFilesWhere(() => true);
  }

  /** `http.marker`: the run's executor subscribed over the HTTP API at least once. */
  httpMarker(run: CheckpointRun): void {
    this.guard(`executor ${run.executorId} marker`, () => this.writeAtomic(httpMarkerPath(this.options.workDir, run), ''));
  }

  /** `pids/forked.pid`. */
  forkedPid(run: CheckpointRun, pid: number): void {
    this.guard(`executor ${run.executorId} pid`, () => this.writeAtomic(forkedPidPath(this.options.workDir, run), String(pid)));
  }

  /** Drops a retired executor's checkpoints (renamed away at once, deleted in the background). */
  removeExecutor(agentId: string, frameworkId: string, executorId: string): void {
    const { workDir } = this.options;
    this.guard(`removal of executor ${executorId}`, () => {
      const dir = `${executorMetaDir(workDir, agentId, frameworkId, executorId)}${path.sep}`;
      this.closeUpdateFilesWhere((file) => file.startsWith(dir));
      const trash = trashDir(workDir);
      if (!this.trashMade) mkdirSync(trash, { recursive: true });
      this.trashMade = true;
      const target = path.join(trash, `${process.pid}-${++this.trashCount}`);
      try {
        renameSync(executorMetaDir(workDir, agentId, frameworkId, executorId), target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      this.trash.push(target);
      this.scheduleEmptyTrash();
    });
  }

  /** Deletes what is in the trash now, on this thread (agent stop). */
  emptyTrash(): void {
    clearTimeout(this.trashTimer);
    this.trashTimer = undefined;
    for (const target of this.trash.splice(0)) {
      try {
        removeTree(target);
      } catch (error) {
        this.options.logger.warn(`Failed to remove ${target}: ${(error as Error).message}`);
      }
    }
  }

  /** The trash timer: hands what is in the trash to `removeTrees` when there is one. */
  private emptyTrashInBackground(): void {
    const removeTrees = this.options.removeTrees;
    if (!removeTrees) return this.emptyTrash();
    this.trashTimer = undefined;
    const targets = this.trash.splice(0);
    // What fails here stays on disk under meta/.trash, which the next agent start removes.
    removeTrees(targets).catch((error: Error) => this.options.logger.warn(`Failed to empty the checkpoint trash: ${error.message}`));
  }

  /** At agent start: deletes what a previous agent process left in the trash (it died before emptying it). */
  removeLeftoverTrash(): void {
    this.guard('removal of the trash', () => removeTree(trashDir(this.options.workDir)));
    this.trashMade = false;
  }

  private scheduleEmptyTrash(): void {
    // unref: a pending deletion never keeps the agent's process alive; stop() empties the
    // trash, and what a crash leaves is removed at the next start.
    this.trashTimer ??= setTimeout(() => this.emptyTrashInBackground(), TRASH_DELAY_MS).unref();
  }

  /** Forgets a framework's cached info (its checkpoint dir was removed by recovery). */
  forgetFramework(frameworkId: string): void {
    this.frameworks.delete(frameworkId);
    const marker = `${path.sep}frameworks${path.sep}${frameworkId}${path.sep}`;
    this.closeUpdateFilesWhere((file) => file.includes(marker));
  }

  /** Removes every agent checkpoint (`meta/slaves`, `meta/.trash`): the next start registers a new agent. */
  async removeAgentCheckpoints(): Promise<void> {
    this.frameworks.clear();
    this.closeFiles();
    this.trashMade = false;
    const { workDir } = this.options;
    await rm(metaAgentsDir(workDir), { recursive: true, force: true });
    await rm(trashDir(workDir), { recursive: true, force: true });
  }

  private guard(what: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.stats.errors++;
      this.options.logger.error(`Failed to checkpoint ${what}: ${(error as Error).message}`);
    }
  }

  private writeAtomic(file: string, text: string): void {
    const temporary = `${file}.tmp`;
    let fd: number;
    try {
      fd = openSync(temporary, 'w');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(path.dirname(file), { recursive: true });
      fd = openSync(temporary, 'w');
    }
    this.writeAll(fd, text);
    renameSync(temporary, file);
  }

  /** One write to the task's kept-open `task.updates` (opened, and its directory made, on first use). */
  private appendUpdateRecord(file: string, text: string): void {
    let fd = this.updateFiles.get(file);
    if (fd === undefined) {
      fd = this.openForAppend(file);
      this.updateFiles.set(file, fd);
      if (this.updateFiles.size > MAX_OPEN_UPDATE_FILES) this.closeUpdateFile(this.updateFiles.keys().next().value!);
    }
    try {
      this.writeRecord(fd, text);
    } catch (error) {
      this.closeUpdateFile(file);
      throw error;
    }
  }

  private closeUpdateFile(file: string): void {
    const fd = this.updateFiles.get(file);
    if (fd === undefined) return;
    this.updateFiles.delete(file);
    try {
      closeSync(fd);
    } catch {
      // EBADF cannot happen for an fd we own; nothing else is worth reporting on close of an append.
    }
  }

  private closeUpdateFilesWhere(test: (file: string) => boolean): void {
    for (const file of [...this.updateFiles.keys()]) if (test(file)) this.closeUpdateFile(file);
  }

  private openForAppend(file: string): number {
    try {
      return openSync(file, 'a');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(path.dirname(file), { recursive: true });
      return openSync(file, 'a');
    }
  }

  /** Writes `text` in one call where the kernel allows, syncs if asked, closes. */
  private writeAll(fd: number, text: string): void {
    try {
      this.writeRecord(fd, text);
    } finally {
      closeSync(fd);
    }
  }

  /** Writes `text` in one call where the kernel allows and syncs if asked; leaves `fd` open. */
  private writeRecord(fd: number, text: string): void {
    const buffer = Buffer.from(text);
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
    if (this.options.fsync) fdatasyncSync(fd);
    this.stats.writes++;
    this.stats.bytes += buffer.length;
  }
}
