/**
 * The create/edit form and the app JSON it stands for. The form edits the
 * fields people set most; JSON mode edits everything. Switching either way
 * keeps every field: form → JSON starts from the JSON last seen (so fields the
 * form does not show survive) and overwrites the form's fields; JSON → form
 * reads them back. Also maps Marathon's 422 `details[].path` to the form field
 * it concerns. Pure.
 */
import type { HealthCheck, MarathonApp, PortMapping, ValidationBody, Volume } from './marathon-types.js';

/** Text inputs, as typed (numbers stay strings until converted). */
export interface PortMappingRow {
  containerPort: string;
  hostPort: string;
  servicePort: string;
  protocol: string;
}

/** One volume row. */
export interface VolumeRow {
  containerPath: string;
  hostPath: string;
  mode: string;
}

/** One health check row. */
export interface HealthCheckRow {
  protocol: string;
  path: string;
  portIndex: string;
  gracePeriodSeconds: string;
  intervalSeconds: string;
  maxConsecutiveFailures: string;
}

/** Everything the form shows. `env`, `labels`: `KEY=value` lines; `constraints`: `field:OPERATOR[:value]` lines. */
export interface AppForm {
  id: string;
  cmd: string;
  cpus: string;
  mem: string;
  disk: string;
  instances: string;
  containerType: '' | 'DOCKER' | 'MESOS';
  image: string;
  network: 'HOST' | 'BRIDGE' | 'USER';
  portMappings: PortMappingRow[];
  env: string;
  labels: string;
  constraints: string;
  healthChecks: HealthCheckRow[];
  volumes: VolumeRow[];
}

/** Form field names, for error placement. `general` holds errors of no one field. */
export type FormField = keyof AppForm | 'general';

/** A blank form with Marathon's defaults for a new app. */
export function emptyForm(): AppForm {
  return {
    id: '',
    cmd: '',
    cpus: '1',
    mem: '128',
    disk: '0',
    instances: '1',
    containerType: '',
    image: '',
    network: 'HOST',
    portMappings: [],
    env: '',
    labels: '',
    constraints: '',
    healthChecks: [],
    volumes: [],
  };
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

function lines(record: Record<string, unknown> | undefined): string {
  return Object.entries(record ?? {})
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${v as string}`)
    .join('\n');
}

/** The form view of an app (fields the form lacks are left in the JSON). */
export function appToForm(app: MarathonApp): AppForm {
  const container = app.container ?? undefined;
  const type = container?.type === 'DOCKER' || container?.type === 'MESOS' ? container.type : '';
  const mappings: PortMapping[] = container?.portMappings ?? container?.docker?.portMappings ?? [];
  const mode = app.networks?.[0]?.mode ?? (container?.docker?.network === 'BRIDGE' ? 'container/bridge' : container?.docker?.network === 'USER' ? 'container' : 'host');
  return {
    id: text(app.id),
    cmd: text(app.cmd),
    cpus: text(app.cpus ?? 1),
    mem: text(app.mem ?? 128),
    disk: text(app.disk ?? 0),
    instances: text(app.instances ?? 1),
    containerType: type,
    image: text(container?.docker?.image),
    network: mode === 'container/bridge' ? 'BRIDGE' : mode === 'container' ? 'USER' : 'HOST',
    portMappings: mappings.map((m) => ({ containerPort: text(m.containerPort), hostPort: text(m.hostPort), servicePort: text(m.servicePort), protocol: m.protocol ?? 'tcp' })),
    env: lines(app.env),
    labels: lines(app.labels),
    constraints: (app.constraints ?? []).map((c) => c.join(':')).join('\n'),
    healthChecks: (app.healthChecks ?? []).map((h: HealthCheck) => ({
      protocol: h.protocol ?? 'HTTP',
      path: text(h.path),
      portIndex: text(h.portIndex),
      gracePeriodSeconds: text(h.gracePeriodSeconds ?? 300),
      intervalSeconds: text(h.intervalSeconds ?? 60),
      maxConsecutiveFailures: text(h.maxConsecutiveFailures ?? 3),
    })),
    volumes: (container?.volumes ?? []).map((v: Volume) => ({ containerPath: text(v.containerPath), hostPath: text(v.hostPath), mode: v.mode ?? 'RW' })),
  };
}

function parseLines(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of value.split('\n')) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at < 0) out[line.trim()] = '';
    else out[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return out;
}

/** The result of reading the form: the app, or errors by field for what is not even a number. */
export interface FormResult {
  app: MarathonApp;
  errors: Partial<Record<FormField, string>>;
}

/**
 * The app JSON for `form`, on top of `base` (the JSON last seen, so fields the
 * form does not show are kept). Empty optional fields are left out. Numbers that
 * do not parse are reported in `errors` (and left as typed, for Marathon to refuse).
 */
export function formToApp(form: AppForm, base: MarathonApp = { id: '' }): FormResult {
  const errors: Partial<Record<FormField, string>> = {};
  const num = (field: FormField, value: string, integer = false): number | undefined => {
    if (value.trim() === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      errors[field] = `'${value}' is not ${integer ? 'a whole number' : 'a number'}`;
      return undefined;
    }
    return n;
  };
  const app: MarathonApp = { ...base, id: form.id.trim() };
  const set = (key: string, value: unknown): void => {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)) {
      delete app[key];
    } else {
      app[key] = value;
    }
  };
  set('cmd', form.cmd.trim() === '' ? undefined : form.cmd);
  set('cpus', num('cpus', form.cpus));
  set('mem', num('mem', form.mem));
  set('disk', num('disk', form.disk));
  set('instances', num('instances', form.instances, true));
  set('env', parseLines(form.env));
  set('labels', parseLines(form.labels));
  set(
    'constraints',
    form.constraints
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .map((l) => l.split(':')),
  );

  const mappings = form.portMappings.map((m, i) => {
    const row: PortMapping = { protocol: m.protocol || 'tcp' };
    const n = (v: string, what: string): number | undefined => {
      if (v.trim() === '') return undefined;
      const port = Number(v);
      if (Number.isInteger(port)) return port;
      errors.portMappings = `row ${i + 1}: ${what} '${v}' is not a port number`;
      return undefined;
    };
    const containerPort = n(m.containerPort, 'container port');
    const hostPort = n(m.hostPort, 'host port');
    const servicePort = n(m.servicePort, 'service port');
    if (containerPort !== undefined) row.containerPort = containerPort;
    if (hostPort !== undefined) row.hostPort = hostPort;
    if (servicePort !== undefined) row.servicePort = servicePort;
    return row;
  });
  const volumes = form.volumes
    .filter((v) => v.containerPath !== '' || v.hostPath !== '')
    .map((v) => ({ containerPath: v.containerPath, ...(v.hostPath ? { hostPath: v.hostPath } : {}), mode: v.mode || 'RW' }));

  if (form.containerType === '') {
    if (volumes.length === 0 && mappings.length === 0) delete app.container;
    else app.container = { type: 'MESOS', ...(mappings.length ? { portMappings: mappings } : {}), ...(volumes.length ? { volumes } : {}) };
  } else {
    const previous = (base.container ?? {}) as NonNullable<MarathonApp['container']>;
    const docker = { ...(previous.docker ?? {}), image: form.image.trim() };
    delete docker.network;
    delete docker.portMappings;
    app.container = {
      ...previous,
      type: form.containerType,
      docker,
      ...(mappings.length ? { portMappings: mappings } : {}),
      ...(volumes.length ? { volumes } : {}),
    };
    if (!mappings.length) delete app.container.portMappings;
    if (!volumes.length) delete app.container.volumes;
  }
  app.networks = form.network === 'BRIDGE' ? [{ mode: 'container/bridge' }] : form.network === 'USER' ? [{ mode: 'container', ...(base.networks?.[0]?.name ? { name: base.networks[0].name } : {}) }] : [{ mode: 'host' }];
  if (form.network === 'HOST' && !base.networks) delete app.networks;

  set(
    'healthChecks',
    form.healthChecks.map((h) => {
      const check: HealthCheck = { protocol: h.protocol || 'HTTP' };
      if (h.path && /HTTP/.test(check.protocol ?? '')) check.path = h.path;
      const field = (v: string): number | undefined => num('healthChecks', v, true);
      const portIndex = field(h.portIndex);
      if (portIndex !== undefined) check.portIndex = portIndex;
      const grace = field(h.gracePeriodSeconds);
      if (grace !== undefined) check.gracePeriodSeconds = grace;
      const interval = field(h.intervalSeconds);
      if (interval !== undefined) check.intervalSeconds = interval;
      const failures = field(h.maxConsecutiveFailures);
      if (failures !== undefined) check.maxConsecutiveFailures = failures;
      return check;
    }),
  );
  return { app, errors };
}

/** Fields Marathon sets itself: left out of what the editor sends back. */
const READ_ONLY = ['version', 'versionInfo', 'tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy', 'deployments', 'tasks', 'lastTaskFailure', 'taskStats', 'readinessCheckResults'];

/** An app as the editor should start from it: without Marathon's read-only fields. */
export function editableApp(app: MarathonApp): MarathonApp {
  const copy: MarathonApp = { ...app };
  for (const key of READ_ONLY) delete copy[key];
  return copy;
}

/**
 * The form field a 422 detail path concerns: `/cpus` → cpus,
 * `/container/docker/image` → image, `/healthChecks(0)/path` → healthChecks,
 * `/` or unknown → general.
 */
export function fieldOfPath(path: string | undefined): FormField {
  const segments = (path ?? '/').split('/').filter((s) => s !== '').map((s) => s.replace(/\(\d+\)$/, ''));
  const [first, second, third] = segments;
  switch (first) {
    case 'id':
    case 'cmd':
    case 'cpus':
    case 'mem':
    case 'disk':
    case 'instances':
    case 'env':
    case 'labels':
    case 'constraints':
    case 'healthChecks':
      return first;
    case 'args':
      return 'cmd';
    case 'networks':
      return 'network';
    case 'portDefinitions':
      return 'portMappings';
    case 'container':
      if (second === 'docker' && (third === 'image' || third === undefined)) return 'image';
      if (second === 'docker' && third === 'portMappings') return 'portMappings';
      if (second === 'portMappings') return 'portMappings';
      if (second === 'volumes') return 'volumes';
      if (second === 'type') return 'containerType';
      return 'containerType';
    default:
      return 'general';
  }
}

/** Marathon's 422 details grouped by form field, each as "path: error" lines. */
export function errorsByField(body: ValidationBody | undefined): Partial<Record<FormField, string[]>> {
  const out: Partial<Record<FormField, string[]>> = {};
  for (const detail of body?.details ?? []) {
    const field = fieldOfPath(detail.path);
    for (const error of detail.errors ?? []) (out[field] ??= []).push(detail.path && detail.path !== '/' ? `${detail.path}: ${error}` : error);
  }
  if (Object.keys(out).length === 0 && body?.message) out.general = [body.message];
  return out;
}
