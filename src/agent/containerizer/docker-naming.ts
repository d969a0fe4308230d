/**
 * Names and labels of the Docker containers an agent creates. Pure.
 *
 * Naming follows the Mesos versions the seeds document (0.23 to 1.3):
 * `mesos-<agent-id>.<container-id>` (seed case 12). Mesos 1.4 and later name
 * them `mesos-<container-id>`; `parseContainerName` reads both, as Mesos's
 * own recovery does (`DOCKER_NAME_PREFIX` "mesos-", `DOCKER_NAME_SEPERATOR` ".").
 *
 * Labels are Meseta's: recovery finds its containers by label rather than by
 * name, so several agents sharing one engine (seed case 8) never touch each
 * other's containers.
 */

/** `DOCKER_NAME_PREFIX` of Mesos. */
export const DOCKER_NAME_PREFIX = 'mesos-';
/** `DOCKER_NAME_SEPERATOR` of Mesos (sic). */
export const DOCKER_NAME_SEPARATOR = '.';

/** Labels put on every container (Engine API `Config.Labels`). */
export const DOCKER_LABELS = {
  /** The ContainerID value. */
  containerId: 'meseta.container_id',
  /** The agent id at launch time. */
  agentId: 'meseta.agent_id',
  /** Which agent owns it across restarts: its `--work_dir` (absolute). */
  owner: 'meseta.agent_work_dir',
} as const;

/**
 * The Docker container name for a container of agent `agentId`:
 * `mesos-<agent-id>.<container-id>`; `mesos-<container-id>` when the agent id is
 * unknown (Mesos ≥ 1.4 form).
 */
export function dockerContainerName(agentId: string | undefined, containerId: string): string {
  return agentId ? `${DOCKER_NAME_PREFIX}${agentId}${DOCKER_NAME_SEPARATOR}${containerId}` : `${DOCKER_NAME_PREFIX}${containerId}`;
}

/**
 * The ContainerID in a Docker container name made by `dockerContainerName` (or by
 * Mesos, either form; a leading `/` as `docker inspect` shows it is ignored, and so
 * is Mesos's `.executor` suffix); undefined for other names.
 */
export function parseContainerName(name: string): { agentId?: string; containerId: string } | undefined {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!bare.startsWith(DOCKER_NAME_PREFIX)) return undefined;
  const rest = bare.slice(DOCKER_NAME_PREFIX.length).replace(/\.executor$/, '');
  if (rest === '') return undefined;
  // Agent ids contain no '.', container ids (UUIDs) neither: the last '.' splits them.
  const at = rest.lastIndexOf(DOCKER_NAME_SEPARATOR);
  if (at < 0) return { containerId: rest };
  const agentId = rest.slice(0, at);
  const containerId = rest.slice(at + 1);
  if (agentId === '' || containerId === '') return undefined;
  return { agentId, containerId };
}
