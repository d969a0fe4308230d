/**
 * `meseta chronos` against a real `meseta local`, through Chronos's REST API
 * only (as a Chronos user would): a job every 2 s, a dependent job with two
 * parents, retries of a failing job, a job deleted while its task runs,
 * malformed JSON, and a restart that keeps the jobs and runs a missed
 * occurrence once. Scenarios overlap in time to keep the file short.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, startLocal, stopAll, tempDir, waitFor, type LocalCluster, type Proc } from './harness.js';

interface Job {
  name: string;
  successCount: number;
  errorCount: number;
  errorsSinceLastSuccess: number;
  lastSuccess: string;
  lastError: string;
  schedule?: string;
  parents?: string[];
}
interface StateTask {
  id: string;
  name: string;
  state: string;
}
interface State {
  frameworks: Array<{ name: string; tasks: StateTask[]; completed_tasks: StateTask[] }>;
}

describe('meseta chronos on meseta local', () => {
  let cluster: LocalCluster;
  let chronos: Proc;
  let port: number;
  let workDir: string;
  let base: string;

  const startChronos = async (): Promise<void> => {
    chronos = meseta([
      'chronos',
      `--master=${cluster.master}`,
      `--http_port=${port}`,
      '--http_address=127.0.0.1',
      '--hostname=127.0.0.1',
      `--work_dir=${workDir}`,
      '--failure_retry=1000',
      '--min_revive_offers_interval=200',
      '--decline_offer_duration=1000',
    ]);
    await waitFor('chronos answers /ping', async () => {
      if (chronos.child.exitCode !== null) throw new Error(`chronos exited: ${chronos.stderr}`);
      return (await fetch(`http://127.0.0.1:${port}/ping`)).ok;
    });
    await chronos.waitForOutput(/Registered with the Mesos master as framework/);
  };

  const post = async (path: string, body: unknown): Promise<Response> =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const job = (name: string): Promise<Job> => getJson<Job>(`${base}/job/${name}`);
  const tasksOf = async (jobName: string): Promise<StateTask[]> => {
    const state = await getJson<State>(`${cluster.url}/master/state`);
    return state.frameworks
      .filter((f) => f.name === 'chronos')
      .flatMap((f) => [...f.tasks, ...f.completed_tasks])
      .filter((t) => t.name === `ChronosTask:${jobName}`);
  };
  const iso = (ms: number): string => new Date(ms).toISOString();

  before(async () => {
    cluster = await startLocal();
    port = await freePort();
    workDir = join(tempDir('chronos'), 'state');
    base = `http://127.0.0.1:${port}/v1/scheduler`;
    await startChronos();
  });
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('answers malformed job JSON with a 400 ApiResult', async () => {
    const res = await post('/iso8601', '{"name": "broken", "schedule": ');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { message: string; status: string };
    assert.equal(body.status, 'Bad Request');
    assert.match(body.message, /Malformed JSON/);
    const badSchedule = await post('/iso8601', { name: 'bad', command: 'true', schedule: 'tomorrow' });
    assert.equal(badSchedule.status, 400);
    assert.equal(((await badSchedule.json()) as { message: string }).message, "Cannot parse schedule 'tomorrow' (wtf bro)");
  });

  it('runs scheduled, dependent, failing and deleted jobs', async () => {
    const now = Date.now();
    // Submitted together; each scenario is then awaited on its own condition.
    assert.equal((await post('/iso8601', { name: 'every2', command: 'echo tick', schedule: `R/${iso(now)}/PT2S` })).status, 204);
    assert.equal((await post('/iso8601', { name: 'parent-a', command: 'true', schedule: 'R1//PT24H' })).status, 204);
    assert.equal((await post('/iso8601', { name: 'parent-b', command: 'true', schedule: `R1/${iso(now + 5000)}/PT24H` })).status, 204);
    assert.equal((await post('/dependency', { name: 'child', command: 'true', parents: ['parent-a', 'parent-b'] })).status, 204);
    assert.equal((await post('/iso8601', { name: 'failing', command: 'exit 3', retries: 2, schedule: 'R1//PT24H' })).status, 204);
    assert.equal((await post('/iso8601', { name: 'sleeper', command: 'sleep 120', schedule: 'R1//PT24H' })).status, 204);

    // Deleted mid-run: its task is killed.
    const running = await waitFor('sleeper running', async () => (await tasksOf('sleeper')).find((t) => t.state === 'TASK_RUNNING'));
    const del = await fetch(`${base}/job/sleeper`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    await waitFor('sleeper killed', async () => (await tasksOf('sleeper')).some((t) => t.id === running.id && t.state === 'TASK_KILLED'));
    assert.equal((await fetch(`${base}/job/sleeper`)).status, 400);

    // Dependent: parent-a alone does not run the child.
    await waitFor('parent-a succeeded', async () => (await job('parent-a')).successCount === 1);
    assert.equal((await job('parent-b')).successCount, 0, 'parent-b is not due yet');
    assert.equal((await job('child')).successCount, 0, 'child waits for parent-b');
    assert.equal((await tasksOf('child')).length, 0);
    await waitFor('child succeeded', async () => (await job('child')).successCount === 1, 30_000);
    const [a, b, c] = await Promise.all([job('parent-a'), job('parent-b'), job('child')]);
    assert.ok(Date.parse(c.lastSuccess) >= Date.parse(a.lastSuccess) && Date.parse(c.lastSuccess) >= Date.parse(b.lastSuccess));

    // Failing: 1 + retries attempts, then one recorded error.
    await waitFor('failing recorded its error', async () => (await job('failing')).errorCount === 1, 30_000);
    const failing = await job('failing');
    assert.equal(failing.errorsSinceLastSuccess, 1);
    assert.equal(failing.successCount, 0);
    assert.notEqual(failing.lastError, '');
    const attempts = (await tasksOf('failing')).map((t) => Number(t.id.split(':')[2])).sort();
    assert.deepEqual(attempts, [0, 1, 2]);
    assert.ok((await tasksOf('failing')).every((t) => t.state === 'TASK_FAILED'));

    // Every 2 s: at least three runs, counters agree with the finished tasks.
    await waitFor('every2 ran three times', async () => (await job('every2')).successCount >= 3, 30_000);
    const every2 = await job('every2');
    const finished = (await tasksOf('every2')).filter((t) => t.state === 'TASK_FINISHED').length;
    assert.ok(finished >= every2.successCount, `${finished} finished tasks for successCount ${every2.successCount}`);
    assert.equal(every2.errorCount, 0);
    assert.match(every2.schedule ?? '', /^R\/\d{4}-\d\d-\d\dT[\d:.]+Z\/PT2S$/);
    const summary = await getJson<{ jobs: Array<{ name: string; status: string }> }>(`${base}/jobs/summary`);
    assert.equal(summary.jobs.find((j) => j.name === 'failing')?.status, 'failure');
    assert.equal(summary.jobs.find((j) => j.name === 'child')?.status, 'success');
  });

  it('keeps jobs across a restart and runs a missed occurrence once', async () => {
    // Quiet the 2 s job so the restart is about the hourly one.
    const every2 = await job('every2');
    assert.equal((await post('/iso8601', { ...every2, disabled: true })).status, 204);
    const start = Date.now() + 3000;
    assert.equal((await post('/iso8601', { name: 'hourly', command: 'true', schedule: `R/${iso(start)}/PT1H` })).status, 204);
    const before = await getJson<Job[]>(`${base}/jobs`);

    await chronos.stop();
    await waitFor('the hourly start passed while chronos was down', () => Date.now() > start + 1000, 10_000);
    await startChronos();

    await waitFor('the missed run happened', async () => (await job('hourly')).successCount === 1, 30_000);
    const hourly = await job('hourly');
    assert.equal(hourly.schedule, `R/${iso(start + 3600_000)}/PT1H`);
    assert.equal((await tasksOf('hourly')).length, 1);
    const afterRestart = await getJson<Job[]>(`${base}/jobs`);
    for (const j of before) {
      const now = afterRestart.find((x) => x.name === j.name);
      assert.ok(now, `${j.name} kept`);
      assert.ok(now.successCount >= j.successCount && now.errorCount === j.errorCount, `${j.name} counters kept`);
    }
    assert.deepEqual(afterRestart.find((j) => j.name === 'child')?.parents, ['parent-a', 'parent-b']);
  });
});
