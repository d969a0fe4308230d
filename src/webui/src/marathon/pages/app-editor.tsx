/**
 * Create or edit an application, by form or as JSON. Switching modes keeps
 * every field (lib: app-form.ts); Marathon's 422 details are shown next to the
 * field they concern, in either mode. A 409 (app locked by a deployment)
 * offers to force.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { EditorFrame } from '../../components/editor-frame.js';
import { useDualMode, type DualModeCodec } from '../../components/dual-mode.js';
import { ErrorNote, Loading, PageTitle } from '../../components/common.js';
import { getJson, sendJson } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import {
  appToForm, editableApp, emptyForm, errorsByField, formToApp,
  type AppForm, type FormField, type HealthCheckRow, type PortMappingRow, type VolumeRow,
} from '../app-form.js';
import type { MarathonApp, ValidationBody } from '../marathon-types.js';
import type { MarathonStore } from '../marathon-store.js';

type Errors = Partial<Record<FormField, string[]>>;

/** An app and its form convert through app-form.ts. */
const APP_CODEC: DualModeCodec<MarathonApp, AppForm> = { toDocument: (form, base) => formToApp(form, base).app, toForm: appToForm };

function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <div class="field-error" id={id} role="alert">
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

/** A labelled input with its errors (aria-describedby links them). */
function Field({ name, label, errors, wide, children }: { name: string; label: string; errors?: string[]; wide?: boolean; children: ComponentChildren }) {
  return (
    <label class={wide ? 'field wide' : 'field'} data-field={name}>
      <span>{label}</span>
      {children}
      <FieldErrors id={`err-${name}`} errors={errors} />
    </label>
  );
}

/** The editor. `editId` edits that app; otherwise creates one in `group`. */
export function AppEditor({ store, editId, group = '/' }: { store: MarathonStore; editId?: string; group?: string }) {
  const editor = useDualMode<MarathonApp, AppForm>(APP_CODEC, () => ({ ...emptyForm(), id: group === '/' ? '' : `${group}/` }), { id: '' });
  const { mode, form, setForm, json, jsonError, base, switchTo } = editor;
  const [errors, setErrors] = useState<Errors>({});
  const [locked, setLocked] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(!editId);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (!editId) return;
    getJson<{ app: MarathonApp }>(`/v2/apps${editId}`)
      .then(({ app }) => {
        editor.load(editableApp(app));
        setLoaded(true);
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [editId]);

  const update = (change: Partial<AppForm>): void => setForm({ ...form, ...change });
  const value = (e: Event): string => (e.target as HTMLInputElement).value;

  /** The app as the current mode says, or undefined when the JSON does not parse. */
  const current = (): MarathonApp | undefined => {
    return mode === 'form' ? formToApp(form, base).app : editor.parsedJson();
  };

  const submit = async (force = false): Promise<void> => {
    const local = mode === 'form' ? formToApp(form, base) : undefined;
    if (local && Object.keys(local.errors).length > 0) {
      setErrors(Object.fromEntries(Object.entries(local.errors).map(([k, v]) => [k, [v]])) as Errors);
      return;
    }
    const app = local?.app ?? current();
    if (!app) return;
    setBusy(true);
    setErrors({});
    setLocked(undefined);
    try {
      const url = editId ? `/v2/apps${editId}${force ? '?force=true' : ''}` : `/v2/apps${force ? '?force=true' : ''}`;
      const answer = await sendJson(url, editId ? 'PUT' : 'POST', app);
      if (answer.status === 200 || answer.status === 201) {
        store.refresh();
        location.hash = href('app', { id: editId ?? (answer.body as MarathonApp).id ?? app.id });
        return;
      }
      const body = (typeof answer.body === 'object' ? answer.body : { message: String(answer.body ?? '') }) as ValidationBody & { details?: unknown };
      if (answer.status === 409) {
        setLocked(body.message ?? 'The app is locked by a running deployment.');
      } else if (answer.status === 422) {
        setErrors(errorsByField(body));
      } else {
        // 400 "Invalid JSON" carries details as a list of {path, errors} or as text.
        const details = typeof body.details === 'string' ? `: ${body.details}` : '';
        const byField = Array.isArray(body.details) ? errorsByField({ details: body.details }) : {};
        setErrors({ ...byField, general: [`${answer.status} ${body.message ?? ''}${details}`] });
      }
    } catch (e) {
      setErrors({ general: [(e as Error).message] });
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorNote>Cannot load {editId}: {loadError}</ErrorNote>;
  if (!loaded) return <Loading what="the application" />;
  const all = Object.entries(errors).flatMap(([, list]) => list ?? []);
  const rowsOf = <T,>(list: T[], set: (next: T[]) => void, blank: T, render: (row: T, change: (c: Partial<T>) => void, i: number) => ComponentChildren, label: string) => (
    <>
      {list.map((row, i) => (
        <div class="row-inputs" key={i} role="group" aria-label={`${label} ${i + 1}`}>
          {render(row, (c) => set(list.map((r, j) => (j === i ? { ...r, ...c } : r))), i)}
          <button type="button" onClick={() => set(list.filter((_, j) => j !== i))} aria-label={`Remove ${label} ${i + 1}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => set([...list, blank])}>
        Add {label}
      </button>
    </>
  );

  return (
    <>
      <PageTitle title={editId ? `Edit ${editId}` : 'Create application'} />
      <EditorFrame mode={mode} onSwitch={switchTo} label={editId ? 'Edit application' : 'Create application'} onSubmit={() => void submit()}>
        {errors.general && <ErrorNote>{errors.general.join(' ')}</ErrorNote>}
        {mode === 'json' ? (
          <>
            <Field name="json" label="Application JSON" wide errors={jsonError ? [`Not valid JSON: ${jsonError}`] : undefined}>
              <textarea
                class="json"
                name="json"
                spellcheck={false}
                value={json}
                aria-invalid={jsonError || all.length ? 'true' : undefined}
                onInput={(e) => editor.editJson((e.target as HTMLTextAreaElement).value)}
              />
            </Field>
            {all.length > 0 && (
              <div class="field-error" role="alert" data-testid="json-errors">
                {Object.entries(errors)
                  .filter(([k]) => k !== 'general')
                  .flatMap(([, list]) => list ?? [])
                  .map((e) => (
                    <p key={e}>{e}</p>
                  ))}
              </div>
            )}
          </>
        ) : (
          <>
            <div class="form-grid">
              <Field name="id" label="ID" errors={errors.id}>
                <input name="id" required value={form.id} placeholder="/group/app" aria-invalid={errors.id ? 'true' : undefined} aria-describedby="err-id" onInput={(e) => update({ id: value(e) })} />
              </Field>
              <Field name="cpus" label="CPUs" errors={errors.cpus}>
                <input name="cpus" inputMode="decimal" value={form.cpus} aria-invalid={errors.cpus ? 'true' : undefined} aria-describedby="err-cpus" onInput={(e) => update({ cpus: value(e) })} />
              </Field>
              <Field name="mem" label="Memory (MiB)" errors={errors.mem}>
                <input name="mem" inputMode="decimal" value={form.mem} aria-invalid={errors.mem ? 'true' : undefined} aria-describedby="err-mem" onInput={(e) => update({ mem: value(e) })} />
              </Field>
              <Field name="disk" label="Disk (MiB)" errors={errors.disk}>
                <input name="disk" inputMode="decimal" value={form.disk} aria-invalid={errors.disk ? 'true' : undefined} aria-describedby="err-disk" onInput={(e) => update({ disk: value(e) })} />
              </Field>
              <Field name="instances" label="Instances" errors={errors.instances}>
                <input name="instances" inputMode="numeric" value={form.instances} aria-invalid={errors.instances ? 'true' : undefined} aria-describedby="err-instances" onInput={(e) => update({ instances: value(e) })} />
              </Field>
              <Field name="cmd" label="Command" wide errors={errors.cmd}>
                <textarea name="cmd" rows={3} value={form.cmd} aria-invalid={errors.cmd ? 'true' : undefined} aria-describedby="err-cmd" onInput={(e) => update({ cmd: value(e) })} />
              </Field>
            </div>
            <fieldset>
              <legend>Container</legend>
              <div class="form-grid">
                <Field name="containerType" label="Runtime" errors={errors.containerType}>
                  <select name="containerType" value={form.containerType} onChange={(e) => update({ containerType: value(e) as AppForm['containerType'] })}>
                    <option value="">Mesos (no image)</option>
                    <option value="DOCKER">Docker</option>
                    <option value="MESOS">Mesos with a Docker image</option>
                  </select>
                </Field>
                <Field name="image" label="Image" errors={errors.image}>
                  <input name="image" value={form.image} disabled={form.containerType === ''} placeholder="nginx:1.25" aria-invalid={errors.image ? 'true' : undefined} aria-describedby="err-image" onInput={(e) => update({ image: value(e) })} />
                </Field>
                <Field name="network" label="Network" errors={errors.network}>
                  <select name="network" value={form.network} onChange={(e) => update({ network: value(e) as AppForm['network'] })}>
                    <option value="HOST">Host</option>
                    <option value="BRIDGE">Bridge</option>
                    <option value="USER">Container network</option>
                  </select>
                </Field>
              </div>
              <p class="field" data-field="portMappings">
                <span>Port mappings</span>
              </p>
              {rowsOf<PortMappingRow>(
                form.portMappings,
                (portMappings) => update({ portMappings }),
                { containerPort: '', hostPort: '0', servicePort: '0', protocol: 'tcp' },
                (row, change) => (
                  <>
                    <input aria-label="Container port" placeholder="container port" value={row.containerPort} onInput={(e) => change({ containerPort: value(e) })} />
                    <input aria-label="Host port" placeholder="host port" value={row.hostPort} onInput={(e) => change({ hostPort: value(e) })} />
                    <input aria-label="Service port" placeholder="service port" value={row.servicePort} onInput={(e) => change({ servicePort: value(e) })} />
                    <select aria-label="Protocol" value={row.protocol} onChange={(e) => change({ protocol: value(e) })}>
                      <option value="tcp">tcp</option>
                      <option value="udp">udp</option>
                      <option value="udp,tcp">udp,tcp</option>
                    </select>
                  </>
                ),
                'port mapping',
              )}
              <FieldErrors id="err-portMappings" errors={errors.portMappings} />
              <p class="field" data-field="volumes">
                <span>Volumes</span>
              </p>
              {rowsOf<VolumeRow>(
                form.volumes,
                (volumes) => update({ volumes }),
                { containerPath: '', hostPath: '', mode: 'RW' },
                (row, change) => (
                  <>
                    <input aria-label="Container path" placeholder="container path" value={row.containerPath} onInput={(e) => change({ containerPath: value(e) })} />
                    <input aria-label="Host path" placeholder="host path" value={row.hostPath} onInput={(e) => change({ hostPath: value(e) })} />
                    <select aria-label="Mode" value={row.mode} onChange={(e) => change({ mode: value(e) })}>
                      <option value="RW">RW</option>
                      <option value="RO">RO</option>
                    </select>
                  </>
                ),
                'volume',
              )}
              <FieldErrors id="err-volumes" errors={errors.volumes} />
            </fieldset>
            <fieldset>
              <legend>Environment, labels, constraints</legend>
              <div class="form-grid">
                <Field name="env" label="Environment (KEY=value per line)" errors={errors.env}>
                  <textarea name="env" rows={4} value={form.env} onInput={(e) => update({ env: value(e) })} />
                </Field>
                <Field name="labels" label="Labels (KEY=value per line)" errors={errors.labels}>
                  <textarea name="labels" rows={4} value={form.labels} onInput={(e) => update({ labels: value(e) })} />
                </Field>
                <Field name="constraints" label="Constraints (field:OPERATOR[:value] per line)" errors={errors.constraints}>
                  <textarea name="constraints" rows={4} value={form.constraints} placeholder="hostname:UNIQUE" onInput={(e) => update({ constraints: value(e) })} />
                </Field>
              </div>
            </fieldset>
            <fieldset>
              <legend>Health checks</legend>
              {rowsOf<HealthCheckRow>(
                form.healthChecks,
                (healthChecks) => update({ healthChecks }),
                { protocol: 'HTTP', path: '/', portIndex: '0', gracePeriodSeconds: '300', intervalSeconds: '60', maxConsecutiveFailures: '3' },
                (row, change) => (
                  <>
                    <select aria-label="Protocol" value={row.protocol} onChange={(e) => change({ protocol: value(e) })}>
                      {['HTTP', 'HTTPS', 'TCP', 'MESOS_HTTP', 'MESOS_TCP'].map((p) => (
                        <option key={p} value={p}>
                          {p}
                        </option>
                      ))}
                    </select>
                    <input aria-label="Path" placeholder="path" value={row.path} onInput={(e) => change({ path: value(e) })} />
                    <input aria-label="Port index" placeholder="port index" value={row.portIndex} onInput={(e) => change({ portIndex: value(e) })} />
                    <input aria-label="Grace period (s)" placeholder="grace s" value={row.gracePeriodSeconds} onInput={(e) => change({ gracePeriodSeconds: value(e) })} />
                    <input aria-label="Interval (s)" placeholder="interval s" value={row.intervalSeconds} onInput={(e) => change({ intervalSeconds: value(e) })} />
                    <input aria-label="Max consecutive failures" placeholder="max failures" value={row.maxConsecutiveFailures} onInput={(e) => change({ maxConsecutiveFailures: value(e) })} />
                  </>
                ),
                'health check',
              )}
              <FieldErrors id="err-healthChecks" errors={errors.healthChecks} />
            </fieldset>
          </>
        )}
        {locked && (
          <div class="error-note" role="alert">
            {locked}{' '}
            <button type="button" class="danger" onClick={() => void submit(true)}>
              Force the change
            </button>
          </div>
        )}
        <p class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {editId ? 'Change and deploy' : 'Create application'}
          </button>
          <a class="button" href={editId ? href('app', { id: editId }) : href('apps')}>
            Cancel
          </a>
        </p>
      </EditorFrame>
    </>
  );
}
