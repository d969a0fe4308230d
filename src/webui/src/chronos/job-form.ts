/**
 * The create/edit form of a Chronos job and the job JSON it stands for. The
 * form shows the fields people set most; JSON mode edits everything.
 * Switching either way keeps every field: form → JSON writes the form's
 * fields over the JSON last seen (so `fetch`, `uris`, `executor`, container
 * volumes and the rest survive); JSON → form reads them back. Also says which
 * endpoint a job goes to: scheduled jobs `POST /iso8601`, dependent ones
 * (with `parents`) `POST /dependency`. Pure.
 */
import type { ChronosJob } from './chronos-types.js';

/** Everything the form shows, as typed. `parents`: names separated by commas or lines; `arguments`: one per line. */
export interface JobForm {
  kind: 'scheduled' | 'dependent';
  name: string;
  command: string;
  description: string;
  owner: string;
  /** `R[n]/<start>/<period>` (ISO 8601 repeating interval). */
  schedule: string;
  scheduleTimeZone: string;
  parents: string;
  cpus: string;
  /** MB */
  mem: string;
  /** MB */
  disk: string;
  retries: string;
  runAsUser: string;
  shell: boolean;
  concurrent: boolean;
  disabled: boolean;
  softError: boolean;
  highPriority: boolean;
  arguments: string;
  /** `NAME=value` per line → `environmentVariables`. */
  env: string;
  /** `attribute:OPERATOR:value` per line → `constraints`. */
  constraints: string;
  containerType: '' | 'DOCKER' | 'MESOS';
  image: string;
}

/** Form fields, for error placement; `general` holds errors of no one field. */
export type JobFormField = keyof JobForm | 'general';

/** Chronos's API prefix (3.x); `/scheduler` answers the same. */
export const API = '/v1/scheduler';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `R/<the next whole minute after nowMs, UTC>/P1D`: a daily job starting soon. */
export function defaultSchedule(nowMs: number): string {
  const d = new Date(Math.floor(nowMs / 60_000) * 60_000 + 60_000);
  return `R/${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:00.000Z/P1D`;
}

/** A blank form with Chronos's defaults (resources blank = the server's `--mesos_task_*` defaults). */
export function emptyForm(nowMs: number): JobForm {
  return {
    kind: 'scheduled',
    name: '',
    command: '',
    description: '',
    owner: '',
    schedule: defaultSchedule(nowMs),
    scheduleTimeZone: '',
    parents: '',
    cpus: '',
    mem: '',
    disk: '',
    retries: '2',
    runAsUser: '',
    shell: true,
    concurrent: false,
    disabled: false,
    softError: false,
    highPriority: false,
    arguments: '',
    env: '',
    constraints: '',
    containerType: '',
    image: '',
  };
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** The form view of a job (fields the form lacks stay in the JSON). */
export function jobToForm(job: ChronosJob): JobForm {
  const type = job.container?.type === 'DOCKER' || job.container?.type === 'MESOS' ? job.container.type : '';
  return {
    kind: job.parents !== undefined ? 'dependent' : 'scheduled',
    name: text(job.name),
    command: text(job.command),
    description: text(job.description),
    owner: text(job.owner),
    schedule: text(job.schedule),
    scheduleTimeZone: text(job.scheduleTimeZone),
    parents: (job.parents ?? []).join(', '),
    cpus: text(job.cpus),
    mem: text(job.mem),
    disk: text(job.disk),
    retries: text(job.retries),
    runAsUser: text(job.runAsUser),
    shell: job.shell ?? true,
    concurrent: job.concurrent ?? false,
    disabled: job.disabled ?? false,
    softError: job.softError ?? false,
    highPriority: job.highPriority ?? false,
    arguments: (job.arguments ?? []).join('\n'),
    env: (job.environmentVariables ?? []).map((v) => `${v.name}=${v.value}`).join('\n'),
    constraints: (job.constraints ?? []).map((c) => c.join(':')).join('\n'),
    containerType: type,
    image: text(job.container?.image),
  };
}

/** Job names in `parents` text: split on commas and line ends, blanks dropped, order and first occurrence kept. */
export function parseParents(value: string): string[] {
  return [...new Set(value.split(/[,\n]/).map((p) => p.trim()).filter((p) => p !== ''))];
}

function nonBlankLines(value: string): string[] {
  return value.split('\n').filter((l) => l.trim() !== '');
}

/** The result of reading the form: the job, and errors by field for what is not even a number or a line format. */
export interface JobFormResult {
  job: ChronosJob;
  errors: Partial<Record<JobFormField, string>>;
}

/**
 * The job JSON for `form` on top of `base` (the JSON last seen). Blank
 * optional fields are left out so Chronos applies its defaults; a schedule is
 * sent as typed (Chronos judges it: a bad one is its 400). Numbers that do not
 * parse and malformed lines are reported in `errors`.
 */
export function formToJob(form: JobForm, base: ChronosJob = { name: '' }): JobFormResult {
  const errors: Partial<Record<JobFormField, string>> = {};
  const job: ChronosJob = { ...base, name: form.name.trim() };
  const set = (key: string, value: unknown): void => {
    if (value === undefined) delete job[key];
    else job[key] = value;
  };
  const num = (field: JobFormField, value: string, integer = false): number | undefined => {
    if (value.trim() === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      errors[field] = `'${value}' is not ${integer ? 'a whole number' : 'a number'}`;
      return undefined;
    }
    return n;
  };
  if (job.name === '') errors.name = 'A job needs a name';
  set('command', form.command);
  set('description', form.description.trim() === '' && base.description === undefined ? undefined : form.description);
  set('owner', form.owner.trim() === '' && base.owner === undefined ? undefined : form.owner.trim());
  if (form.kind === 'dependent') {
    set('schedule', undefined);
    set('scheduleTimeZone', undefined);
    set('parents', parseParents(form.parents));
    if (parseParents(form.parents).length === 0) errors.parents = 'A dependent job needs at least one parent';
  } else {
    set('parents', undefined);
    set('schedule', form.schedule.trim());
    set('scheduleTimeZone', form.scheduleTimeZone.trim() === '' && base.scheduleTimeZone === undefined ? undefined : form.scheduleTimeZone.trim());
  }
  set('cpus', num('cpus', form.cpus));
  set('mem', num('mem', form.mem));
  set('disk', num('disk', form.disk));
  set('retries', num('retries', form.retries, true));
  set('runAsUser', form.runAsUser.trim() === '' ? (base.runAsUser === undefined ? undefined : base.runAsUser) : form.runAsUser.trim());
  set('shell', form.shell);
  set('concurrent', form.concurrent);
  set('disabled', form.disabled);
  set('softError', form.softError);
  set('highPriority', form.highPriority);
  set('arguments', nonBlankLines(form.arguments).length === 0 && base.arguments === undefined ? undefined : nonBlankLines(form.arguments));

  const env = nonBlankLines(form.env).map((line) => {
    const at = line.indexOf('=');
    if (at <= 0) errors.env = `'${line.trim()}' is not NAME=value`;
    return at <= 0 ? { name: line.trim(), value: '' } : { name: line.slice(0, at).trim(), value: line.slice(at + 1) };
  });
  set('environmentVariables', env.length === 0 && base.environmentVariables === undefined ? undefined : env);

  const constraints = nonBlankLines(form.constraints).map((line) => {
    // The value may hold ':' (a LIKE regex): split on the first two only.
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (first < 0 || second < 0) {
      errors.constraints = `'${line.trim()}' is not attribute:OPERATOR:value`;
      return [line.trim()];
    }
    return [line.slice(0, first).trim(), line.slice(first + 1, second).trim(), line.slice(second + 1)];
  });
  set('constraints', constraints.length === 0 && base.constraints === undefined ? undefined : constraints);

  if (form.containerType === '') set('container', undefined);
  else set('container', { ...(base.container ?? {}), type: form.containerType, image: form.image.trim() });
  return { job, errors };
}

/** Where a job is created or replaced: `dependency` when it has parents, else `iso8601`. */
export function submitPath(job: ChronosJob): string {
  return job.parents !== undefined ? `${API}/dependency` : `${API}/iso8601`;
}

/** The job with `disabled` set, ready to send back to `submitPath` (how Chronos's UI enables and disables). */
export function withDisabled(job: ChronosJob, disabled: boolean): ChronosJob {
  return { ...job, disabled };
}

/** Chronos's error text from an error answer (ApiResult `message`, or the raw text). */
export function errorText(status: number, body: unknown): string {
  const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return `${status}: ${message}`;
}
