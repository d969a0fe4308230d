/**
 * What the agent reads from `docker inspect` (Engine API `GET /containers/{id}/json`):
 * how a container ended, and its IP addresses. Pure.
 */
import type { NetworkInfo } from '../../mesos/types.js';
import type { ContainerTermination } from './containerizer.js';

/** The fields of an inspect result used here (Engine names). */
export interface DockerInspectView {
  State?: { Running?: boolean; ExitCode?: number; OOMKilled?: boolean; Pid?: number; Error?: string; Status?: string };
  NetworkSettings?: {
    IPAddress?: string;
    GlobalIPv6Address?: string;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string } | undefined>;
  };
  HostConfig?: { NetworkMode?: string; Memory?: number };
}

/**
 * The ContainerTermination for an ended container. The engine reports an exit
 * code only (128 + n when a signal killed it), so the message is Mesos's docker
 * executor's for an exit: `Container exited with status N`. `State.OOMKilled`
 * becomes the memory limitation (REASON_CONTAINER_LIMITATION_MEMORY), as the
 * Mesos memory isolator reports an OOM. `status` is the POSIX wait status of
 * that exit (code << 8).
 */
export function dockerTermination(view: DockerInspectView, memMB?: number): ContainerTermination {
  const state = view.State ?? {};
  const code = state.ExitCode ?? 0;
  const termination: ContainerTermination = {
    status: (code & 0xff) << 8,
    exitCode: code,
    message: state.Error ? `Container exited with status ${code}: ${state.Error}` : `Container exited with status ${code}`,
  };
  if (state.OOMKilled) {
    const limit = memMB ?? (view.HostConfig?.Memory ? Math.round(view.HostConfig.Memory / (1024 * 1024)) : undefined);
    termination.limitation = {
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      message: `Memory limit exceeded: ${limit === undefined ? '' : `Requested: ${limit}MB `}(the container was OOM-killed)`,
    };
  }
  return termination;
}

/**
 * `container_status.network_infos` for a running container: its IPv4 (and IPv6)
 * addresses on its networks, one NetworkInfo per network, named for USER
 * networks. Empty on the host network (Mesos's docker executor reports none there).
 */
export function dockerNetworkInfos(view: DockerInspectView): NetworkInfo[] {
  const mode = view.HostConfig?.NetworkMode ?? '';
  if (mode === 'host' || mode === 'none') return [];
  const out: NetworkInfo[] = [];
  const networks = view.NetworkSettings?.Networks ?? {};
  for (const name of Object.keys(networks).sort()) {
    const network = networks[name];
    const addresses: NonNullable<NetworkInfo['ip_addresses']> = [];
    if (network?.IPAddress) addresses.push({ protocol: 'IPv4', ip_address: network.IPAddress });
    if (network?.GlobalIPv6Address) addresses.push({ protocol: 'IPv6', ip_address: network.GlobalIPv6Address });
    if (addresses.length === 0) continue;
    const info: NetworkInfo = { ip_addresses: addresses };
    if (name !== 'bridge') info.name = name;
    out.push(info);
  }
  if (out.length === 0 && view.NetworkSettings?.IPAddress) {
    out.push({ ip_addresses: [{ protocol: 'IPv4', ip_address: view.NetworkSettings.IPAddress }] });
  }
  return out;
}
