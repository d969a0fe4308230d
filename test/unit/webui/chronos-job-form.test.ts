/** The Chronos UI's job form ⇄ JSON: round trips keep every field, kinds pick the endpoint, errors by field, sandbox links. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSchedule, emptyForm, errorText, formToJob, jobToForm, parseParents, submitPath, withDisabled } from '../../../src/webui/src/chronos/job-form.js';
import { masterUiRoot, sandboxHref, sandboxPath } from '../../../src/webui/src/chronos/run-links.js';
import type { ChronosJob, TaskStat } from '../../../src/webui/src/chronos/chronos-types.js';

const NOW = Date.parse('2024-03-09T12:00:30Z');

/** A job as GET /jobs lists it, with fields the form does not show (fetch, executor, container volumes, counters). */
const JOB: ChronosJob = {
  name: 'nightly-etl',
  command: 'python etl.py',
  shell: true,
  executor: '',
  retries: 2,
  owner: 'data@example.com',
  description: 'loads the warehouse',
  successCount: 7,
  errorCount: 1,
  lastSuccess: '2024-03-09T00:00:05.120Z',
  lastError: '',
  cpus: 0.5,
  disk: 256,
  mem: 512,
  disabled: false,
  softError: false,
  fetch: [{ uri: 'https://example.com/etl.tgz', executable: false, cache: false, extract: true }],
  environmentVariables: [{ name: 'STAGE', value: 'prod=1' }],
  arguments: ['--full'],
  highPriority: false,
  runAsUser: 'root',
  concurrent: false,
  container: { type: 'DOCKER', image: 'python:3', network: 'HOST', volumes: [{ containerPath: '/data', hostPath: '/srv', mode: 'RO' }] },
  constraints: [['rack', 'LIKE', 'r:[0-9]+']],
  schedule: 'R/2024-03-10T00:00:00.000Z/P1D',
  scheduleTimeZone: 'Europe/Paris',
};

describe('Chronos job form', () => {
  it('job → form → job keeps every field, including the ones the form does not show', () => {
    const form = jobToForm(JOB);
    assert.equal(form.kind, 'scheduled');
    assert.equal(form.env, 'STAGE=prod=1');
    assert.equal(form.constraints, 'rack:LIKE:r:[0-9]+');
    assert.equal(form.image, 'python:3');
    const { job, errors } = formToJob(form, JOB);
    assert.deepEqual(errors, {});
    assert.deepEqual(job, JOB);
  });

  it('form edits land on top of the JSON last seen', () => {
    const form = { ...jobToForm(JOB), mem: '1024', image: 'python:3.12', arguments: '--full\n--verbose' };
    const { job } = formToJob(form, JOB);
    assert.equal(job.mem, 1024);
    assert.deepEqual(job.arguments, ['--full', '--verbose']);
    assert.deepEqual(job.container, { ...JOB.container, image: 'python:3.12' });
    assert.deepEqual(job.fetch, JOB.fetch);
  });

  it('a new job from the blank form leaves blanks out so Chronos applies its defaults', () => {
    const form = { ...emptyForm(NOW), name: 'hello', command: 'echo hi' };
    const { job, errors } = formToJob(form);
    assert.deepEqual(errors, {});
    assert.deepEqual(job, {
      name: 'hello', command: 'echo hi', schedule: 'R/2024-03-09T12:01:00.000Z/P1D', retries: 2,
      shell: true, concurrent: false, disabled: false, softError: false, highPriority: false,
    });
    assert.equal(submitPath(job), '/v1/scheduler/iso8601');
    assert.equal(defaultSchedule(NOW), 'R/2024-03-09T12:01:00.000Z/P1D');
  });

  it('dependent: parents replace the schedule and pick /dependency; back to scheduled drops them', () => {
    const dependent = formToJob({ ...jobToForm(JOB), kind: 'dependent', parents: 'extract, transform\nextract' }, JOB).job;
    assert.deepEqual(dependent.parents, ['extract', 'transform']);
    assert.equal(dependent.schedule, undefined);
    assert.equal(dependent.scheduleTimeZone, undefined);
    assert.equal(submitPath(dependent), '/v1/scheduler/dependency');
    const back = formToJob({ ...jobToForm(dependent), kind: 'scheduled', schedule: 'R/2030-01-01T00:00:00Z/PT1H' }, dependent).job;
    assert.equal(back.parents, undefined);
    assert.equal(submitPath(back), '/v1/scheduler/iso8601');
    assert.deepEqual(parseParents(' a ,\n,b'), ['a', 'b']);
  });

  it('numbers and line formats that do not parse are errors by field; the schedule is left to Chronos', () => {
    const { errors, job } = formToJob({ ...emptyForm(NOW), name: '', cpus: 'lots', retries: '1.5', env: 'NOEQUALS', constraints: 'rack', schedule: 'whenever' });
    assert.deepEqual(Object.keys(errors).sort(), ['constraints', 'cpus', 'env', 'name', 'retries']);
    assert.equal(job.schedule, 'whenever');
    assert.ok(formToJob({ ...emptyForm(NOW), name: 'x', kind: 'dependent' }).errors.parents);
  });

  it('enable/disable re-sends the whole job; errors read from ApiResult', () => {
    assert.deepEqual(withDisabled(JOB, true), { ...JOB, disabled: true });
    assert.equal(errorText(400, { message: "Cannot parse schedule 'x' (wtf bro)", status: 'Bad Request' }), "400: Cannot parse schedule 'x' (wtf bro)");
    assert.equal(errorText(500, 'boom'), '500: boom');
  });
});

describe('Chronos run links', () => {
  const run: TaskStat = { taskId: 'ct:1:0:j:', jobName: 'j', slaveId: 'S1', startTime: '', endTime: 'N/A', status: 'Running', executorId: 'ct:1:0:j:', frameworkId: 'F1' };

  it('sandbox path under the executor, browse link into the master UI', () => {
    assert.equal(sandboxPath(run, undefined), '/frameworks/F1/executors/ct:1:0:j:/runs/latest');
    assert.equal(sandboxPath({ ...run, frameworkId: '' }, 'F2'), '/frameworks/F2/executors/ct:1:0:j:/runs/latest');
    assert.equal(sandboxPath({ ...run, frameworkId: '' }, null), undefined);
    const root = masterUiRoot({ master: '127.0.0.1:5050', frameworkId: 'F1' });
    assert.equal(root, 'http://127.0.0.1:5050/');
    assert.equal(sandboxHref(root, run, undefined), 'http://127.0.0.1:5050/#/browse?path=%2Fframeworks%2FF1%2Fexecutors%2Fct%3A1%3A0%3Aj%3A%2Fruns%2Flatest');
    assert.match(sandboxHref(root, run, undefined, 'stdout')!, /#\/view\?path=.*%2Fruns%2Flatest%2Fstdout$/);
    assert.equal(sandboxHref(masterUiRoot({ master: null, frameworkId: null }), run, undefined), undefined);
  });
});
