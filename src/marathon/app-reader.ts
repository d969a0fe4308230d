/**
 * Reading an app JSON body into the canonical `AppSpec`: Play-JSON-style type
 * errors, Marathon's defaults, and the translation of deprecated forms
 *
 *   ports              → portDefinitions [{port}]
 *   uris               → fetch (extract for archives)
 *   docker.network     → networks (HOST → host, BRIDGE → container/bridge, USER → container)
 *   docker.portMappings→ container.portMappings (bridge: absent hostPort → 0)
 *   ipAddress          → networks [{mode: container, name}]
 *
 * Conflicts between old and new forms are recorded as rule violations (the
 * semantic rules proper live in `app-validation.ts`). Pure.
 */
import type {
  AppDefinition,
  AppVolume,
  Artifact,
  ContainerSpec,
  DockerSpec,
  EnvValue,
  HealthCheckProtocol,
  HealthCheckSpec,
  Network,
  PortDefinition,
  PortMapping,
  ReadinessCheckSpec,
  UnreachableStrategy,
  UpgradeStrategy,
} from './app-definition.js';
import { APP_DEFAULTS, HEALTH_CHECK_DEFAULTS, READINESS_CHECK_DEFAULTS } from './app-definition.js';
import { isObject, JsonReader, type JsonObject } from './json-reader.js';
import { canonicalId } from './path-id.js';
import { indexPath, keyPath, Violations } from './validation-errors.js';

/** An app definition before the server stamps `version`/`versionInfo`. */
export type AppSpec = Omit<AppDefinition, 'version' | 'versionInfo'>;

/** Context of a read. */
export interface ReadAppOptions {
  /** Group that relative ids (app id, dependencies) resolve against; default `/`. */
  base?: string;
  /** Id from the URL (`PUT /v2/apps/{id}`), winning over the body's. */
  id?: string;
  /** `--mesos_role`: the default `role`. Default `*`. */
  mesosRole?: string;
  /** `--default_network_name` for container networks given without a name. */
  defaultNetworkName?: string;
}

/** What `readApp` found: the spec (when well-typed), type errors, and deprecated-form conflicts. */
export interface ReadAppResult {
  spec: AppSpec;
  /** Non-empty → 422 "Invalid JSON". */
  typeErrors: Violations;
  /** Conflicts found while translating deprecated forms (→ 422 "Object is not valid"). */
  violations: Violations;
  /** The raw id text before canonicalisation, for id validation; undefined when missing. */
  rawId?: string;
}

const ARCHIVE = /\.(tgz|tar\.gz|tbz2|tar\.bz2|txz|tar\.xz|zip)$/;
const PROTOCOLS: readonly HealthCheckProtocol[] = ['HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'];

function readEnv(r: JsonReader, obj: JsonObject): Record<string, EnvValue> {
  const env = r.object(obj, 'env', '/');
  const out: Record<string, EnvValue> = {};
  for (const [k, v] of Object.entries(env ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else if (isObject(v) && typeof v['secret'] === 'string') out[k] = { secret: v['secret'] };
    else if (v !== null) r.errors.add(`/env/${k}`, 'error.expected.jsstring');
  }
  return out;
}

function readFetch(r: JsonReader, obj: JsonObject, violations: Violations): Artifact[] {
  const fetch = (r.objects(obj, 'fetch', '/') ?? []).map(([a, p]): Artifact => ({
    uri: r.string(a, 'uri', p) ?? '',
    extract: r.bool(a, 'extract', p) ?? true,
    executable: r.bool(a, 'executable', p) ?? false,
    cache: r.bool(a, 'cache', p) ?? false,
    ...(r.string(a, 'destPath', p) !== undefined ? { destPath: r.string(a, 'destPath', p)! } : {}),
  }));
  const uris = r.strings(obj, 'uris', '/');
  if (uris && uris.length > 0) {
    if (fetch.length > 0) violations.add('/uris', 'may not be set in conjunction with fetch');
    return uris.map((uri) => ({ uri, extract: ARCHIVE.test(uri), executable: false, cache: false }));
  }
  return fetch;
}

function readLabels(r: JsonReader, obj: JsonObject, path: string): Record<string, string> {
  return r.stringMap(obj, 'labels', path) ?? {};
}

function readPortDefinitions(r: JsonReader, obj: JsonObject, violations: Violations): PortDefinition[] | undefined {
  const defs = r.objects(obj, 'portDefinitions', '/');
  const ports = r.array(obj, 'ports', '/');
  let fromPorts: PortDefinition[] | undefined;
  if (ports) {
    fromPorts = [];
    ports.forEach((p, i) => {
      if (typeof p === 'number' && Number.isInteger(p)) fromPorts!.push({ port: p, protocol: 'tcp', labels: {} });
      else r.errors.add(indexPath('/ports', i), 'error.expected.jsnumber');
    });
  }
  const fromDefs = defs?.map(([d, p]): PortDefinition => {
    const name = r.string(d, 'name', p);
    return {
      port: r.int(d, 'port', p) ?? 0,
      protocol: r.string(d, 'protocol', p) ?? 'tcp',
      ...(name !== undefined ? { name } : {}),
      labels: readLabels(r, d, p),
    };
  });
  if (fromPorts && fromDefs) {
    const same = fromPorts.length === fromDefs.length && fromPorts.every((p, i) => p.port === fromDefs[i]!.port);
    if (!same) violations.add('/', 'You cannot specify both ports and port definitions');
    return fromDefs;
  }
  return fromDefs ?? fromPorts;
}

function readPortMappings(r: JsonReader, list: Array<[JsonObject, string]>, bridge: boolean): PortMapping[] {
  return list.map(([m, p]): PortMapping => {
    const name = r.string(m, 'name', p);
    const hostPort = r.int(m, 'hostPort', p);
    const networkNames = r.strings(m, 'networkNames', p);
    return {
      containerPort: r.int(m, 'containerPort', p) ?? 0,
      ...(hostPort !== undefined ? { hostPort } : bridge ? { hostPort: 0 } : {}),
      servicePort: r.int(m, 'servicePort', p) ?? 0,
      protocol: r.string(m, 'protocol', p) ?? 'tcp',
      ...(name !== undefined ? { name } : {}),
      labels: readLabels(r, m, p),
      ...(networkNames ? { networkNames } : {}),
    };
  });
}

function readDocker(r: JsonReader, d: JsonObject, p: string): DockerSpec {
  const pullConfig = r.object(d, 'pullConfig', p);
  return {
    image: r.string(d, 'image', p) ?? '',
    privileged: r.bool(d, 'privileged', p) ?? false,
    parameters: (r.objects(d, 'parameters', p) ?? []).map(([kv, pp]) => ({
      key: r.string(kv, 'key', pp) ?? '',
      value: r.string(kv, 'value', pp) ?? '',
    })),
    forcePullImage: r.bool(d, 'forcePullImage', p) ?? false,
    ...(pullConfig && typeof pullConfig['secret'] === 'string' ? { pullConfig: { secret: pullConfig['secret'] } } : {}),
  };
}

function readVolumes(r: JsonReader, c: JsonObject): AppVolume[] {
  return (r.objects(c, 'volumes', '/container') ?? []).map(([v, p]): AppVolume => {
    const out: AppVolume = { containerPath: r.string(v, 'containerPath', p) ?? '' };
    const hostPath = r.string(v, 'hostPath', p);
    if (hostPath !== undefined) out.hostPath = hostPath;
    const mode = r.string(v, 'mode', p);
    if (mode !== undefined) out.mode = mode as 'RO' | 'RW';
    const persistent = r.object(v, 'persistent', p);
    if (persistent) {
      const pp = keyPath(p, 'persistent');
      out.persistent = {
        type: r.string(persistent, 'type', pp) ?? 'root',
        size: r.number(persistent, 'size', pp) ?? 0,
        ...(r.number(persistent, 'maxSize', pp) !== undefined ? { maxSize: r.number(persistent, 'maxSize', pp)! } : {}),
      };
      out.mode ??= 'RW';
    }
    const external = r.object(v, 'external', p);
    if (external) out.external = external;
    const secret = r.string(v, 'secret', p);
    if (secret !== undefined) out.secret = secret;
    return out;
  });
}

/** Networks from `networks`, or translated from `docker.network` / `ipAddress`. */
function readNetworks(r: JsonReader, obj: JsonObject, docker: JsonObject | undefined, violations: Violations, opts: ReadAppOptions): Network[] {
  const given = r.objects(obj, 'networks', '/');
  const dockerNetwork = docker ? r.string(docker, 'network', '/container/docker') : undefined;
  const ipAddress = r.object(obj, 'ipAddress', '/');
  if (given && (dockerNetwork !== undefined || ipAddress)) {
    violations.add('/', dockerNetwork !== undefined ? 'must not specify both container.docker.network and networks' : 'cannot mix deprecated and canonical network APIs');
  }
  if (given) {
    return given.map(([n, p]): Network => {
      const name = r.string(n, 'name', p);
      const labels = r.stringMap(n, 'labels', p);
      const mode = (r.string(n, 'mode', p) ?? 'container') as Network['mode'];
      return {
        mode,
        ...(name !== undefined ? { name } : mode === 'container' && opts.defaultNetworkName ? { name: opts.defaultNetworkName } : {}),
        ...(labels ? { labels } : {}),
      };
    });
  }
  const ipName = ipAddress ? r.string(ipAddress, 'networkName', '/ipAddress') : undefined;
  switch (dockerNetwork) {
    case 'HOST':
      return [{ mode: 'host' }];
    case 'BRIDGE':
      return [{ mode: 'container/bridge' }];
    case 'USER': {
      const name = ipName ?? opts.defaultNetworkName;
      return [{ mode: 'container', ...(name !== undefined ? { name } : {}) }];
    }
    case 'NONE':
      violations.add('/container/docker/network', 'NONE networking is not supported');
      return [{ mode: 'host' }];
    case undefined:
      break;
    default:
      r.errors.add('/container/docker/network', 'error.unknown.enum.literal');
      return [{ mode: 'host' }];
  }
  if (ipAddress) {
    const name = ipName ?? opts.defaultNetworkName;
    return [{ mode: 'container', ...(name !== undefined ? { name } : {}) }];
  }
  return [{ mode: 'host' }];
}

function readContainer(r: JsonReader, obj: JsonObject, networks: Network[], violations: Violations): ContainerSpec | undefined {
  const c = r.object(obj, 'container', '/');
  const hostMode = networks.every((n) => n.mode === 'host');
  const bridge = networks.some((n) => n.mode === 'container/bridge');
  if (!c) {
    // Non-host networks without a container get an implicit Mesos container with one default port.
    if (hostMode) return undefined;
    return {
      type: 'MESOS',
      volumes: [],
      portMappings: [{ containerPort: 0, ...(bridge ? { hostPort: 0 } : {}), servicePort: 0, protocol: 'tcp', name: 'default', labels: {} }],
    };
  }
  const type = r.string(c, 'type', '/container') ?? 'DOCKER';
  if (type !== 'DOCKER' && type !== 'MESOS') r.errors.add('/container/type', 'error.unknown.enum.literal');
  const d = r.object(c, 'docker', '/container');
  const spec: ContainerSpec = { type: type === 'MESOS' ? 'MESOS' : 'DOCKER', volumes: readVolumes(r, c) };
  if (d) spec.docker = readDocker(r, d, '/container/docker');
  const outer = r.objects(c, 'portMappings', '/container');
  const inner = d ? r.objects(d, 'portMappings', '/container/docker') : undefined;
  if (outer && inner && inner.length > 0 && outer.length > 0) {
    violations.add('/container', 'portMappings must be given either in container or in container.docker, not both');
  }
  const mappings = outer ?? inner;
  if (mappings) spec.portMappings = readPortMappings(r, mappings, bridge);
  else if (!hostMode) spec.portMappings = [{ containerPort: 0, ...(bridge ? { hostPort: 0 } : {}), servicePort: 0, protocol: 'tcp', name: 'default', labels: {} }];
  const linuxInfo = r.object(c, 'linuxInfo', '/container');
  if (linuxInfo) spec.linuxInfo = linuxInfo;
  return spec;
}

function readHealthChecks(r: JsonReader, obj: JsonObject, hasPorts: boolean): HealthCheckSpec[] {
  return (r.objects(obj, 'healthChecks', '/') ?? []).map(([h, p]): HealthCheckSpec => {
    const protocolText = r.string(h, 'protocol', p) ?? HEALTH_CHECK_DEFAULTS.protocol;
    const protocol = (PROTOCOLS as readonly string[]).includes(protocolText) ? (protocolText as HealthCheckProtocol) : undefined;
    if (!protocol) r.errors.add(keyPath(p, 'protocol'), 'error.unknown.enum.literal');
    const port = r.int(h, 'port', p);
    let portIndex = r.int(h, 'portIndex', p);
    const network = protocol !== 'COMMAND';
    if (network && port === undefined && portIndex === undefined && hasPorts) portIndex = 0;
    const command = r.object(h, 'command', p);
    const path = r.string(h, 'path', p);
    return {
      protocol: protocol ?? 'HTTP',
      ...(protocol === 'HTTP' || protocol === 'HTTPS' || protocol === 'MESOS_HTTP' || protocol === 'MESOS_HTTPS'
        ? { path: path ?? HEALTH_CHECK_DEFAULTS.path }
        : path !== undefined
          ? { path }
          : {}),
      ...(portIndex !== undefined ? { portIndex } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(command ? { command: { value: r.string(command, 'value', keyPath(p, 'command')) ?? '' } } : {}),
      gracePeriodSeconds: r.int(h, 'gracePeriodSeconds', p) ?? HEALTH_CHECK_DEFAULTS.gracePeriodSeconds,
      intervalSeconds: r.int(h, 'intervalSeconds', p) ?? HEALTH_CHECK_DEFAULTS.intervalSeconds,
      timeoutSeconds: r.int(h, 'timeoutSeconds', p) ?? HEALTH_CHECK_DEFAULTS.timeoutSeconds,
      maxConsecutiveFailures: r.int(h, 'maxConsecutiveFailures', p) ?? HEALTH_CHECK_DEFAULTS.maxConsecutiveFailures,
      delaySeconds: r.int(h, 'delaySeconds', p) ?? HEALTH_CHECK_DEFAULTS.delaySeconds,
      ignoreHttp1xx: r.bool(h, 'ignoreHttp1xx', p) ?? HEALTH_CHECK_DEFAULTS.ignoreHttp1xx,
      ipProtocol: (r.string(h, 'ipProtocol', p) as 'IPv4' | 'IPv6' | undefined) ?? HEALTH_CHECK_DEFAULTS.ipProtocol,
    };
  });
}

function readReadinessChecks(r: JsonReader, obj: JsonObject): ReadinessCheckSpec[] {
  const d = READINESS_CHECK_DEFAULTS;
  return (r.objects(obj, 'readinessChecks', '/') ?? []).map(([c, p]) => {
    const codes = r.array(c, 'httpStatusCodesForReady', p);
    return {
      name: r.string(c, 'name', p) ?? d.name,
      protocol: (r.string(c, 'protocol', p) as 'HTTP' | 'HTTPS' | undefined) ?? d.protocol,
      path: r.string(c, 'path', p) ?? d.path,
      portName: r.string(c, 'portName', p) ?? d.portName,
      intervalSeconds: r.int(c, 'intervalSeconds', p) ?? d.intervalSeconds,
      timeoutSeconds: r.int(c, 'timeoutSeconds', p) ?? d.timeoutSeconds,
      httpStatusCodesForReady: codes ? codes.filter((x): x is number => typeof x === 'number') : [...d.httpStatusCodesForReady],
      preserveLastResponse: r.bool(c, 'preserveLastResponse', p) ?? d.preserveLastResponse,
    };
  });
}

function readConstraints(r: JsonReader, obj: JsonObject): string[][] {
  const list = r.array(obj, 'constraints', '/') ?? [];
  const out: string[][] = [];
  list.forEach((c, i) => {
    const p = indexPath('/constraints', i);
    if (!Array.isArray(c)) return void r.errors.add(p, 'error.expected.jsarray');
    if (!c.every((x) => typeof x === 'string' || x === null)) return void r.errors.add(p, 'error.expected.jsstring');
    // A trailing null value is "no value".
    const strings = c.filter((x): x is string => typeof x === 'string');
    out.push(strings);
  });
  return out;
}

function readUpgradeStrategy(r: JsonReader, obj: JsonObject, resident: boolean): UpgradeStrategy {
  const u = r.object(obj, 'upgradeStrategy', '/');
  const d = resident ? APP_DEFAULTS.residentUpgradeStrategy : APP_DEFAULTS.upgradeStrategy;
  if (!u) return { ...d };
  return {
    minimumHealthCapacity: r.number(u, 'minimumHealthCapacity', '/upgradeStrategy') ?? d.minimumHealthCapacity,
    maximumOverCapacity: r.number(u, 'maximumOverCapacity', '/upgradeStrategy') ?? d.maximumOverCapacity,
  };
}

function readUnreachableStrategy(r: JsonReader, obj: JsonObject, resident: boolean): UnreachableStrategy {
  const raw = r.raw(obj, 'unreachableStrategy');
  if (raw === 'disabled') return 'disabled';
  if (raw === undefined) return resident ? 'disabled' : { ...APP_DEFAULTS.unreachableStrategy };
  const u = r.object(obj, 'unreachableStrategy', '/');
  if (!u) return { ...APP_DEFAULTS.unreachableStrategy };
  return {
    inactiveAfterSeconds: r.int(u, 'inactiveAfterSeconds', '/unreachableStrategy') ?? APP_DEFAULTS.unreachableStrategy.inactiveAfterSeconds,
    expungeAfterSeconds: r.int(u, 'expungeAfterSeconds', '/unreachableStrategy') ?? APP_DEFAULTS.unreachableStrategy.expungeAfterSeconds,
  };
}

function readSecrets(r: JsonReader, obj: JsonObject): Record<string, { source: string }> {
  const s = r.object(obj, 'secrets', '/');
  const out: Record<string, { source: string }> = {};
  for (const [k, v] of Object.entries(s ?? {})) {
    if (isObject(v) && typeof v['source'] === 'string') out[k] = { source: v['source'] };
    else r.errors.add(`/secrets/${k}`, 'error.expected.jsobject');
  }
  return out;
}

/**
 * Reads `body` (parsed JSON) as an app definition with defaults applied.
 * Never throws: problems are in the result (see `parseApp` for the throwing form).
 */
export function readApp(body: unknown, opts: ReadAppOptions = {}): ReadAppResult {
  const r = new JsonReader();
  const violations = new Violations();
  const obj: JsonObject = isObject(body) ? body : {};
  if (!isObject(body)) r.errors.add('/', 'error.expected.jsobject');
  const base = opts.base ?? '/';

  const rawId = opts.id ?? r.string(obj, 'id', '/');
  if (rawId === undefined && isObject(body)) r.errors.add('/id', 'error.path.missing');
  const id = canonicalId(rawId ?? '', base);

  const containerRaw = r.object(obj, 'container', '/');
  const dockerRaw = containerRaw ? r.object(containerRaw, 'docker', '/container') : undefined;
  const networks = readNetworks(r, obj, dockerRaw, violations, opts);
  const hostMode = networks.every((n) => n.mode === 'host');
  const container = readContainer(r, obj, networks, violations);
  const resident = (container?.volumes ?? []).some((v) => v.persistent !== undefined);

  const givenPortDefs = readPortDefinitions(r, obj, violations);
  if (givenPortDefs && givenPortDefs.length > 0 && !hostMode) {
    violations.add('/portDefinitions', 'portDefinitions are only allowed with host-networking');
  }
  if (hostMode && container?.portMappings && container.portMappings.length > 0) {
    violations.add('/container/portMappings', 'portMappings are not allowed with host-networking');
  }
  const portDefinitions = hostMode ? (givenPortDefs ?? APP_DEFAULTS.portDefinitions.map((p) => ({ ...p, labels: {} }))) : [];
  const hasPorts = hostMode ? portDefinitions.length > 0 : (container?.portMappings ?? []).length > 0;

  const cmd = r.string(obj, 'cmd', '/');
  const args = r.strings(obj, 'args', '/');
  const user = r.string(obj, 'user', '/');
  const acceptedResourceRoles = r.strings(obj, 'acceptedResourceRoles', '/');
  const executorResources = r.object(obj, 'executorResources', '/');
  const check = r.object(obj, 'check', '/');
  const residency = r.object(obj, 'residency', '/');
  const taskKillGracePeriodSeconds = r.int(obj, 'taskKillGracePeriodSeconds', '/');
  const tty = r.bool(obj, 'tty', '/');
  const resourceLimits = r.object(obj, 'resourceLimits', '/');
  const killSelection = r.string(obj, 'killSelection', '/') ?? APP_DEFAULTS.killSelection;
  if (killSelection !== 'YOUNGEST_FIRST' && killSelection !== 'OLDEST_FIRST') r.errors.add('/killSelection', 'error.unknown.enum.literal');

  const spec: AppSpec = {
    id,
    ...(cmd !== undefined ? { cmd } : {}),
    ...(args !== undefined && (args.length > 0 || cmd === undefined) ? { args } : {}),
    ...(user !== undefined ? { user } : {}),
    env: readEnv(r, obj),
    instances: r.int(obj, 'instances', '/') ?? APP_DEFAULTS.instances,
    cpus: r.number(obj, 'cpus', '/') ?? APP_DEFAULTS.cpus,
    mem: r.number(obj, 'mem', '/') ?? APP_DEFAULTS.mem,
    disk: r.number(obj, 'disk', '/') ?? APP_DEFAULTS.disk,
    gpus: r.int(obj, 'gpus', '/') ?? APP_DEFAULTS.gpus,
    executor: r.string(obj, 'executor', '/') ?? APP_DEFAULTS.executor,
    ...(executorResources
      ? {
          executorResources: {
            cpus: r.number(executorResources, 'cpus', '/executorResources') ?? 0.1,
            mem: r.number(executorResources, 'mem', '/executorResources') ?? 32,
            disk: r.number(executorResources, 'disk', '/executorResources') ?? 10,
          },
        }
      : {}),
    constraints: readConstraints(r, obj),
    ...(acceptedResourceRoles !== undefined ? { acceptedResourceRoles } : {}),
    role: r.string(obj, 'role', '/') ?? opts.mesosRole ?? '*',
    fetch: readFetch(r, obj, violations),
    portDefinitions,
    requirePorts: hostMode ? (r.bool(obj, 'requirePorts', '/') ?? APP_DEFAULTS.requirePorts) : false,
    backoffSeconds: r.number(obj, 'backoffSeconds', '/') ?? APP_DEFAULTS.backoffSeconds,
    backoffFactor: r.number(obj, 'backoffFactor', '/') ?? APP_DEFAULTS.backoffFactor,
    maxLaunchDelaySeconds: r.number(obj, 'maxLaunchDelaySeconds', '/') ?? APP_DEFAULTS.maxLaunchDelaySeconds,
    ...(container ? { container } : {}),
    networks,
    healthChecks: readHealthChecks(r, obj, hasPorts),
    ...(check ? { check } : {}),
    readinessChecks: readReadinessChecks(r, obj),
    dependencies: (r.strings(obj, 'dependencies', '/') ?? []).map((d) => canonicalId(d, base)),
    upgradeStrategy: readUpgradeStrategy(r, obj, resident),
    labels: readLabels(r, obj, '/'),
    killSelection: killSelection === 'OLDEST_FIRST' ? 'OLDEST_FIRST' : 'YOUNGEST_FIRST',
    unreachableStrategy: readUnreachableStrategy(r, obj, resident),
    ...(residency || resident
      ? {
          residency: {
            relaunchEscalationTimeoutSeconds: (residency && r.int(residency, 'relaunchEscalationTimeoutSeconds', '/residency')) ?? 3600,
            taskLostBehavior: (residency && r.string(residency, 'taskLostBehavior', '/residency')) ?? 'WAIT_FOREVER',
          },
        }
      : {}),
    ...(taskKillGracePeriodSeconds !== undefined ? { taskKillGracePeriodSeconds } : {}),
    secrets: readSecrets(r, obj),
    ...(tty !== undefined ? { tty } : {}),
    ...(resourceLimits ? { resourceLimits: resourceLimits as AppSpec['resourceLimits'] } : {}),
  };
  if (cmd !== undefined && args !== undefined && args.length > 0) {
    violations.add('/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.");
  }
  return { spec, typeErrors: r.errors, violations, ...(rawId !== undefined ? { rawId } : {}) };
}
