/**
 * `DockerInfo.parameters` — `docker run --<key>=<value>` options in Mesos — applied
 * to an Engine API create spec. Mesos hands them to the docker CLI unchecked; we
 * talk to the engine directly, so each supported option is mapped onto its API
 * field and anything else is rejected with a clear message instead of being
 * silently dropped. Pure.
 *
 * As in Mesos, the first `net`/`network` parameter replaces the DockerInfo's
 * network; options the agent must own (name, restart policy, detaching, published
 * ports, cpu/memory limits) are refused with the field to use instead.
 */
import type { DockerCreateSpec } from './docker-create-spec.js';
import { DockerConfigError } from './docker-errors.js';

type Apply = (spec: DockerCreateSpec, value: string, key: string) => void;

/** Parses a docker size (`512`, `64k`, `128m`, `1g`, `1.5g`, `-1`) into bytes. @throws DockerConfigError */
export function parseDockerBytes(value: string, key: string): number {
  if (value.trim() === '-1') return -1;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)b?\s*$/i.exec(value);
  if (!match) throw new DockerConfigError(`Invalid size '${value}' for docker parameter '${key}'`);
  const unit = match[2]!.toLowerCase();
  const scale = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

function parseBool(value: string, key: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new DockerConfigError(`Invalid boolean '${value}' for docker parameter '${key}'`);
}

function parseInteger(value: string, key: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new DockerConfigError(`Invalid number '${value}' for docker parameter '${key}'`);
  return Number(value.trim());
}

/** `k=v` → [k, v]; `k` alone → [k, ''] when `allowBare`. */
function keyValue(value: string, key: string, allowBare: boolean): [string, string] {
  const at = value.indexOf('=');
  if (at < 0) {
    if (allowBare && value !== '') return [value, ''];
    throw new DockerConfigError(`Docker parameter '${key}' needs NAME=VALUE, got '${value}'`);
  }
  if (at === 0) throw new DockerConfigError(`Docker parameter '${key}' needs NAME=VALUE, got '${value}'`);
  return [value.slice(0, at), value.slice(at + 1)];
}

function push(list: string[] | undefined, value: string): string[] {
  return [...(list ?? []), value];
}

const host = (spec: DockerCreateSpec) => spec.HostConfig;

const APPLY: Record<string, Apply> = {
  env: (s, v, k) => {
    const [name, value] = keyValue(v, k, false);
    s.Env = [...s.Env.filter((e) => !e.startsWith(`${name}=`)), `${name}=${value}`];
  },
  label: (s, v, k) => {
    const [name, value] = keyValue(v, k, true);
    s.Labels[name] = value;
  },
  volume: (s, v) => void (host(s).Binds = push(host(s).Binds, v)),
  user: (s, v) => void (s.User = v),
  workdir: (s, v) => void (s.WorkingDir = v),
  hostname: (s, v) => void (s.Hostname = v),
  entrypoint: (s, v) => void (s.Entrypoint = [v]),
  'memory-swap': (s, v, k) => void (host(s).MemorySwap = parseDockerBytes(v, k)),
  'memory-reservation': (s, v, k) => void (host(s).MemoryReservation = parseDockerBytes(v, k)),
  'shm-size': (s, v, k) => void (host(s).ShmSize = parseDockerBytes(v, k)),
  'cpuset-cpus': (s, v) => void (host(s).CpusetCpus = v),
  'pids-limit': (s, v, k) => void (host(s).PidsLimit = parseInteger(v, k)),
  'oom-kill-disable': (s, v, k) => void (host(s).OomKillDisable = parseBool(v, k)),
  'read-only': (s, v, k) => void (host(s).ReadonlyRootfs = parseBool(v, k)),
  init: (s, v, k) => void (host(s).Init = parseBool(v, k)),
  privileged: (s, v, k) => void (host(s).Privileged = parseBool(v, k)),
  'cap-add': (s, v) => void (host(s).CapAdd = push(host(s).CapAdd, v)),
  'cap-drop': (s, v) => void (host(s).CapDrop = push(host(s).CapDrop, v)),
  dns: (s, v) => void (host(s).Dns = push(host(s).Dns, v)),
  'dns-search': (s, v) => void (host(s).DnsSearch = push(host(s).DnsSearch, v)),
  'dns-opt': (s, v) => void (host(s).DnsOptions = push(host(s).DnsOptions, v)),
  'add-host': (s, v) => void (host(s).ExtraHosts = push(host(s).ExtraHosts, v)),
  'group-add': (s, v) => void (host(s).GroupAdd = push(host(s).GroupAdd, v)),
  'security-opt': (s, v) => void (host(s).SecurityOpt = push(host(s).SecurityOpt, v)),
  sysctl: (s, v, k) => {
    const [name, value] = keyValue(v, k, false);
    host(s).Sysctls = { ...host(s).Sysctls, [name]: value };
  },
  tmpfs: (s, v) => {
    const at = v.indexOf(':');
    const [path, options] = at < 0 ? [v, ''] : [v.slice(0, at), v.slice(at + 1)];
    host(s).Tmpfs = { ...host(s).Tmpfs, [path]: options };
  },
  ulimit: (s, v, k) => {
    const [name, limits] = keyValue(v, k, false);
    const [soft, hard] = limits.split(':');
    const ulimit = { Name: name, Soft: parseInteger(soft ?? '', k), Hard: parseInteger(hard ?? soft ?? '', k) };
    host(s).Ulimits = [...(host(s).Ulimits ?? []).filter((u) => u.Name !== name), ulimit];
  },
  ipc: (s, v) => void (host(s).IpcMode = v),
  pid: (s, v) => void (host(s).PidMode = v),
  uts: (s, v) => void (host(s).UTSMode = v),
  'stop-signal': (s, v) => void (s.StopSignal = v),
  'log-driver': (s, v) => void (host(s).LogConfig = { Type: v, Config: host(s).LogConfig?.Config ?? {} }),
  'log-opt': (s, v, k) => {
    const [name, value] = keyValue(v, k, false);
    const current = host(s).LogConfig ?? { Type: '', Config: {} };
    host(s).LogConfig = { Type: current.Type, Config: { ...current.Config, [name]: value } };
  },
  'volume-driver': (s, v) => void (host(s).VolumeDriver = v),
  'volumes-from': (s, v) => void (host(s).VolumesFrom = push(host(s).VolumesFrom, v)),
  expose: (s, v) => {
    const port = v.includes('/') ? v : `${v}/tcp`;
    s.ExposedPorts = { ...s.ExposedPorts, [port]: {} };
  },
};

/** Short and alternative spellings the docker CLI accepts. */
const ALIASES: Record<string, string> = {
  e: 'env',
  l: 'label',
  v: 'volume',
  u: 'user',
  w: 'workdir',
  h: 'hostname',
  'dns-option': 'dns-opt',
};

/** Options the agent owns; using them would break what it relies on. */
const REFUSED: Record<string, string> = {
  name: 'the agent names containers mesos-<agent-id>.<container-id>',
  rm: 'the agent removes containers after --docker_remove_delay',
  detach: 'the agent follows the container itself',
  d: 'the agent follows the container itself',
  restart: 'restarts are the framework\'s decision (e.g. Marathon relaunches tasks)',
  interactive: 'tasks have no standard input',
  i: 'tasks have no standard input',
  tty: 'stdout and stderr are kept apart in the sandbox',
  t: 'stdout and stderr are kept apart in the sandbox',
  publish: 'use DockerInfo.port_mappings with ports from the task\'s resources',
  p: 'use DockerInfo.port_mappings with ports from the task\'s resources',
  'publish-all': 'use DockerInfo.port_mappings with ports from the task\'s resources',
  P: 'use DockerInfo.port_mappings with ports from the task\'s resources',
  memory: 'the limit comes from the task\'s mem resource',
  m: 'the limit comes from the task\'s mem resource',
  'cpu-shares': 'shares come from the task\'s cpus resource',
  c: 'shares come from the task\'s cpus resource',
  cpus: 'the limit comes from the task\'s cpus resource',
  'env-file': 'files on the agent are not part of the task; use env',
  'label-file': 'files on the agent are not part of the task; use label',
};

/** Option names `applyDockerParameters` maps, sorted (for messages and docs). */
export const SUPPORTED_DOCKER_PARAMETERS: readonly string[] = [...Object.keys(APPLY), ...Object.keys(ALIASES)].sort();

/**
 * Applies `parameters` in order to `spec` (mutated). Returns the network named by
 * the first `net`/`network` parameter, if any, for the caller to use instead of
 * the DockerInfo's (Mesos's rule; later ones are ignored as in Mesos).
 * @throws DockerConfigError for a refused or unknown key, or a malformed value.
 */
export function applyDockerParameters(
  spec: DockerCreateSpec,
  parameters: ReadonlyArray<{ key: string; value: string }>,
): { network?: string } {
  let network: string | undefined;
  for (const { key: rawKey, value } of parameters) {
    const key = rawKey.replace(/^-+/, '');
    if (key === 'net' || key === 'network') {
      network ??= value;
      continue;
    }
    const refused = REFUSED[key];
    if (refused !== undefined) throw new DockerConfigError(`Docker parameter '${key}' is not allowed: ${refused}`);
    const apply = APPLY[ALIASES[key] ?? key];
    if (!apply) {
      throw new DockerConfigError(
        `Unsupported docker parameter '${key}' (supported: ${SUPPORTED_DOCKER_PARAMETERS.join(', ')}, net, network)`,
      );
    }
    apply(spec, value ?? '', key);
  }
  return network === undefined ? {} : { network };
}
