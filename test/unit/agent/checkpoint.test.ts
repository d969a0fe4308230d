/**
 * Checkpoint writer and reader against a real temporary work_dir: what is
 * written reads back; torn `task.updates` tails are dropped; missing files
 * are skipped with a warning; damaged files fail strict recovery and are
 * skipped (and counted) without it.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { executorInfoPath, frameworkInfoPath, runMetaDir, taskInfoPath, taskUpdatesPath } from '../../../src/agent/checkpoint-paths.js';
import { RecoveryError, readCheckpoints } from '../../../src/agent/checkpoint-reader.js';
import { CheckpointWriter } from '../../../src/agent/checkpoint-writer.js';
import type { StatusUpdate } from '../../../src/agent/status-update-streams.js';
import type { TaskInfo, TaskState } from '../../../src/mesos/types.js';

const roots: string[] = [];
const logs: string[] = [];
const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
const agentId = 'master-1-S0';
const framework = { id: { value: 'fw-1' }, name: 'fw', user: 'u', checkpoint: true };
const run = { agentId, frameworkId: 'fw-1', executorId: 'task-1', containerId: 'c-1' };
const task: TaskInfo = { name: 'task-1', task_id: { value: 'task-1' }, agent_id: { value: agentId }, command: { value: 'sleep 60' } };

function update(state: TaskState, uuid: string): StatusUpdate {
  return { framework_id: framework.id, status: { task_id: task.task_id, state, uuid, agent_id: { value: agentId } } };
}

/** A work_dir with one checkpointed command task that was STARTING (acked) and is RUNNING (not acked). */
function writeOneTask(): { workDir: string; writer: CheckpointWriter } {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'meseta-checkpoint-'));
  roots.push(workDir);
  const writer = new CheckpointWriter({ workDir, logger });
  writer.agent({ id: { value: agentId }, hostname: 'h', resources: [] });
  writer.framework(agentId, framework);
  writer.executor(run, { info: { executor_id: { value: 'task-1' }, framework_id: framework.id }, kind: 'command' });
  writer.task(run, task);
  writer.update(run, update('TASK_STARTING', 'u1'));
  writer.ack(run, 'task-1', 'u1');
  writer.update(run, update('TASK_RUNNING', 'u2'));
  return { workDir, writer };
}

describe('checkpoints', () => {
  beforeEach(() => void logs.splice(0));
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('reads back what was written', async () => {
    const { workDir, writer } = writeOneTask();
    assert.equal(writer.stats.errors, 0);
    const state = await readCheckpoints(workDir, { strict: true });
    assert.ok(state);
    assert.equal(state.agentId, agentId);
    assert.equal(state.agentInfo.hostname, 'h');
    assert.equal(state.frameworks.length, 1);
    const executor = state.frameworks[0]!.executors[0]!;
    assert.equal(executor.kind, 'command');
    assert.equal(executor.runs[0]!.containerId, 'c-1');
    const recovered = executor.runs[0]!.tasks[0]!;
    assert.deepEqual(recovered.info, task);
    assert.deepEqual(
      recovered.records.map((r) => (r.type === 'UPDATE' ? r.update.status.state : `ACK ${r.uuid}`)),
      ['TASK_STARTING', 'ACK u1', 'TASK_RUNNING'],
    );
    assert.deepEqual(state.warnings, []);
  });

  it('nothing to recover without meta/slaves/latest', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'meseta-checkpoint-'));
    roots.push(workDir);
    assert.equal(await readCheckpoints(workDir, { strict: true }), undefined);
  });

  it('drops a torn last record with a warning, in strict mode too', async () => {
    const { workDir } = writeOneTask();
    appendFileSync(taskUpdatesPath(workDir, run, 'task-1'), '{"type":"UPDATE","update":{"framework_id"');
    const state = await readCheckpoints(workDir, { strict: true });
    const records = state!.frameworks[0]!.executors[0]!.runs[0]!.tasks[0]!.records;
    assert.equal(records.length, 3);
    assert.match(state!.warnings.join('\n'), /torn record/);
  });

  it('skips a task whose task.info was never written (crash before the rename)', async () => {
    const { workDir } = writeOneTask();
    rmSync(taskInfoPath(workDir, run, 'task-1'));
    writeFileSync(`${taskInfoPath(workDir, run, 'task-1')}.tmp`, '{"task_id":');
    const state = await readCheckpoints(workDir, { strict: true });
    assert.deepEqual(state!.frameworks[0]!.executors[0]!.runs[0]!.tasks, []);
    assert.match(state!.warnings.join('\n'), /task\.info is missing/);
    assert.deepEqual(state!.errors, []);
  });

  it('skips an executor without executor.info and a framework without framework.info', async () => {
    const { workDir } = writeOneTask();
    rmSync(executorInfoPath(workDir, agentId, 'fw-1', 'task-1'));
    let state = await readCheckpoints(workDir, { strict: true });
    assert.deepEqual(state!.frameworks[0]!.executors, []);
    rmSync(frameworkInfoPath(workDir, agentId, 'fw-1'));
    state = await readCheckpoints(workDir, { strict: true });
    assert.deepEqual(state!.frameworks, []);
  });

  it('a damaged info file fails strict recovery and is skipped and counted without it', async () => {
    const { workDir } = writeOneTask();
    writeFileSync(taskInfoPath(workDir, run, 'task-1'), '{ not json');
    await assert.rejects(readCheckpoints(workDir, { strict: true }), (error: unknown) => {
      assert.ok(error instanceof RecoveryError);
      assert.equal(error.code, 'RECOVERY_FAILED');
      assert.equal(error.path, taskInfoPath(workDir, run, 'task-1'));
      return true;
    });
    const state = await readCheckpoints(workDir, { strict: false });
    assert.deepEqual(state!.frameworks[0]!.executors[0]!.runs[0]!.tasks, []);
    assert.equal(state!.errors.length, 1);
    assert.match(state!.errors[0]!, /task\.info/);
  });

  it('a damaged line before the end of task.updates, or an out-of-order ack, is an error', async () => {
    const { workDir } = writeOneTask();
    const file = taskUpdatesPath(workDir, run, 'task-1');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `garbage\n${good}`);
    await assert.rejects(readCheckpoints(workDir, { strict: true }), /line 1 is not JSON/);
    writeFileSync(file, `${good}{"type":"ACK","uuid":"nope"}\n`);
    await assert.rejects(readCheckpoints(workDir, { strict: true }), /acknowledgement nope does not match/);
    const state = await readCheckpoints(workDir, { strict: false });
    assert.deepEqual(state!.frameworks[0]!.executors[0]!.runs[0]!.tasks, []);
    assert.equal(state!.errors.length, 1);
  });

  it('without slave.info recovery fails in both modes (the tree cannot be trusted)', async () => {
    const { workDir } = writeOneTask();
    rmSync(path.join(workDir, 'meta', 'slaves', agentId, 'slave.info'));
    await assert.rejects(readCheckpoints(workDir, { strict: false }), RecoveryError);
  });

  it('a retired executor is renamed away at once; a new run of the same id is untouched', async () => {
    const { workDir, writer } = writeOneTask();
    writer.removeExecutor(agentId, 'fw-1', 'task-1');
    assert.equal(existsSync(runMetaDir(workDir, run)), false);
    const again = { ...run, containerId: 'c-2' };
    writer.executor(again, { info: { executor_id: { value: 'task-1' } }, kind: 'custom' });
    writer.httpMarker(again);
    writer.forkedPid(again, 4242);
    await new Promise((r) => setTimeout(r, 50));
    const state = await readCheckpoints(workDir, { strict: true });
    const runs = state!.frameworks[0]!.executors[0]!.runs;
    assert.deepEqual(runs, [{ containerId: 'c-2', subscribed: true, forkedPid: 4242, tasks: [] }]);
  });

  it('a retired executor is deleted in the background through removeTrees when given, in one call per batch', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'meseta-checkpoint-'));
    roots.push(workDir);
    const batches: string[][] = [];
    let removed!: () => void;
    const called = new Promise<void>((resolve) => (removed = resolve));
    const writer = new CheckpointWriter({
      workDir,
      logger,
      removeTrees: async (paths) => {
        batches.push(paths);
        for (const p of paths) rmSync(p, { recursive: true });
        removed();
      },
    });
    writer.framework(agentId, framework);
    for (const id of ['a', 'b']) {
      const r = { ...run, executorId: id, containerId: `c-${id}` };
      writer.executor(r, { info: { executor_id: { value: id } }, kind: 'command' });
      writer.removeExecutor(agentId, 'fw-1', id);
      assert.equal(existsSync(runMetaDir(workDir, r)), false, 'renamed away at once');
    }
    // The trash timer is unref'd (it never keeps an agent alive): this bound keeps the test's loop up.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([called, new Promise((_, fail) => (bound = setTimeout(() => fail(new Error('removeTrees was not called within 5 s')), 5000)))]);
    clearTimeout(bound);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.length, 2);
    for (const p of batches[0]!) assert.match(p, /meta\/\.trash\/\d+-\d+$/);
    assert.deepEqual(readdirSync(path.join(workDir, 'meta', '.trash')), []);
  });

  it('a write that fails is logged and counted, never thrown', () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'meseta-checkpoint-'));
    roots.push(workDir);
    // A file where the meta directory should be makes every write fail.
    writeFileSync(path.join(workDir, 'meta'), '');
    const writer = new CheckpointWriter({ workDir, logger });
    writer.task(run, task);
    assert.equal(writer.stats.errors, 1);
    assert.match(logs.join('\n'), /Failed to checkpoint task task-1/);
  });

  it('keeps a task.updates open for the stream and closes it at its end, at executor removal and past the cap', () => {
    const openUpdateFiles = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).endsWith('task.updates');
        } catch {
          return false;
        }
      }).length;
    const before = openUpdateFiles();
    const { workDir, writer } = writeOneTask();
    assert.equal(openUpdateFiles(), before + 1, 'one file kept open over the records written so far');
    writer.update(run, update('TASK_FINISHED', 'u3'));
    writer.ack(run, 'task-1', 'u2');
    assert.equal(openUpdateFiles(), before + 1);
    writer.endTaskUpdates(run, 'task-1');
    assert.equal(openUpdateFiles(), before);
    // Written again after its end (not expected, but must not be lost): reopened.
    writer.ack(run, 'task-1', 'u3');
    const lines = readFileSync(taskUpdatesPath(workDir, run, 'task-1'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 6, 'STARTING, ack, RUNNING, FINISHED, ack, ack');
    writer.removeExecutor(agentId, 'fw-1', 'task-1');
    assert.equal(openUpdateFiles(), before, 'removal closes what the executor had open');
    // Far more streams than the cap: the oldest are closed, every record still lands.
    const many = 300;
    for (let i = 0; i < many; i++) writer.update({ ...run, executorId: `e${i}` }, update('TASK_RUNNING', `r${i}`));
    assert.ok(openUpdateFiles() - before <= 256, `${openUpdateFiles() - before} files open`);
    for (let i = 0; i < many; i++) writer.ack({ ...run, executorId: `e${i}` }, 'task-1', `r${i}`);
    for (let i = 0; i < many; i++) {
      const text = readFileSync(taskUpdatesPath(workDir, { ...run, executorId: `e${i}` }, 'task-1'), 'utf8');
      assert.equal(text.trim().split('\n').length, 2);
    }
    writer.closeFiles();
    assert.equal(openUpdateFiles(), before);
    assert.equal(writer.stats.errors, 0);
  });

  it('keeps the write cost per task small', () => {
    // Not a benchmark: a guard against an accidental O(tasks) or sync-heavy write path.
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'meseta-checkpoint-'));
    roots.push(workDir);
    const writer = new CheckpointWriter({ workDir, logger });
    writer.framework(agentId, framework);
    const n = 200;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const r = { ...run, executorId: `t${i}`, containerId: `c${i}` };
      const t = { ...task, task_id: { value: `t${i}` } };
      writer.executor(r, { info: { executor_id: { value: `t${i}` } }, kind: 'command' });
      writer.task(r, t);
      for (const [state, uuid] of [['TASK_STARTING', 'a'], ['TASK_RUNNING', 'b'], ['TASK_FINISHED', 'c']] as const) {
        writer.update(r, { framework_id: framework.id, status: { task_id: t.task_id, state, uuid } });
        writer.ack(r, `t${i}`, uuid);
      }
      writer.removeExecutor(agentId, 'fw-1', `t${i}`);
    }
    const perTaskMs = Number(process.hrtime.bigint() - started) / 1e6 / n;
    assert.equal(writer.stats.errors, 0);
    assert.ok(perTaskMs < 20, `checkpointing one task took ${perTaskMs.toFixed(2)} ms`);
  });
});
