/**
 * ContainerConfig (with a DOCKER ContainerInfo) → the Engine API create spec.
 * Pure. The rules are those of Mesos's `Docker::RunOptions::create`
 * (src/docker/docker.cpp), field by field:
 *
 * - network: DockerInfo.network, HOST by default; BRIDGE → `bridge`, NONE →
 *   `none`, USER → the single `network_infos[0].name`; a `net`/`network`
 *   parameter wins. `hostname` is refused on the host network.
 * - port_mappings: only on BRIDGE/USER; every host port must lie in the task's
 *   `ports` resources ("Port [N] not included in resources").
 * - volumes: container_path relative → under the mapped sandbox; host_path
 *   relative → under the host sandbox; both relative → refused; RW/RO → rw/ro.
 *   Docker named volumes (`source.docker_volume`) as `name:path:mode`.
 * - the sandbox is bind-mounted at `--sandbox_directory` (`/mnt/mesos/sandbox`),
 *   and `MESOS_SANDBOX` / `MESOS_CONTAINER_NAME` point there / name the container.
 * - command: shell → entrypoint `/bin/sh`, cmd `-c <value>` (value required);
 *   otherwise cmd = [value] + arguments after the image's entrypoint, or the
 *   image's CMD when both are empty.
 * - cpus → `CpuShares` = max(1024 × cpus, 2), and a CFS quota of cpus × 100 ms
 *   per 100 ms when `enableCfsQuota`; mem → `Memory` = max(mem, 32 MB) in bytes.
 *
 * Meseta differences: `MemorySwap` = `Memory` (no swap beyond the limit, so
 * the mem resource is a real limit; a `memory-swap` parameter overrides it);
 * PATH from the agent's default environment is not passed, so the image's PATH
 * holds (a PATH in CommandInfo.environment still wins).
 */
import { rangesOf } from '../../mesos/resources.js';
import type { CommandInfo, ContainerInfo, Volume } from '../../mesos/types.js';
import type { ContainerConfig } from './containerizer.js';
import type { DockerCreateSpec } from './docker-create-spec.js';
import { DockerConfigError } from './docker-errors.js';
import { DOCKER_LABELS, dockerContainerName } from './docker-naming.js';
import { applyDockerParameters } from './docker-parameters.js';

/** `CPU_SHARES_PER_CPU` and `MIN_CPU_SHARES` of Mesos. */
export const CPU_SHARES_PER_CPU = 1024;
export const MIN_CPU_SHARES = 2;
/** CFS period (µs) and minimum quota (µs), as Mesos. */
export const CPU_CFS_PERIOD_US = 100_000;
export const MIN_CPU_CFS_QUOTA_US = 1_000;
/** `MIN_MEMORY` of Mesos: 32 MB. */
export const MIN_MEMORY_MB = 32;
/** Default `--sandbox_directory`. */
export const DEFAULT_MAPPED_SANDBOX = '/mnt/mesos/sandbox';

/** Agent-wide settings the mapping needs. */
export interface DockerRunSettings {
  /** `--sandbox_directory`: where the sandbox appears inside the container. */
  sandboxDirectory?: string;
  /** Absolute `--work_dir` of the agent: labels the containers it owns. */
  owner: string;
  /** Cap CPU with a CFS quota (`--cgroups_enable_cfs`; default true as our Mesos containerizer). */
  enableCfsQuota?: boolean;
}

/** Everything needed to create and start the container. */
export interface DockerRun {
  /** `mesos-<agent-id>.<container-id>`. */
  name: string;
  image: string;
  /** DockerInfo.force_pull_image. */
  forcePull: boolean;
  /** Network mode given to the engine (`host`, `bridge`, `none` or a network name). */
  network: string;
  spec: DockerCreateSpec;
}

interface VolumeSource {
  type?: string;
  docker_volume?: { driver?: string; name: string };
}

const isAbsolute = (p: string): boolean => p.startsWith('/');
const join = (a: string, b: string): string => `${a.replace(/\/+$/, '')}/${b.replace(/^\.\//, '')}`;

/**
 * Builds the create spec for `config` (whose `container` must be type DOCKER).
 * @throws DockerConfigError with Mesos's message for what cannot be run.
 */
export function buildDockerRun(config: ContainerConfig, settings: DockerRunSettings): DockerRun {
  const container = config.container;
  const docker = container?.docker;
  if (!container || container.type !== 'DOCKER' || !docker) throw new DockerConfigError('No docker info found in container info');
  if (!docker.image) throw new DockerConfigError('No image found in docker info');
  const mapped = settings.sandboxDirectory ?? DEFAULT_MAPPED_SANDBOX;
  const name = dockerContainerName(config.agentId, config.containerId);

  const network = dockerNetwork(container);
  const spec: DockerCreateSpec = {
    Image: docker.image,
    Env: dockerEnv(config, mapped, name),
    Labels: {
      [DOCKER_LABELS.containerId]: config.containerId,
      [DOCKER_LABELS.owner]: settings.owner,
      ...(config.agentId ? { [DOCKER_LABELS.agentId]: config.agentId } : {}),
    },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: {
      NetworkMode: network,
      Privileged: docker.privileged ?? false,
      Binds: [...dockerVolumes(container, config.sandbox, mapped), `${config.sandbox}:${mapped}`],
      ...dockerLimits(config.cpus, config.memMB, settings.enableCfsQuota ?? true),
    },
  };
  if (container.hostname !== undefined) {
    if (network === 'host') throw new DockerConfigError('Unable to set hostname with host network mode');
    spec.Hostname = container.hostname;
  }
  const ports = docker.port_mappings ?? [];
  if (ports.length > 0) {
    if (network === 'host' || network === 'none') {
      throw new DockerConfigError('Port mappings are only supported for bridge and user-defined networks');
    }
    const offered = rangesOf(config.resources ?? [], 'ports');
    if (offered.length === 0) throw new DockerConfigError('Port mappings require port resources');
    spec.ExposedPorts = {};
    spec.HostConfig.PortBindings = {};
    for (const mapping of ports) {
      if (!offered.some((r) => mapping.host_port >= r.begin && mapping.host_port <= r.end)) {
        throw new DockerConfigError(`Port [${mapping.host_port}] not included in resources`);
      }
      for (const protocol of (mapping.protocol || 'tcp').split(',')) {
        const key = `${mapping.container_port}/${protocol.trim().toLowerCase()}`;
        spec.ExposedPorts[key] = {};
        spec.HostConfig.PortBindings[key] = [...(spec.HostConfig.PortBindings[key] ?? []), { HostPort: String(mapping.host_port) }];
      }
    }
  }
  Object.assign(spec, dockerCommand(config));
  const overridden = applyDockerParameters(spec, docker.parameters ?? []);
  const finalNetwork = overridden.network ?? network;
  spec.HostConfig.NetworkMode = finalNetwork;
  return { name, image: docker.image, forcePull: docker.force_pull_image ?? false, network: finalNetwork, spec };
}

/** The engine's network mode for a ContainerInfo (DockerInfo.network, HOST by default). */
export function dockerNetwork(container: ContainerInfo): string {
  switch (container.docker?.network ?? 'HOST') {
    case 'HOST':
      return 'host';
    case 'BRIDGE':
      return 'bridge';
    case 'NONE':
      return 'none';
    case 'USER': {
      const infos = container.network_infos ?? [];
      if (infos.length === 0) throw new DockerConfigError('No network info found in container info');
      if (infos.length > 1) throw new DockerConfigError('Only a single network can be defined in Docker run');
      if (!infos[0]!.name) throw new DockerConfigError('No network name found in network info');
      return infos[0]!.name;
    }
    default:
      throw new DockerConfigError(`Unsupported Network mode: ${String(container.docker?.network)}`);
  }
}

/** Engine `Binds` entries for the ContainerInfo's volumes (the sandbox mount is added by the caller). */
export function dockerVolumes(container: ContainerInfo, sandbox: string, mapped: string): string[] {
  return (container.volumes ?? []).map((volume: Volume) => {
    const target = isAbsolute(volume.container_path) ? volume.container_path : join(mapped, volume.container_path);
    const mode = volumeMode(volume);
    if (volume.host_path !== undefined) {
      if (!isAbsolute(volume.host_path) && !isAbsolute(volume.container_path)) {
        throw new DockerConfigError(
          `Both host_path '${volume.host_path}' and container_path '${volume.container_path}' of a volume are relative`,
        );
      }
      const source = isAbsolute(volume.host_path) ? volume.host_path : join(sandbox, volume.host_path);
      return `${source}:${target}:${mode}`;
    }
    const source = (volume as Volume & { source?: VolumeSource }).source;
    if (source?.type === 'DOCKER_VOLUME' && source.docker_volume?.name) {
      return `${source.docker_volume.name}:${target}:${mode}`;
    }
    throw new DockerConfigError(
      source ? `Volume source type '${String(source.type)}' is not supported by the Docker containerizer` : 'Host path or volume source is required',
    );
  });
}

function volumeMode(volume: Volume): 'rw' | 'ro' {
  if (volume.mode === 'RW') return 'rw';
  if (volume.mode === 'RO') return 'ro';
  throw new DockerConfigError('Unsupported volume mode');
}

/**
 * The container's environment as `NAME=value` lines: the agent's (MESOS_* and
 * CommandInfo.environment) without its default PATH, then MESOS_SANDBOX and
 * MESOS_CONTAINER_NAME as Mesos sets them for Docker.
 */
export function dockerEnv(config: ContainerConfig, mapped: string, name: string): string[] {
  const pathFromCommand = (config.commandInfo?.environment?.variables ?? []).some((v) => v.name === 'PATH');
  const env: Record<string, string> = { ...config.env };
  if (!pathFromCommand) delete env['PATH'];
  env['MESOS_SANDBOX'] = mapped;
  env['MESOS_CONTAINER_NAME'] = name;
  return Object.keys(env)
    .sort()
    .map((key) => `${key}=${env[key]}`);
}

/** Entrypoint/Cmd by Mesos's rules (see the module comment). */
export function dockerCommand(config: ContainerConfig): Pick<DockerCreateSpec, 'Entrypoint' | 'Cmd'> {
  const info: CommandInfo =
    config.commandInfo ??
    (config.command.shell ? { shell: true, value: config.command.value } : { shell: false, value: config.command.value, arguments: config.command.arguments });
  if (info.shell !== false) {
    if (info.value === undefined || info.value === '') throw new DockerConfigError('Shell specified but no command value provided');
    return { Entrypoint: ['/bin/sh'], Cmd: ['-c', info.value] };
  }
  const argv = [...(info.value ? [info.value] : []), ...(info.arguments ?? [])];
  return argv.length > 0 ? { Cmd: argv } : {};
}

/** CPU shares, CFS quota and memory limit for `cpus` (cores) and `memMB` (MB). */
export function dockerLimits(
  cpus: number,
  memMB: number,
  enableCfsQuota: boolean,
): Pick<DockerCreateSpec['HostConfig'], 'CpuShares' | 'CpuPeriod' | 'CpuQuota' | 'Memory' | 'MemorySwap'> {
  const memory = Math.max(Math.floor(memMB), MIN_MEMORY_MB) * 1024 * 1024;
  const limits: ReturnType<typeof dockerLimits> = {
    CpuShares: Math.max(Math.floor(CPU_SHARES_PER_CPU * cpus), MIN_CPU_SHARES),
    Memory: memory,
    MemorySwap: memory,
  };
  if (enableCfsQuota && cpus > 0) {
    limits.CpuPeriod = CPU_CFS_PERIOD_US;
    limits.CpuQuota = Math.max(Math.floor(CPU_CFS_PERIOD_US * cpus), MIN_CPU_CFS_QUOTA_US);
  }
  return limits;
}
