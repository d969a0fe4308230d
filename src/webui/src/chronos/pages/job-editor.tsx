/**
 * Create or edit a job, by form or as JSON. Switching modes keeps every field
 * (job-form.ts). A scheduled job is sent to `POST /iso8601`, a dependent one
 * (with parents) to `POST /dependency`; Chronos's 400/500 message is shown
 * as it answered.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { EditorFrame } from '../../components/editor-frame.js';
import { useDualMode, type DualModeCodec } from '../../components/dual-mode.js';
import { ErrorNote, Loading, PageTitle } from '../../components/common.js';
import { getJson, sendJson } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import type { ChronosJob } from '../chronos-types.js';
import type { ChronosStore } from '../chronos-store.js';
import { API, emptyForm, errorText, formToJob, jobToForm, submitPath, type JobForm, type JobFormField } from '../job-form.js';
import { nextRun } from '../next-run.js';
import { NextRunText } from './chronos-widgets.js';

type Errors = Partial<Record<JobFormField, string>>;

/** A labelled input with its error (aria-describedby links them). */
/** A job and its form convert through job-form.ts. */
const JOB_CODEC: DualModeCodec<ChronosJob, JobForm> = { toDocument: (form, base) => formToJob(form, base).job, toForm: jobToForm };

function Field({ name, label, error, wide, hint, children }: { name: string; label: string; error?: string; wide?: boolean; hint?: ComponentChildren; children: ComponentChildren }) {
  return (
    <label class={wide ? 'field wide' : 'field'} data-field={name}>
      <span>{label}</span>
      {children}
      {hint && <small class="muted">{hint}</small>}
      {error && (
        <div class="field-error" id={`err-${name}`} role="alert">
          <p>{error}</p>
        </div>
      )}
    </label>
  );
}

/** The editor: `editName` edits that job, otherwise a new one is made. */
export function JobEditor({ store, editName }: { store: ChronosStore; editName?: string }) {
  const editor = useDualMode<ChronosJob, JobForm>(JOB_CODEC, () => emptyForm(Date.now()), { name: '' });
  const { mode, form, setForm, json, jsonError, base, switchTo, parsedJson } = editor;
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(!editName);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (!editName) return;
    getJson<ChronosJob>(`${API}/job/${encodeURIComponent(editName)}`)
      .then((job) => {
        editor.load(job);
        setLoaded(true);
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [editName]);

  const update = (change: Partial<JobForm>): void => setForm({ ...form, ...change });
  const value = (e: Event): string => (e.target as HTMLInputElement).value;
  const checked = (e: Event): boolean => (e.target as HTMLInputElement).checked;

  const submit = async (): Promise<void> => {
    let job: ChronosJob | undefined;
    if (mode === 'form') {
      const local = formToJob(form, base);
      if (Object.keys(local.errors).length > 0) {
        setErrors(local.errors);
        return;
      }
      job = local.job;
    } else {
      job = parsedJson();
    }
    if (!job) return;
    setBusy(true);
    setErrors({});
    try {
      const answer = await sendJson(submitPath(job), 'POST', job);
      if (answer.status < 300) {
        store.refresh();
        location.hash = href('job', { name: job.name });
        return;
      }
      setErrors({ general: `Chronos refused the job — ${errorText(answer.status, answer.body)}` });
    } catch (e) {
      setErrors({ general: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorNote>Cannot load {editName}: {loadError}</ErrorNote>;
  if (!loaded) return <Loading what="the job" />;
  const field = (name: keyof JobForm, label: string, props: { placeholder?: string; hint?: ComponentChildren; wide?: boolean; readOnly?: boolean } = {}) => (
    <Field name={name} label={label} error={errors[name]} wide={props.wide} hint={props.hint}>
      <input
        name={name}
        value={String(form[name])}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={`err-${name}`}
        onInput={(e) => update({ [name]: value(e) } as Partial<JobForm>)}
      />
    </Field>
  );
  const lines = (name: 'arguments' | 'env' | 'constraints' | 'command', label: string, placeholder: string, rows = 3, wide = false) => (
    <Field name={name} label={label} error={errors[name]} wide={wide}>
      <textarea name={name} rows={rows} value={form[name]} placeholder={placeholder} aria-invalid={errors[name] ? 'true' : undefined} onInput={(e) => update({ [name]: value(e) } as Partial<JobForm>)} />
    </Field>
  );
  const check = (name: 'shell' | 'concurrent' | 'disabled' | 'softError' | 'highPriority', label: string) => (
    <label class="toggle">
      <input type="checkbox" name={name} checked={form[name]} onChange={(e) => update({ [name]: checked(e) } as Partial<JobForm>)} /> {label}
    </label>
  );
  const preview = form.kind === 'scheduled' ? nextRun({ schedule: form.schedule, scheduleTimeZone: form.scheduleTimeZone }, Date.now()) : undefined;

  return (
    <>
      <PageTitle title={editName ? `Edit ${editName}` : 'New job'} />
      <EditorFrame mode={mode} onSwitch={switchTo} label={editName ? 'Edit job' : 'New job'} onSubmit={() => void submit()}>
        {errors.general && (
          <p class="error-note" role="alert" data-testid="submit-error">
            {errors.general}
          </p>
        )}
        {mode === 'json' ? (
          <Field name="json" label="Job JSON (with parents it goes to /dependency, else to /iso8601)" wide error={jsonError ? `Not valid JSON: ${jsonError}` : undefined}>
            <textarea
              class="json"
              name="json"
              rows={24}
              spellcheck={false}
              value={json}
              aria-invalid={jsonError ? 'true' : undefined}
              onInput={(e) => editor.editJson((e.target as HTMLTextAreaElement).value)}
            />
          </Field>
        ) : (
          <>
            <div class="form-grid">
              {field('name', 'Name', { placeholder: 'letters, digits, . _ -', readOnly: Boolean(editName) })}
              <Field name="kind" label="Runs">
                <select name="kind" value={form.kind} onChange={(e) => update({ kind: value(e) as JobForm['kind'] })}>
                  <option value="scheduled">on a schedule</option>
                  <option value="dependent">after parent jobs</option>
                </select>
              </Field>
              {form.kind === 'scheduled' ? (
                <>
                  {field('schedule', 'Schedule (ISO 8601)', {
                    placeholder: 'R/2030-01-01T00:00:00Z/PT1H',
                    hint: (
                      <>
                        R[n]/start/period — next run: {preview ? <NextRunText next={preview} now={Date.now() / 1000} /> : '—'}
                      </>
                    ),
                  })}
                  {field('scheduleTimeZone', 'Time zone', { placeholder: 'e.g. Europe/Paris (blank: the start’s offset)' })}
                </>
              ) : (
                field('parents', 'Parents', { placeholder: 'job-a, job-b' })
              )}
              {lines('command', 'Command', 'echo hello', 3, true)}
              {field('description', 'Description')}
              {field('owner', 'Owner (e-mail)')}
              {field('cpus', 'CPUs', { placeholder: 'default 0.1' })}
              {field('mem', 'Memory (MB)', { placeholder: 'default 128' })}
              {field('disk', 'Disk (MB)', { placeholder: 'default 256' })}
              {field('retries', 'Retries')}
              {field('runAsUser', 'Run as user', { placeholder: 'default: --user' })}
            </div>
            <div class="checks">
              {check('shell', 'run the command with /bin/sh -c')}
              {check('concurrent', 'allow overlapping runs')}
              {check('softError', 'failure still runs dependents')}
              {check('highPriority', 'high priority')}
              {check('disabled', 'disabled')}
            </div>
            <fieldset>
              <legend>Arguments, environment, constraints</legend>
              <div class="form-grid">
                {lines('arguments', 'Arguments (one per line)', '--verbose')}
                {lines('env', 'Environment (NAME=value per line)', 'STAGE=prod')}
                {lines('constraints', 'Constraints (attribute:OPERATOR:value per line)', 'rack:EQUALS:rack-1')}
              </div>
            </fieldset>
            <fieldset>
              <legend>Container</legend>
              <div class="form-grid">
                <Field name="containerType" label="Runtime">
                  <select name="containerType" value={form.containerType} onChange={(e) => update({ containerType: value(e) as JobForm['containerType'] })}>
                    <option value="">Mesos (no image)</option>
                    <option value="DOCKER">Docker</option>
                    <option value="MESOS">Mesos with a Docker image</option>
                  </select>
                </Field>
                <Field name="image" label="Image" error={errors.image}>
                  <input name="image" value={form.image} disabled={form.containerType === ''} placeholder="busybox" onInput={(e) => update({ image: value(e) })} />
                </Field>
              </div>
              <p class="muted">Fetch URIs, volumes, executors and other fields: JSON mode (they are kept when you switch back).</p>
            </fieldset>
          </>
        )}
        <p class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {editName ? 'Save job' : 'Create job'}
          </button>
          <a class="button" href={editName ? href('job', { name: editName }) : href('jobs')}>
            Cancel
          </a>
        </p>
      </EditorFrame>
    </>
  );
}
