/**
 * Wires an agent from its flags: work_dir checks, resource detection,
 * attributes, the containerizers (`--containerizers`) and the Agent. Used by `meseta agent`
 * and `meseta local`.
 */
import { Agent } from '../agent/agent.js';
import { resolve } from 'node:path';
import { ComposingContainerizer, parseContainerizers } from '../agent/containerizer/composing-containerizer.js';
import { MesosContainerizer } from '../agent/containerizer/mesos-containerizer.js';
import { detectAgentResources } from '../agent/resource-detection.js';
import { parseAttributes } from '../mesos/attributes.js';
import { parseResourcesFlag } from '../mesos/resources.js';
import { MESOS_COMPAT_VERSION } from '../version.js';
import type { AgentFlags } from './flag-sets/agent.js';
import { FlagError } from './flags.js';
import { advertisedHostname, advertisedIp } from './network.js';
import { launcherPath } from './paths.js';
import { ensureWritableDir } from './work-dir.js';
import { ZooKeeperMasterDetector } from '../coordination/zookeeper/zookeeper-master-detector.js';
import type { Logger } from '../logging/logger.js';
import type { MasterTransport } from '../agent/master-link.js';

/** What a caller wires in besides flags. */
export interface AgentWiring {
  /**
   * How the agent reaches its master instead of HTTP to `--master` (which still
   * names the master in logs and `/state`): `meseta local` passes its
   * in-process channel. Ignored with `--master=zk://…`, where the leader may be
   * another process.
   */
  masterTransport?: MasterTransport;
}

/**
 * `--master` as an HTTP base URL. `host:port` and `http://host:port` are
 * accepted (`zk://` is handled by the ZooKeeper detector instead). Throws FlagError.
 */
export function masterUrl(master: string): string {
  const url = master.startsWith('http://') ? master : `http://${master}`;
  try {
    const parsed = new URL(url);
    if (!parsed.hostname) throw new Error('no host');
    return `http://${parsed.hostname}:${parsed.port || '5050'}`;
  } catch {
    throw new FlagError(`Failed to parse --master '${master}': expected host:port`, 'master');
  }
}

/**
 * Builds and starts an agent. Throws Error (one-line message) for an unusable
 * work_dir, malformed resources or attributes, unknown isolators or a taken port.
 */
export async function startAgent(
  flags: AgentFlags,
  logger: Logger,
  flagStrings: Record<string, string>,
  wiring: AgentWiring = {},
): Promise<Agent> {
  // --master=zk://…/mesos: follow whichever master ZooKeeper says leads.
  let detector: ZooKeeperMasterDetector | undefined;
  if (flags.master.startsWith('zk://')) {
    try {
      detector = new ZooKeeperMasterDetector(flags.master, { onError: (error) => logger.warn(`Master detection: ${error.message}`) });
    } catch (error) {
      throw new FlagError((error as Error).message, 'master');
    }
  }
  const url = detector ? 'http://127.0.0.1:5050' : masterUrl(flags.master);
  ensureWritableDir(flags.workDir, 'work directory');
  ensureWritableDir(flags.runtimeDir, 'runtime directory');
  const parsed = parseResourcesFlag(flags.resources ?? '', flags.defaultRole);
  const resources = await detectAgentResources(parsed, flags.workDir, flags.defaultRole);
  const attributes = parseAttributes(flags.attributes ?? '');
  const kinds = parseContainerizers(flags.containerizers);
  const members = [];
  let mesos: MesosContainerizer | undefined;
  for (const kind of kinds) {
    if (kind === 'docker') {
      // Loaded only when asked for: the Docker client library costs ~0.4 s of start-up.
      const { DockerContainerizer } = await import('../agent/containerizer/docker-containerizer.js');
      const docker = new DockerContainerizer({
        socketPath: flags.dockerSocket,
        owner: resolve(flags.workDir),
        sandboxDirectory: flags.sandboxDirectory,
        removeDelayMs: flags.dockerRemoveDelay,
        logger,
      });
      const version = await docker.probe().catch((error: Error) => {
        throw new Error(`Failed to create a containerizer: Could not create DockerContainerizer: ${error.message}`);
      });
      logger.info(`Docker engine ${version} at ${flags.dockerSocket}`);
      members.push({ kind, containerizer: docker });
    } else {
      mesos = new MesosContainerizer({
        isolation: flags.isolation.join(','),
        runtimeDir: flags.runtimeDir,
        cgroupsRoot: flags.cgroupsRoot,
        cgroupsHierarchy: flags.cgroupsHierarchy,
        launcherPath: launcherPath(),
        logger,
      });
      members.push({ kind, containerizer: mesos });
    }
  }
  const containerizer = new ComposingContainerizer(members);
  logger.info(`Using containerizers: ${kinds.join(',')}; isolation: ${containerizer.isolation}`);
  logger.info('Starting Mesos agent');
  const ip = advertisedIp(flags.advertiseIp ?? flags.ip);
  // The Mesos containerizer's launcher server deletes retired checkpoints off the agent's event loop.
  const removeTrees = mesos?.removeTrees.bind(mesos);
  const agent = new Agent({
    masterUrl: url,
    masterDetector: detector,
    masterTransport: detector ? undefined : wiring.masterTransport,
    ip,
    port: flags.port,
    hostname: advertisedHostname(flags.hostname, ip, flags.hostnameLookup),
    workDir: flags.workDir,
    resources,
    attributes,
    containerizer,
    removeTrees,
    executorShutdownGracePeriodMs: flags.executorShutdownGracePeriod,
    executorRegistrationTimeoutMs: flags.executorRegistrationTimeout,
    executorReregistrationTimeoutMs: flags.executorReregistrationTimeout,
    recover: flags.recover,
    strict: flags.strict,
    reconfigurationPolicy: flags.reconfigurationPolicy,
    recoveryTimeoutMs: flags.recoveryTimeout,
    registrationBackoffFactorMs: flags.registrationBackoffFactor,
    executorEnvironmentVariables: flags.executorEnvironmentVariables,
    flags: flagStrings,
    logger,
    version: MESOS_COMPAT_VERSION,
  });
  await agent.start();
  if (detector) void agent.stopped.then(() => detector!.close());
  return agent;
}
