/**
 * Marathon's rules for an app definition (its accord validators), applied to
 * the canonical spec produced by `app-reader.ts`, plus `parseApp`, the one
 * entry point the REST layer uses: body in, valid spec out or a
 * `MarathonValidationError` (422) thrown. Pure.
 */
import { isHostNetworking, isMarathonHealthCheck, isResident } from './app-definition.js';
import { readApp, type AppSpec, type ReadAppOptions } from './app-reader.js';
import { constraintErrors } from './constraints.js';
import { pathIdErrors } from './path-id.js';
import { indexPath, keyPath, MarathonValidationError, scalaDouble, Violations } from './validation-errors.js';

/** Validation context: enabled `--enable_features`. */
export interface ValidateAppOptions {
  features?: ReadonlySet<string>;
}

const EXECUTOR = /^(?:\/\/cmd|\/?[^/]+(?:\/[^/]+)*|)$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NETWORK_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
const PROTOCOL = /^(tcp|udp|udp,tcp|tcp,udp)$/;

function atLeast(v: Violations, path: string, value: number, min: number): void {
  if (value < min) v.add(path, `got ${scalaDouble(value)}, expected ${scalaDouble(min)} or more`);
}

function between(v: Violations, path: string, value: number, min: number, max: number): void {
  if (value < min || value > max) v.add(path, `got ${scalaDouble(value)}, expected between ${scalaDouble(min)} and ${scalaDouble(max)}`);
}

function validPort(v: Violations, path: string, port: number | undefined): void {
  if (port !== undefined && (port < 0 || port > 65535)) v.add(path, `got ${port}, expected between 0 and 65535`);
}

function roleProblem(role: string): string | undefined {
  if (role === '' || role === '.' || role === '..' || role.startsWith('-') || /[\s/\\\x7f]/.test(role)) {
    return `'${role}' is not a valid role name`;
  }
  return undefined;
}

function validatePorts(spec: AppSpec, v: Violations): void {
  const defs = spec.portDefinitions;
  defs.forEach((d, i) => {
    const p = indexPath('/portDefinitions', i);
    validPort(v, keyPath(p, 'port'), d.port);
    if (d.name !== undefined && !PORT_NAME.test(d.name)) v.add(keyPath(p, 'name'), `must fully match regular expression '${PORT_NAME.source}'`);
    if (!PROTOCOL.test(d.protocol)) v.add(keyPath(p, 'protocol'), 'is not one of (tcp,udp,udp,tcp)');
  });
  const nonZero = defs.map((d) => d.port).filter((p) => p !== 0);
  if (new Set(nonZero).size !== nonZero.length) v.add('/portDefinitions', 'Ports must be unique.');
  const names = defs.map((d) => d.name).filter((n): n is string => n !== undefined);
  if (new Set(names).size !== names.length) v.add('/portDefinitions', 'Port names must be unique.');

  const mappings = spec.container?.portMappings ?? [];
  mappings.forEach((m, i) => {
    const p = indexPath('/container/portMappings', i);
    validPort(v, keyPath(p, 'containerPort'), m.containerPort);
    validPort(v, keyPath(p, 'hostPort'), m.hostPort);
    validPort(v, keyPath(p, 'servicePort'), m.servicePort);
    if (m.name !== undefined && !PORT_NAME.test(m.name)) v.add(keyPath(p, 'name'), `must fully match regular expression '${PORT_NAME.source}'`);
    if (!PROTOCOL.test(m.protocol)) v.add(keyPath(p, 'protocol'), 'is not one of (tcp,udp,udp,tcp)');
  });
  const mappingNames = mappings.map((m) => m.name).filter((n): n is string => n !== undefined);
  if (new Set(mappingNames).size !== mappingNames.length) v.add('/container/portMappings', 'Port names must be unique.');
}

function validateNetworks(spec: AppSpec, v: Violations): void {
  const modes = new Set(spec.networks.map((n) => n.mode));
  if (modes.size > 1) v.add('/networks', 'Networks must not mix modes: one host network, one container/bridge network, or container networks');
  if ((modes.has('host') || modes.has('container/bridge')) && spec.networks.length > 1) {
    v.add('/networks', 'host and container/bridge networking allow exactly one network');
  }
  spec.networks.forEach((n, i) => {
    const p = indexPath('/networks', i);
    if (n.mode !== 'container' && n.name !== undefined) v.add(keyPath(p, 'name'), `must be empty for ${n.mode} networking`);
    if (n.mode === 'container') {
      if (n.name === undefined) v.add(keyPath(p, 'name'), 'container networks need a name (or --default_network_name)');
      else if (!NETWORK_NAME.test(n.name) || n.name.length > 63) v.add(keyPath(p, 'name'), `must fully match regular expression '${NETWORK_NAME.source}'`);
    }
  });
  if (spec.container?.type === 'DOCKER' && spec.networks.filter((n) => n.mode === 'container').length > 1) {
    v.add('/networks', 'Docker containers allow at most one container network');
  }
}

function validateContainer(spec: AppSpec, v: Violations, features: ReadonlySet<string>): void {
  const c = spec.container;
  if (!c) return;
  if (c.docker) {
    if (c.docker.image === '') v.add('/container/docker/image', 'must not be empty');
    c.docker.parameters.forEach((kv, i) => {
      if (kv.key === '') v.add(keyPath(indexPath('/container/docker/parameters', i), 'key'), 'must not be empty');
    });
    if (c.type === 'MESOS' && (c.docker.privileged || c.docker.parameters.length > 0)) {
      v.add('/container/docker', 'privileged and parameters are only supported by the Docker containerizer');
    }
    if (c.type === 'DOCKER' && c.docker.pullConfig) v.add('/container/docker/pullConfig', 'pullConfig is not supported with Docker containerizer');
  } else if (c.type === 'DOCKER') {
    v.add('/container/docker', 'must not be empty');
  }
  c.volumes.forEach((vol, i) => {
    const p = indexPath('/container/volumes', i);
    if (vol.containerPath === '') v.add(keyPath(p, 'containerPath'), 'must not be empty');
    if (vol.mode !== undefined && vol.mode !== 'RO' && vol.mode !== 'RW') v.add(keyPath(p, 'mode'), 'is not one of (RO,RW)');
    const kinds = [vol.hostPath !== undefined, vol.persistent !== undefined, vol.external !== undefined, vol.secret !== undefined].filter(Boolean).length;
    if (kinds !== 1) v.add(p, 'must be exactly one of a host, persistent, external or secret volume');
    if (vol.hostPath !== undefined && vol.hostPath === '') v.add(keyPath(p, 'hostPath'), 'must not be empty');
    if (vol.persistent) {
      if (!(vol.persistent.size > 0)) v.add(keyPath(keyPath(p, 'persistent'), 'size'), `got ${vol.persistent.size}, expected more than 0`);
      if (vol.containerPath.includes('/') || vol.containerPath === '.' || vol.containerPath === '..') {
        v.add(keyPath(p, 'containerPath'), 'value must not contain "/", and must not be "." or ".."');
      }
    }
    if (vol.external && !features.has('external_volumes')) v.add(keyPath(p, 'external'), 'Feature external_volumes is not enabled. Enable with --enable_features external_volumes)');
    if (vol.secret !== undefined && !(vol.secret in spec.secrets)) v.add(keyPath(p, 'secret'), 'references an undefined secret');
  });
}

function validateHealthChecks(spec: AppSpec, v: Violations): void {
  const portCount = isHostNetworking(spec) ? spec.portDefinitions.length : (spec.container?.portMappings ?? []).length;
  let mesosChecks = 0;
  spec.healthChecks.forEach((h, i) => {
    const p = indexPath('/healthChecks', i);
    if (!isMarathonHealthCheck(h) && h.protocol !== 'COMMAND') mesosChecks++;
    if (h.protocol === 'COMMAND') {
      mesosChecks++;
      if (!h.command || h.command.value === '') v.add(keyPath(p, 'command'), 'Command must be set for COMMAND health checks');
    } else if (h.port === undefined) {
      if (h.portIndex === undefined) v.add(p, 'Health check port indices must address an element of the ports array or container port mappings.');
      else if (h.portIndex < 0 || h.portIndex >= portCount) {
        v.add(keyPath(p, 'portIndex'), 'Health check port indices must address an element of the ports array or container port mappings.');
      }
    } else validPort(v, keyPath(p, 'port'), h.port);
    for (const key of ['gracePeriodSeconds', 'intervalSeconds', 'timeoutSeconds', 'maxConsecutiveFailures', 'delaySeconds'] as const) {
      atLeast(v, keyPath(p, key), h[key], 0);
    }
    if (h.intervalSeconds < 1) v.add(keyPath(p, 'intervalSeconds'), `got ${h.intervalSeconds}, expected 1 or more`);
    if (h.timeoutSeconds < 1) v.add(keyPath(p, 'timeoutSeconds'), `got ${h.timeoutSeconds}, expected 1 or more`);
  });
  if (mesosChecks > 1) v.add('/healthChecks', 'AppDefinition can contain at most one Mesos health check.');
}

function validateReadiness(spec: AppSpec, v: Violations): void {
  if (spec.readinessChecks.length > 1) v.add('/readinessChecks', 'Only one readiness check is allowed');
  const portNames = isHostNetworking(spec) ? spec.portDefinitions.map((p) => p.name) : (spec.container?.portMappings ?? []).map((p) => p.name);
  spec.readinessChecks.forEach((r, i) => {
    const p = indexPath('/readinessChecks', i);
    if (!portNames.includes(r.portName)) v.add(p, `No port definition reference for portName ${r.portName}`);
    if (r.path === '' || r.path.length > 1024) v.add(keyPath(p, 'path'), 'must have between 1 and 1024 characters');
    if (r.timeoutSeconds < 1 || r.timeoutSeconds >= r.intervalSeconds) v.add(keyPath(p, 'timeoutSeconds'), 'must be at least 1 and less than intervalSeconds');
    if (r.httpStatusCodesForReady.some((c) => c < 100 || c > 999)) v.add(keyPath(p, 'httpStatusCodesForReady'), 'must be HTTP status codes between 100 and 999');
  });
}

/** Every rule violation of `spec` (`rawId` = the id text as given, checked for path syntax). */
export function validateApp(spec: AppSpec, rawId: string | undefined, opts: ValidateAppOptions = {}): Violations {
  const v = new Violations();
  const features = opts.features ?? new Set<string>();
  if (rawId !== undefined) for (const e of pathIdErrors(rawId)) v.add('/id', e);

  const hasCommand = spec.cmd !== undefined || (spec.args !== undefined && spec.args.length > 0);
  const hasContainer = spec.container !== undefined && (spec.container.docker !== undefined || spec.container.type === 'MESOS');
  if (!hasCommand && !hasContainer) v.add('/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.");
  if (spec.cmd !== undefined && spec.cmd.length < 1) v.add('/cmd', 'must not be empty');

  atLeast(v, '/instances', spec.instances, 0);
  atLeast(v, '/cpus', spec.cpus, 0);
  atLeast(v, '/mem', spec.mem, 0);
  atLeast(v, '/disk', spec.disk, 0);
  atLeast(v, '/gpus', spec.gpus, 0);
  if (spec.gpus > 0 && !features.has('gpu_resources')) v.add('/gpus', 'Feature gpu_resources is not enabled. Enable with --enable_features gpu_resources)');
  if (spec.gpus > 0 && spec.container?.type === 'DOCKER') v.add('/gpus', 'GPU resources only work with the Mesos containerizer');
  atLeast(v, '/backoffSeconds', spec.backoffSeconds, 0);
  atLeast(v, '/backoffFactor', spec.backoffFactor, 1);
  atLeast(v, '/maxLaunchDelaySeconds', spec.maxLaunchDelaySeconds, 0);
  if (spec.taskKillGracePeriodSeconds !== undefined) atLeast(v, '/taskKillGracePeriodSeconds', spec.taskKillGracePeriodSeconds, 0);
  if (!EXECUTOR.test(spec.executor)) {
    v.add('/executor', `must fully match regular expression '^(//cmd)|(/?[^/]+(/[^/]+)*)|$'`);
  }
  if (spec.executorResources) {
    atLeast(v, '/executorResources/cpus', spec.executorResources.cpus, 0.1);
    atLeast(v, '/executorResources/mem', spec.executorResources.mem, 32);
    atLeast(v, '/executorResources/disk', spec.executorResources.disk, 10);
  }

  spec.constraints.forEach((c, i) => {
    for (const e of constraintErrors(c)) v.add(indexPath('/constraints', i), e);
  });

  if (spec.acceptedResourceRoles !== undefined) {
    const roles = spec.acceptedResourceRoles;
    if (roles.length === 0) v.add('/acceptedResourceRoles', 'must not be empty');
    if (new Set(roles).size !== roles.length) v.add('/acceptedResourceRoles', 'must contain unique roles');
    for (const role of roles) {
      const bad = roleProblem(role);
      if (bad) v.add('/acceptedResourceRoles', bad);
    }
    if (isResident(spec) && !(roles.length === 1 && roles[0] === '*')) {
      v.add('/acceptedResourceRoles', 'Resident apps may not define acceptedResourceRoles other than "*" (unreserved resources)');
    }
  }
  const badRole = roleProblem(spec.role);
  if (badRole) v.add('/role', badRole);

  spec.fetch.forEach((a, i) => {
    if (a.uri.length < 1 || a.uri.length > 1024) v.add(keyPath(indexPath('/fetch', i), 'uri'), 'must have between 1 and 1024 characters');
  });

  validatePorts(spec, v);
  validateNetworks(spec, v);
  validateContainer(spec, v, features);
  validateHealthChecks(spec, v);
  validateReadiness(spec, v);

  spec.dependencies.forEach((d, i) => {
    for (const e of pathIdErrors(d)) v.add(indexPath('/dependencies', i), e);
  });
  if (new Set(spec.dependencies).size !== spec.dependencies.length) v.add('/dependencies', 'must contain unique paths');

  between(v, '/upgradeStrategy/minimumHealthCapacity', spec.upgradeStrategy.minimumHealthCapacity, 0, 1);
  between(v, '/upgradeStrategy/maximumOverCapacity', spec.upgradeStrategy.maximumOverCapacity, 0, 1);
  if (isResident(spec) && spec.upgradeStrategy.maximumOverCapacity !== 0) {
    v.add('/upgradeStrategy/maximumOverCapacity', 'got ' + scalaDouble(spec.upgradeStrategy.maximumOverCapacity) + ', expected 0.0 for resident apps');
  }
  if (spec.labels['MARATHON_SINGLE_INSTANCE_APP'] === 'true') {
    if (spec.instances > 1) v.add('/', 'Single instance app may only have one instance');
    if (spec.upgradeStrategy.minimumHealthCapacity !== 0 || spec.upgradeStrategy.maximumOverCapacity !== 0) {
      v.add('/upgradeStrategy', 'Single instance apps need an upgradeStrategy of {minimumHealthCapacity: 0, maximumOverCapacity: 0}');
    }
  }
  const u = spec.unreachableStrategy;
  if (u === 'disabled') {
    // Always allowed.
  } else {
    atLeast(v, '/unreachableStrategy/inactiveAfterSeconds', u.inactiveAfterSeconds, 0);
    atLeast(v, '/unreachableStrategy/expungeAfterSeconds', u.expungeAfterSeconds, 0);
    if (u.inactiveAfterSeconds > u.expungeAfterSeconds) v.add('/unreachableStrategy/inactiveAfterSeconds', 'inactiveAfterSeconds must be less or equal to expungeAfterSeconds');
    if (isResident(spec)) v.add('/unreachableStrategy', 'unreachableStrategy must be disabled for resident apps');
  }

  const secretNames = Object.keys(spec.secrets);
  if (secretNames.length > 0 && !features.has('secrets')) v.add('/secrets', 'Feature secrets is not enabled. Enable with --enable_features secrets)');
  for (const [name, s] of Object.entries(spec.secrets)) {
    if (name === '') v.add('/secrets', 'secret names must not be empty');
    if (s.source === '') v.add(`/secrets/${name}/source`, 'must not be empty');
  }
  for (const [name, value] of Object.entries(spec.env)) {
    if (name === '') v.add('/env', 'environment variable names must not be empty');
    if (typeof value !== 'string') {
      if (!features.has('secrets')) v.add(`/env/${name}`, 'use of secret-references in the environment requires the secrets feature to be enabled');
      else if (!(value.secret in spec.secrets)) v.add(`/env/${name}/secret`, 'references an undefined secret');
    }
  }
  const limits = spec.resourceLimits;
  if (limits) {
    if (typeof limits.cpus === 'number' && limits.cpus < spec.cpus) v.add('/resourceLimits/cpus', `resource limit must be greater than or equal to requested resource (${spec.cpus})`);
    if (typeof limits.mem === 'number' && limits.mem < spec.mem) v.add('/resourceLimits/mem', `resource limit must be greater than or equal to requested resource (${spec.mem})`);
  }
  return v;
}

/**
 * Reads and validates an app body. Returns the canonical spec; throws
 * MarathonValidationError('invalid-json') for type errors, or
 * ('not-valid') for rule violations.
 */
export function parseApp(body: unknown, opts: ReadAppOptions & ValidateAppOptions = {}): AppSpec {
  const read = readApp(body, opts);
  if (!read.typeErrors.empty) throw new MarathonValidationError('invalid-json', read.typeErrors.list());
  const v = validateApp(read.spec, read.rawId !== undefined && opts.id === undefined ? read.rawId : opts.id, opts);
  v.addAll(read.violations.list());
  if (!v.empty) throw new MarathonValidationError('not-valid', v.list());
  return read.spec;
}
