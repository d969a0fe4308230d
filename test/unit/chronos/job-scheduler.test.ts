/**
 * The scheduler core on virtual time with a recording driver: scheduled runs,
 * counters, retries after --failure_retry, softError, disable after N
 * failures, concurrency, dependent jobs, deletion with rewiring, manual runs,
 * and restart from the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHRONOS_JOB_DEFAULTS, type ChronosJob } from '../../../src/chronos/job.js';
import { parseDependentJob, parseScheduledJob } from '../../../src/chronos/job-parse.js';
import { parseTaskId } from '../../../src/chronos/task-id.js';
import { offer, rig, type Rig } from './harness.js';

const NOW = Date.parse('2024-01-10T12:00:00Z');

function scheduled(fields: Record<string, unknown>): ChronosJob {
  return parseScheduledJob(fields, CHRONOS_JOB_DEFAULTS, NOW, true);
}

function dependent(fields: Record<string, unknown>): ChronosJob {
  return parseDependentJob(fields, CHRONOS_JOB_DEFAULTS, true);
}

/** Offers once and returns the task ids launched by that offer round. */
async function offerRound(r: Rig, ...offers: ReturnType<typeof offer>[]): Promise<string[]> {
  const before = r.driver.launchedIds().length;
  await r.scheduler.onOffers(offers.length > 0 ? offers : [offer()]);
  return r.driver.launchedIds().slice(before);
}

test('a job every 2 s: enqueued when due, launched, schedule advanced, counters on finish', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'tick', command: 'true', schedule: 'R/2024-01-10T12:00:00.000Z/PT2S' }));
  r.time.advance(1);
  const first = await offerRound(r);
  assert.equal(first.length, 1);
  const id = parseTaskId(first[0]!)!;
  assert.equal(id.jobName, 'tick');
  assert.equal(id.attempt, 0);
  assert.equal(r.repo.get('tick')!.schedule, 'R/2024-01-10T12:00:02.000Z/PT2S');
  assert.equal(r.scheduler.jobState('tick'), 'running');
  r.update(first[0]!, 'TASK_RUNNING');
  r.update(first[0]!, 'TASK_FINISHED');
  assert.equal(r.repo.get('tick')!.successCount, 1);
  assert.equal(r.repo.get('tick')!.lastSuccess, new Date(r.time.now()).toISOString());
  // Not due again until 12:00:02.
  assert.deepEqual(await offerRound(r), []);
  r.time.advance(2000);
  assert.equal((await offerRound(r)).length, 1);
  r.scheduler.stop();
});

test('the task: name, env, resources, command with arguments', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(
    scheduled({
      name: 'envjob',
      command: 'echo',
      arguments: ['-n', 'x;y'],
      owner: 'ops@example.com',
      cpus: 0.5,
      mem: 64,
      environmentVariables: [
        { name: 'MODE', value: 'full' },
        { name: 'CHRONOS_JOB_NAME', value: 'spoofed' },
      ],
      schedule: 'R1//PT24H',
    }),
  );
  r.time.advance(1);
  await offerRound(r, offer({ hostname: 'agent-a' }));
  const task = r.driver.launches[0]!.tasks[0]!;
  assert.equal(task.name, 'ChronosTask:envjob');
  assert.match(task.task_id.value, /^ct:\d+:0:envjob:-n xy$/);
  const env = Object.fromEntries((task.command!.environment!.variables ?? []).map((v) => [v.name, v.value]));
  assert.equal(env['CHRONOS_JOB_NAME'], 'envjob');
  assert.equal(env['CHRONOS_JOB_OWNER'], 'ops@example.com');
  assert.equal(env['CHRONOS_JOB_RUN_TIME'], String(parseTaskId(task.task_id.value)!.dueMs));
  assert.equal(env['CHRONOS_JOB_RUN_ATTEMPT'], '0');
  assert.equal(env['CHRONOS_RESOURCE_CPU'], '0.5');
  assert.equal(env['CHRONOS_RESOURCE_MEM'], '64.0');
  assert.equal(env['CHRONOS_RESOURCE_DISK'], '256.0');
  assert.equal(env['HOST'], 'agent-a');
  assert.equal(env['MESOS_TASK_ID'], task.task_id.value);
  assert.equal(env['MODE'], 'full');
  // Chronos appends the id's arguments to the command and also passes them as CommandInfo.arguments.
  assert.equal(task.command!.value, 'echo -n xy');
  assert.deepEqual(task.command!.arguments, ['-n', 'x;y']);
  assert.equal(task.command!.shell, true);
  assert.equal(task.command!.user, 'root');
  const scalars = Object.fromEntries((task.resources ?? []).map((res) => [res.name, res.scalar?.value]));
  assert.deepEqual(scalars, { cpus: 0.5, mem: 64, disk: 256 });
  // R1 → R0 at launch; a success then disables the job.
  assert.match(r.repo.get('envjob')!.schedule!, /^R0\//);
  r.update(task.task_id.value, 'TASK_FINISHED');
  assert.equal(r.repo.get('envjob')!.disabled, true);
  r.scheduler.stop();
});

test('failure: retries `retries` times after --failure_retry, then records the error', async () => {
  const r = await rig({ startMs: NOW, failureRetryMs: 1000 });
  r.scheduler.putJob(scheduled({ name: 'flaky', command: 'false', retries: 2, schedule: 'R1//PT24H' }));
  r.time.advance(1);
  const attempts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const [id] = await offerRound(r);
    assert.ok(id, `attempt ${i} launched`);
    attempts.push(id);
    assert.equal(parseTaskId(id)!.attempt, i);
    r.update(id, 'TASK_FAILED');
    // The retry is not queued before the delay.
    assert.deepEqual(await offerRound(r), []);
    r.time.advance(1000);
  }
  assert.deepEqual(await offerRound(r), [], 'no fourth attempt');
  const job = r.repo.get('flaky')!;
  assert.equal(job.errorCount, 1);
  assert.equal(job.errorsSinceLastSuccess, 1);
  assert.equal(job.successCount, 0);
  assert.notEqual(job.lastError, '');
  // The retry's due time is the failure time + delay.
  assert.equal(parseTaskId(attempts[1]!)!.dueMs - parseTaskId(attempts[0]!)!.dueMs >= 1000, true);
  r.scheduler.stop();
});

test('failure: a job already failing gets no retries; disable after N failures', async () => {
  const r = await rig({ startMs: NOW, failureRetryMs: 1000, disableAfterFailures: 2 });
  r.scheduler.putJob(scheduled({ name: 'bad', command: 'false', retries: 0, schedule: 'R/2024-01-10T12:00:00.000Z/PT10S' }));
  r.time.advance(1);
  let [id] = await offerRound(r);
  r.update(id!, 'TASK_FAILED');
  assert.equal(r.repo.get('bad')!.disabled, false);
  r.time.advance(10_000);
  [id] = await offerRound(r);
  r.update(id!, 'TASK_FAILED');
  assert.equal(r.repo.get('bad')!.errorsSinceLastSuccess, 2);
  assert.equal(r.repo.get('bad')!.disabled, true);
  r.time.advance(10_000);
  assert.deepEqual(await offerRound(r), [], 'disabled jobs never launch');
  r.scheduler.stop();
});

test('TASK_KILLED changes no counters and retries nothing', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'k', command: 'sleep 100', schedule: 'R1//PT24H' }));
  r.time.advance(1);
  const [id] = await offerRound(r);
  r.update(id!, 'TASK_KILLED');
  r.time.advance(120_000);
  const job = r.repo.get('k')!;
  assert.deepEqual([job.successCount, job.errorCount], [0, 0]);
  assert.deepEqual(await offerRound(r), []);
  r.scheduler.stop();
});

test('dependent job: runs once after both parents succeeded, counters reset when it starts', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'a', command: 'true', schedule: 'R//PT1H' }));
  r.scheduler.putJob(scheduled({ name: 'b', command: 'true', schedule: 'R//PT1H' }));
  r.scheduler.putJob(dependent({ name: 'c', command: 'true', parents: ['a', 'b'] }));
  r.time.advance(1);
  const ids = await offerRound(r);
  const byJob = Object.fromEntries(ids.map((id) => [parseTaskId(id)!.jobName, id]));
  assert.deepEqual(Object.keys(byJob).sort(), ['a', 'b']);
  r.update(byJob['a']!, 'TASK_FINISHED');
  assert.deepEqual(await offerRound(r), [], 'one parent is not enough');
  r.update(byJob['b']!, 'TASK_FINISHED');
  const [child] = await offerRound(r);
  assert.equal(parseTaskId(child!)!.jobName, 'c');
  r.update(child!, 'TASK_RUNNING');
  assert.equal(r.scheduler.graph.invocationCount('a', 'c'), 0);
  r.update(child!, 'TASK_FINISHED');
  assert.equal(r.repo.get('c')!.successCount, 1);
  // A second success of a alone does not trigger c.
  r.scheduler.markSuccess('a');
  assert.deepEqual(await offerRound(r), []);
  r.scheduler.markSuccess('b');
  assert.equal(parseTaskId((await offerRound(r))[0]!)!.jobName, 'c');
  r.scheduler.stop();
});

test('softError: dependents run even when the parent failed beyond retries', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'p', command: 'false', retries: 0, softError: true, schedule: 'R1//PT24H' }));
  r.scheduler.putJob(dependent({ name: 'child', command: 'true', parents: ['p'] }));
  r.time.advance(1);
  const [id] = await offerRound(r);
  r.update(id!, 'TASK_FAILED');
  assert.equal(parseTaskId((await offerRound(r))[0]!)!.jobName, 'child');
  r.scheduler.stop();
});

test('concurrent=false: no second task while one runs; concurrent=true: overlap allowed', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'slow', command: 'sleep 10', schedule: 'R/2024-01-10T12:00:00.000Z/PT1S' }));
  r.scheduler.putJob(scheduled({ name: 'par', command: 'sleep 10', concurrent: true, schedule: 'R/2024-01-10T12:00:00.000Z/PT1S' }));
  r.time.advance(1);
  const first = await offerRound(r);
  assert.equal(first.length, 2);
  r.time.advance(1000);
  const second = await offerRound(r);
  assert.deepEqual(second.map((id) => parseTaskId(id)!.jobName), ['par']);
  assert.equal(r.scheduler.jobState('par'), '2 running');
  // When slow's task ends, it runs again (once) at the next offer.
  const slowTask = first.find((id) => id.includes(':slow:'))!;
  r.update(slowTask, 'TASK_FINISHED');
  r.time.advance(1);
  assert.ok((await offerRound(r)).some((id) => id.includes(':slow:')));
  r.scheduler.stop();
});

test('offers: resources and constraints decide; a task that fits nowhere waits', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'big', command: 'true', cpus: 2, schedule: 'R1//PT24H' }));
  r.scheduler.putJob(scheduled({ name: 'rack', command: 'true', constraints: [['rack', 'EQUALS', 'r2']], schedule: 'R1//PT24H' }));
  r.time.advance(1);
  assert.deepEqual(await offerRound(r, offer({ cpus: 1 })), []);
  assert.equal(r.driver.declines.length, 1);
  assert.equal(r.scheduler.jobState('big'), 'queued');
  const launched = await offerRound(r, offer({ cpus: 1, attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }] }), offer({ cpus: 8, agent: 'S1', attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r2' } }] }));
  assert.deepEqual(launched.map((id) => parseTaskId(id)!.jobName).sort(), ['big', 'rack']);
  assert.ok(r.driver.launches.every((l) => l.tasks.every((t) => t.agent_id.value === 'S1')));
  r.scheduler.stop();
});

test('delete: running tasks killed; children of a dependent job inherit its parents', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'root', command: 'sleep 100', schedule: 'R1//PT24H' }));
  r.scheduler.putJob(dependent({ name: 'mid', command: 'true', parents: ['root'] }));
  r.scheduler.putJob(dependent({ name: 'leaf', command: 'true', parents: ['mid'] }));
  r.time.advance(1);
  const [id] = await offerRound(r);
  r.update(id!, 'TASK_RUNNING');
  assert.equal(r.scheduler.deleteJob('mid'), true);
  assert.deepEqual(r.repo.get('leaf')!.parents, ['root']);
  assert.equal(r.scheduler.deleteJob('root'), true);
  assert.deepEqual(r.driver.kills.map((k) => k.taskId), [id]);
  // leaf was a child of the scheduled root: now a scheduled job with root's schedule.
  const leaf = r.repo.get('leaf')!;
  assert.equal(leaf.parents, undefined);
  assert.match(leaf.schedule!, /^R0\//);
  assert.equal(r.scheduler.deleteJob('nope'), false);
  r.scheduler.stop();
});

test('manual run: attempt 0, due now, arguments carried in the id; a finite count still drops', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'm', command: 'echo', schedule: 'R5/2024-01-11T00:00:00.000Z/P1D' }));
  r.time.advance(1);
  assert.deepEqual(await offerRound(r), []);
  assert.equal(r.scheduler.runNow('m', '--dry-run;rm'), true);
  const [id] = await offerRound(r);
  assert.equal(parseTaskId(id!)!.arguments, '--dry-runrm');
  assert.equal(r.driver.launches.at(-1)!.tasks[0]!.command!.value, 'echo --dry-runrm');
  assert.equal(r.repo.get('m')!.schedule, 'R4/2024-01-11T00:00:00.000Z/P1D');
  assert.equal(r.scheduler.runNow('ghost'), false);
  r.scheduler.stop();
});

test('restart: jobs and schedules come back from the store; a missed run happens once', async () => {
  const { SqliteStore } = await import('../../../src/coordination/sqlite-store.js');
  const store = new SqliteStore(':memory:');
  const r1 = await rig({ startMs: NOW, store });
  r1.scheduler.putJob(scheduled({ name: 'hourly', command: 'true', schedule: 'R/2024-01-10T12:00:00.000Z/PT1H' }));
  r1.time.advance(1);
  await offerRound(r1);
  r1.scheduler.stop();
  await r1.repo.flush();
  // Down for 5 hours.
  const r2 = await rig({ startMs: NOW + 5 * 3600_000 + 10, store });
  assert.equal(r2.repo.get('hourly')!.schedule, 'R/2024-01-10T13:00:00.000Z/PT1H');
  r2.scheduler.start();
  const ids = await offerRound(r2);
  assert.equal(ids.length, 1, 'one catch-up run');
  assert.equal(r2.repo.get('hourly')!.schedule, 'R/2024-01-10T18:00:00.000Z/PT1H');
  assert.deepEqual(await offerRound(r2), []);
  r2.scheduler.stop();
});

test('updates for foreign or repeated task ids are ignored', async () => {
  const r = await rig({ startMs: NOW });
  r.scheduler.putJob(scheduled({ name: 'once', command: 'true', schedule: 'R//PT1H' }));
  r.time.advance(1);
  const [id] = await offerRound(r);
  r.update('not-a-chronos-task', 'TASK_FINISHED');
  r.update(id!, 'TASK_FINISHED');
  r.update(id!, 'TASK_FINISHED');
  assert.equal(r.repo.get('once')!.successCount, 1);
  r.scheduler.stop();
});
