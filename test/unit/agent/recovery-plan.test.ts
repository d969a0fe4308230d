/**
 * The pure parts of recovery: replaying `task.updates` records and planning
 * what a restarted agent re-adopts, destroys and forgets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckpointState, RecoveredTask } from '../../../src/agent/checkpoint-reader.js';
import { type TaskUpdateRecord, encodeUpdateRecord, parseUpdateRecords, replayUpdates } from '../../../src/agent/checkpoint-records.js';
import { planRecovery } from '../../../src/agent/recovery-plan.js';
import type { TaskState } from '../../../src/mesos/types.js';

function up(taskId: string, state: TaskState, uuid: string): TaskUpdateRecord {
  return { type: 'UPDATE', update: { framework_id: { value: 'fw' }, status: { task_id: { value: taskId }, state, uuid } } };
}
const ack = (uuid: string): TaskUpdateRecord => ({ type: 'ACK', uuid });

describe('task.updates records', () => {
  it('round-trip; a torn tail is reported and dropped; a bad middle line is an error', () => {
    const text = [up('t', 'TASK_RUNNING', 'a'), ack('a')].map(encodeUpdateRecord).join('');
    assert.deepEqual(parseUpdateRecords(text), { records: [up('t', 'TASK_RUNNING', 'a'), ack('a')], torn: false, errors: [] });
    const torn = parseUpdateRecords(`${text}{"type":"AC`);
    assert.equal(torn.torn, true);
    assert.equal(torn.records.length, 2);
    assert.deepEqual(parseUpdateRecords(`{"type":"NOPE"}\n${text}`).errors, ['line 1 is not a status update record']);
    assert.deepEqual(parseUpdateRecords(''), { records: [], torn: false, errors: [] });
  });

  it('replay keeps unacknowledged updates in order and mirrors the stream rules', () => {
    const replayed = replayUpdates([
      up('t', 'TASK_STARTING', 'a'),
      ack('a'),
      up('t', 'TASK_RUNNING', 'b'),
      up('t', 'TASK_RUNNING', 'b'), // an executor's resend: refused live, skipped here
      up('t', 'TASK_FAILED', 'c'),
      up('t', 'TASK_FINISHED', 'd'), // after a terminal update: refused live
    ]);
    assert.deepEqual(replayed.pending.map((u) => u.status.uuid), ['b', 'c']);
    assert.deepEqual(replayed.uuids, ['a', 'b', 'c']);
    assert.equal(replayed.latestState, 'TASK_FAILED');
    assert.equal(replayed.terminalReceived, true);
    assert.equal(replayed.terminalAcknowledged, false);
    assert.deepEqual(replayed.errors, []);
    assert.equal(replayUpdates([up('t', 'TASK_FAILED', 'c'), ack('c')]).terminalAcknowledged, true);
    assert.match(replayUpdates([up('t', 'TASK_RUNNING', 'a'), ack('z')]).errors[0]!, /does not match/);
  });
});

function task(id: string, records: TaskUpdateRecord[]): RecoveredTask {
  return { info: { name: id, task_id: { value: id }, agent_id: { value: 'S0' } }, records };
}

function state(frameworks: CheckpointState['frameworks']): CheckpointState {
  return { agentId: 'S0', agentInfo: { hostname: 'h' }, frameworks, warnings: [], errors: [] };
}

describe('planRecovery', () => {
  it('re-adopts checkpointing frameworks, destroys the others, forgets what is done', () => {
    const plan = planRecovery(
      state([
        {
          info: { id: { value: 'fw-b' }, name: 'b', user: 'u', checkpoint: true },
          executors: [
            // Running command task with an unacknowledged update.
            { info: { executor_id: { value: 'run' } }, kind: 'command', runs: [{ containerId: 'c-run', subscribed: false, tasks: [task('run', [up('run', 'TASK_RUNNING', 'r1')])] }] },
            // Finished and acknowledged: nothing left.
            { info: { executor_id: { value: 'done' } }, kind: 'command', runs: [{ containerId: 'c-done', subscribed: false, tasks: [task('done', [up('done', 'TASK_FINISHED', 'd1'), ack('d1')])] }] },
            // A custom executor with no task left is still re-adopted; an older run is destroyed.
            {
              info: { executor_id: { value: 'custom' } },
              kind: 'custom',
              runs: [
                { containerId: 'c-1', subscribed: true, tasks: [] },
                { containerId: 'c-2', subscribed: true, forkedPid: 7, tasks: [] },
              ],
            },
          ],
        },
        {
          info: { id: { value: 'fw-a' }, name: 'a', user: 'u' },
          executors: [{ info: { executor_id: { value: 'x' } }, kind: 'command', runs: [{ containerId: 'c-x', subscribed: false, tasks: [] }] }],
        },
      ]),
    );
    assert.deepEqual(plan.recover, ['c-run', 'c-2']);
    assert.deepEqual(plan.destroy.sort(), ['c-1', 'c-done', 'c-x']);
    assert.deepEqual(plan.forgetExecutors, [
      { frameworkId: 'fw-a', executorId: 'x' },
      { frameworkId: 'fw-b', executorId: 'done' },
    ]);
    assert.deepEqual(plan.forgetFrameworks, ['fw-a']);
    assert.equal(plan.frameworks.length, 1);
    const [run, custom] = plan.frameworks[0]!.executors;
    assert.equal(run!.tasks[0]!.state, 'TASK_RUNNING');
    assert.deepEqual(run!.tasks[0]!.pending.map((u) => u.status.uuid), ['r1']);
    assert.equal(custom!.containerId, 'c-2');
    assert.equal(custom!.forkedPid, 7);
    assert.equal(custom!.subscribed, true);
  });

  it('a task with no update recorded comes back STAGING', () => {
    const plan = planRecovery(
      state([
        {
          info: { id: { value: 'fw' }, name: 'f', user: 'u', checkpoint: true },
          executors: [{ info: { executor_id: { value: 'e' } }, kind: 'custom', runs: [{ containerId: 'c', subscribed: false, tasks: [task('q', [])] }] }],
        },
      ]),
    );
    assert.equal(plan.frameworks[0]!.executors[0]!.tasks[0]!.state, 'TASK_STAGING');
    assert.deepEqual(plan.frameworks[0]!.executors[0]!.tasks[0]!.pending, []);
  });
});
