/**
 * The Marathon app definition (`AppDefinition`, 1.5+ canonical shape) with
 * Marathon's defaults. Deprecated input forms (`ports`, `uris`,
 * `container.docker.network`, `container.docker.portMappings`, `ipAddress`)
 * are translated into this shape by `app-reader.ts`; responses are rendered
 * by `app-json.ts`. Units: cpus (fractional cores), mem/disk in MiB, seconds.
 */

/** `portDefinitions[]` entry (host networking). `port` is the service port (0 = allocate). */
export interface PortDefinition {
  port: number;
  protocol: string;
  name?: string;
  labels: Record<string, string>;
}

/** `container.portMappings[]` entry (bridge/container networking). */
export interface PortMapping {
  containerPort: number;
  /** Absent = no host port (container mode); 0 = any offered port. */
  hostPort?: number;
  servicePort: number;
  protocol: string;
  name?: string;
  labels: Record<string, string>;
  networkNames?: string[];
}

/** `networks[]` entry. */
export interface Network {
  mode: 'host' | 'container' | 'container/bridge';
  name?: string;
  labels?: Record<string, string>;
}

/** `container.docker`. */
export interface DockerSpec {
  image: string;
  privileged: boolean;
  parameters: Array<{ key: string; value: string }>;
  forcePullImage: boolean;
  pullConfig?: { secret: string };
}

/** `container.volumes[]` entry: host, persistent, external or secret volume (fields kept as given). */
export interface AppVolume {
  containerPath: string;
  hostPath?: string;
  mode?: 'RO' | 'RW';
  persistent?: { type?: string; size: number; maxSize?: number; profileName?: string; constraints?: string[][] };
  external?: Record<string, unknown>;
  secret?: string;
}

/** `container`. */
export interface ContainerSpec {
  type: 'DOCKER' | 'MESOS';
  docker?: DockerSpec;
  volumes: AppVolume[];
  portMappings?: PortMapping[];
  linuxInfo?: Record<string, unknown>;
}

/** Health check protocols; the first three run in Marathon, the rest on the agent. */
export type HealthCheckProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND' | 'MESOS_HTTP' | 'MESOS_HTTPS' | 'MESOS_TCP';

/** `healthChecks[]` entry with defaults applied. */
export interface HealthCheckSpec {
  protocol: HealthCheckProtocol;
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value: string };
  gracePeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  maxConsecutiveFailures: number;
  delaySeconds: number;
  ignoreHttp1xx: boolean;
  ipProtocol: 'IPv4' | 'IPv6';
}

/** `readinessChecks[]` entry with defaults applied. */
export interface ReadinessCheckSpec {
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  path: string;
  portName: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  httpStatusCodesForReady: number[];
  preserveLastResponse: boolean;
}

/** `fetch[]` entry. */
export interface Artifact {
  uri: string;
  extract: boolean;
  executable: boolean;
  cache: boolean;
  destPath?: string;
}

/** `upgradeStrategy`: fractions of `instances` in [0, 1]. */
export interface UpgradeStrategy {
  minimumHealthCapacity: number;
  maximumOverCapacity: number;
}

/** `unreachableStrategy`. */
export type UnreachableStrategy = 'disabled' | { inactiveAfterSeconds: number; expungeAfterSeconds: number };

/** An `env` value: a literal or a secret reference. */
export type EnvValue = string | { secret: string };

/** `versionInfo`: timestamps (ISO 8601) of the last change and of the last non-scaling change. */
export interface VersionInfo {
  lastScalingAt: string;
  lastConfigChangeAt: string;
}

/** A complete app definition with every default filled in (the stored form). */
export interface AppDefinition {
  id: string;
  cmd?: string;
  args?: string[];
  user?: string;
  env: Record<string, EnvValue>;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  executor: string;
  executorResources?: { cpus: number; mem: number; disk: number };
  constraints: string[][];
  acceptedResourceRoles?: string[];
  role: string;
  fetch: Artifact[];
  portDefinitions: PortDefinition[];
  requirePorts: boolean;
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
  container?: ContainerSpec;
  networks: Network[];
  healthChecks: HealthCheckSpec[];
  check?: Record<string, unknown>;
  readinessChecks: ReadinessCheckSpec[];
  dependencies: string[];
  upgradeStrategy: UpgradeStrategy;
  labels: Record<string, string>;
  killSelection: 'YOUNGEST_FIRST' | 'OLDEST_FIRST';
  unreachableStrategy: UnreachableStrategy;
  residency?: { relaunchEscalationTimeoutSeconds: number; taskLostBehavior: string };
  taskKillGracePeriodSeconds?: number;
  secrets: Record<string, { source: string }>;
  tty?: boolean;
  resourceLimits?: { cpus?: number | 'unlimited'; mem?: number | 'unlimited' };
  /** Set by the server when stored: ISO 8601 with milliseconds. */
  version: string;
  versionInfo: VersionInfo;
}

/** Marathon's defaults for top-level fields (1.8+ values). */
export const APP_DEFAULTS = {
  instances: 1,
  cpus: 1,
  mem: 128,
  disk: 0,
  gpus: 0,
  executor: '',
  requirePorts: false,
  backoffSeconds: 1,
  backoffFactor: 1.15,
  maxLaunchDelaySeconds: 300,
  killSelection: 'YOUNGEST_FIRST',
  upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
  /** With persistent or external volumes. */
  residentUpgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
  unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
  /** `portDefinitions` when absent under host networking. */
  portDefinitions: [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }],
} as const;

/** Health check defaults (seconds). */
export const HEALTH_CHECK_DEFAULTS = {
  protocol: 'HTTP',
  path: '/',
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  delaySeconds: 15,
  ignoreHttp1xx: false,
  ipProtocol: 'IPv4',
} as const;

/** Readiness check defaults (seconds). */
export const READINESS_CHECK_DEFAULTS = {
  name: 'readinessCheck',
  protocol: 'HTTP',
  path: '/',
  portName: 'http-api',
  intervalSeconds: 30,
  timeoutSeconds: 10,
  httpStatusCodesForReady: [200],
  preserveLastResponse: false,
} as const;

/** Service port range (`--local_port_min`, `--local_port_max`). */
export const SERVICE_PORT_RANGE = { min: 10000, max: 20000 } as const;

/** True for apps with persistent (local) volumes: resident apps. */
export function isResident(app: Pick<AppDefinition, 'container'>): boolean {
  return (app.container?.volumes ?? []).some((v) => v.persistent !== undefined);
}

/** True when the app uses host networking (portDefinitions rather than portMappings). */
export function isHostNetworking(app: Pick<AppDefinition, 'networks'>): boolean {
  return app.networks.length === 0 || app.networks.every((n) => n.mode === 'host');
}

/** True for health checks Marathon runs itself (HTTP, HTTPS, TCP); the others run on the agent. */
export function isMarathonHealthCheck(check: Pick<HealthCheckSpec, 'protocol'>): boolean {
  return check.protocol === 'HTTP' || check.protocol === 'HTTPS' || check.protocol === 'TCP';
}

/**
 * Service ports of an app, in port order: `portDefinitions[].port` under host
 * networking, else `container.portMappings[].servicePort`.
 */
export function servicePortsOf(app: Pick<AppDefinition, 'networks' | 'portDefinitions' | 'container'>): number[] {
  return isHostNetworking(app)
    ? app.portDefinitions.map((p) => p.port)
    : (app.container?.portMappings ?? []).map((p) => p.servicePort);
}
