/**
 * Environment variables Marathon gives an app's tasks (§6.9 of the
 * reference): PORT0…, PORT, PORTS, PORT_<n>, PORT_<NAME>, HOST, MESOS_TASK_ID,
 * MARATHON_APP_ID, MARATHON_APP_VERSION, MARATHON_APP_DOCKER_IMAGE,
 * MARATHON_APP_RESOURCE_*, MARATHON_APP_LABELS, MARATHON_APP_LABEL_<K>, then
 * the app's own `env` (which wins). Pure.
 */
import type { AppDefinition } from './app-definition.js';
import { isHostNetworking } from './app-definition.js';

/** Where a task runs: agent hostname, its task id, and host ports by port index. */
export interface TaskPlacement {
  host: string;
  taskId: string;
  hostPorts: ReadonlyArray<number | undefined>;
}

/** A label key as an env var suffix: runs of chars outside `[a-zA-Z0-9_]` → `_`, upper-cased. */
export function sanitizeLabelKey(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]+/g, '_').toUpperCase();
}

/** Java's `Double.toString` for the values Marathon prints (`1` → `1.0`). */
function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

interface PortInfo {
  /** Effective port for PORTn: the host port, or the container port when the mapping has none. */
  effective: number | undefined;
  /** The port number the app asked for (definition port / containerPort), 0 when dynamic. */
  requested: number;
  name?: string;
}

function portInfos(app: AppDefinition, placement: TaskPlacement): PortInfo[] {
  if (isHostNetworking(app)) {
    return app.portDefinitions.map((d, i) => ({
      effective: placement.hostPorts[i],
      requested: app.requirePorts ? d.port : 0,
      ...(d.name !== undefined ? { name: d.name } : {}),
    }));
  }
  return (app.container?.portMappings ?? []).map((m, i) => {
    const host = placement.hostPorts[i];
    const containerPort = m.containerPort === 0 && host !== undefined ? host : m.containerPort;
    return { effective: host ?? containerPort, requested: m.containerPort, ...(m.name !== undefined ? { name: m.name } : {}) };
  });
}

/**
 * The task's environment. `prefix` is `--env_vars_prefix` (applies to PORT*
 * and HOST only). Labels with a key of 493+ chars or a value of 512+ chars are
 * skipped, as Marathon does.
 */
export function taskEnvironment(app: AppDefinition, placement: TaskPlacement, prefix = ''): Record<string, string> {
  const env: Record<string, string> = {};
  const ports = portInfos(app, placement);
  const effective = ports.map((p) => p.effective).filter((p): p is number => p !== undefined);
  ports.forEach((p, i) => {
    if (p.effective === undefined) return;
    env[`${prefix}PORT${i}`] = String(p.effective);
    const number = p.requested !== 0 ? p.requested : p.effective;
    env[`${prefix}PORT_${number}`] = String(p.effective);
    if (p.name !== undefined) env[`${prefix}PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.effective);
  });
  if (effective.length > 0) {
    env[`${prefix}PORT`] = String(effective[0]);
    env[`${prefix}PORTS`] = effective.join(',');
  }
  env[`${prefix}HOST`] = placement.host;
  env['MESOS_TASK_ID'] = placement.taskId;
  env['MARATHON_APP_ID'] = app.id;
  env['MARATHON_APP_VERSION'] = app.version;
  if (app.container?.docker?.image) env['MARATHON_APP_DOCKER_IMAGE'] = app.container.docker.image;
  env['MARATHON_APP_RESOURCE_CPUS'] = javaDouble(app.cpus);
  env['MARATHON_APP_RESOURCE_MEM'] = javaDouble(app.mem);
  env['MARATHON_APP_RESOURCE_DISK'] = javaDouble(app.disk);
  env['MARATHON_APP_RESOURCE_GPUS'] = String(app.gpus);
  const labelKeys: string[] = [];
  for (const [key, value] of Object.entries(app.labels)) {
    if (key.length >= 493 || value.length >= 512) continue;
    const safe = sanitizeLabelKey(key);
    labelKeys.push(safe);
    env[`MARATHON_APP_LABEL_${safe}`] = value;
  }
  env['MARATHON_APP_LABELS'] = labelKeys.join(' ');
  for (const [name, value] of Object.entries(app.env)) {
    // Secret references are delivered by Mesos, not as literals.
    if (typeof value === 'string') env[name] = value;
  }
  return env;
}
