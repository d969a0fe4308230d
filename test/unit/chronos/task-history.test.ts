/**
 * `taskStatHistory`: the bounded run history per job (pure), Chronos's time
 * and duration text, and the scheduler recording launches and updates on
 * virtual time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chronosDuration, chronosTime, TaskHistory, taskStatJson } from '../../../src/chronos/task-history.js';
import { CHRONOS_JOB_DEFAULTS } from '../../../src/chronos/job.js';
import { parseScheduledJob } from '../../../src/chronos/job-parse.js';
import { offer, rig } from './harness.js';

const T0 = Date.parse('2024-03-08T16:57:17.000Z');

const facts = (taskId: string, jobName = 'j') => ({ taskId, jobName, agentId: 'S1', hostname: 'h1', frameworkId: 'F1', executorId: taskId });

test('runs: launched Running, ended Success/Fail by the terminal state; bounded, oldest dropped', () => {
  const h = new TaskHistory(3);
  h.launched(facts('t1'), T0);
  h.updated('j', 't1', 'TASK_RUNNING', T0 + 100);
  assert.equal(h.of('j')[0]!.status, 'Running');
  h.updated('j', 't1', 'TASK_FINISHED', T0 + 65_000);
  h.launched(facts('t2'), T0 + 70_000);
  h.updated('j', 't2', 'TASK_KILLED', T0 + 71_000);
  h.launched(facts('t3'), T0 + 80_000);
  h.launched(facts('t3'), T0 + 90_000); // the same task again: ignored
  h.launched(facts('t4'), T0 + 95_000);
  const runs = h.of('j');
  assert.deepEqual(runs.map((r) => [r.taskId, r.status]), [['t2', 'Fail'], ['t3', 'Running'], ['t4', 'Running']]);
  assert.equal(runs[1]!.startMs, T0 + 80_000);
  // Ended runs stay ended; unknown ones are ignored.
  h.updated('j', 't2', 'TASK_FINISHED', T0 + 99_000);
  h.updated('j', 'ghost', 'TASK_FINISHED', T0);
  assert.equal(h.of('j')[0]!.status, 'Fail');
  h.discard('j', 't4');
  assert.equal(h.of('j').length, 2);
  h.forget('j');
  assert.deepEqual(h.of('j'), []);
});

test('JSON: Chronos fields first, MM/dd/yy HH:mm:ss in UTC, N/A while running, duration once ended', () => {
  const h = new TaskHistory();
  h.launched(facts('ct:1:0:j:'), T0);
  assert.deepEqual(taskStatJson(h.of('j')[0]!), {
    taskId: 'ct:1:0:j:',
    jobName: 'j',
    slaveId: 'S1',
    startTime: '03/08/24 16:57:17',
    endTime: 'N/A',
    status: 'Running',
    hostname: 'h1',
    frameworkId: 'F1',
    executorId: 'ct:1:0:j:',
    taskState: 'TASK_STAGING',
    startedAt: '2024-03-08T16:57:17.000Z',
  });
  h.updated('j', 'ct:1:0:j:', 'TASK_FINISHED', T0 + 3_723_000);
  const ended = taskStatJson(h.of('j')[0]!);
  assert.equal(ended.endTime, '03/08/24 17:59:20');
  assert.equal(ended.duration, '1h2m3s');
  assert.equal(ended.status, 'Success');
  assert.equal(ended.endedAt, '2024-03-08T17:59:20.000Z');
});

test('durations and times as Chronos prints them', () => {
  assert.equal(chronosDuration(0), '0s');
  assert.equal(chronosDuration(59_999), '59s');
  assert.equal(chronosDuration(60_000), '1m0s');
  assert.equal(chronosDuration(90_061_000), '1d1h1m1s');
  assert.equal(chronosTime(undefined), 'N/A');
  assert.equal(chronosTime(Date.parse('2009-12-31T23:05:09Z')), '12/31/09 23:05:09');
});

test('the scheduler records each run with agent, host, framework and executor ids', async () => {
  const r = await rig({ startMs: T0 });
  r.scheduler.putJob(parseScheduledJob({ name: 'tick', command: 'true', schedule: `R/${new Date(T0).toISOString()}/PT1H` }, CHRONOS_JOB_DEFAULTS, T0, true));
  r.time.advance(1);
  await r.scheduler.onOffers([offer({ agent: 'S7', hostname: 'node7' })]);
  const [taskId] = r.driver.launchedIds();
  assert.ok(taskId);
  r.update(taskId, 'TASK_RUNNING');
  r.time.advance(2000);
  r.update(taskId, 'TASK_FINISHED');
  const [run] = r.scheduler.history.of('tick');
  assert.equal(run!.agentId, 'S7');
  assert.equal(run!.hostname, 'node7');
  assert.equal(run!.executorId, taskId, "a command task's executor id is its task id");
  assert.equal(run!.status, 'Success');
  assert.equal(run!.state, 'TASK_FINISHED');
  assert.equal(run!.endMs! - run!.startMs, 2000);
  r.scheduler.deleteJob('tick');
  assert.deepEqual(r.scheduler.history.of('tick'), []);
  r.scheduler.stop();
});
