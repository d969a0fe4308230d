/**
 * `meseta execute` / `mesos-execute`: run one command (or one task group) as a
 * task and report its state changes, like Mesos's `src/cli/execute.cpp`:
 *
 * ```
 * Subscribed with ID 7c2e…-0000
 * Submitted task 'hello' to agent '7c2e…-S0'
 * Received status update TASK_RUNNING for task 'hello'
 *   source: SOURCE_EXECUTOR
 * Received status update TASK_FINISHED for task 'hello'
 *   message: 'Command exited with status 0'
 *   source: SOURCE_EXECUTOR
 * ```
 *
 * Exit code 0 when the task (every task of a group) ends TASK_FINISHED, 1
 * otherwise; the framework is torn down on the way out. An unreachable master
 * is retried until the user interrupts, with a line on stderr at most every
 * few seconds.
 */
import { userInfo } from 'node:os';
import { formatHelp, FlagError } from '../flags.js';
import { EXECUTE_FLAGS, EXECUTE_USAGE, parseExecuteFlags, type ExecuteFlags } from '../flag-sets/execute.js';
import { parseResourcesFlag } from '../../mesos/resources.js';
import { isTerminalState } from '../../mesos/task-states.js';
import type {
  ContainerInfo,
  ExecutorInfo,
  FrameworkCapabilityType,
  FrameworkInfo,
  Offer,
  OfferOperation,
  Resource,
  TaskGroupInfo,
  TaskInfo,
  TaskStatus,
  Volume,
} from '../../mesos/types.js';
import { createMasterDetector, formatMasterAddress } from '../../scheduler/master-detector.js';
import { SchedulerClient } from '../../scheduler/scheduler-client.js';
import { takeResources } from '../../scheduler/offer-matcher.js';
import { buildCommandTask } from '../../scheduler/task-builder.js';
import { statusUpdateLines } from '../../scheduler/status-text.js';
import { MESOS_COMPAT_VERSION } from '../../version.js';

/** Minimum gap between two "master unreachable" lines (ms). */
const RETRY_REPORT_INTERVAL_MS = 5_000;

/** The default executor's own resources for a task group (as mesos-execute gives it). */
const DEFAULT_EXECUTOR_RESOURCES = 'cpus:0.1;mem:32;disk:32';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

function parseJsonFlag<T>(name: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new FlagError(`Failed to parse JSON for '--${name}': ${(error as Error).message}`, name);
  }
}

function containerInfoOf(flags: ExecuteFlags): ContainerInfo | undefined {
  const volumes = flags.volumes === undefined ? undefined : parseJsonFlag<Volume[]>('volumes', flags.volumes);
  if (volumes !== undefined && !Array.isArray(volumes)) throw new FlagError("'--volumes' must be a JSON array", 'volumes');
  const networkInfos = flags.networks.map((name) => ({ name }));
  if (flags.containerizer === 'docker') {
    if (!flags.dockerImage) throw new FlagError("'--containerizer=docker' needs '--docker_image'", 'docker_image');
    if (flags.networks.length > 1) throw new FlagError("'Docker' containerizer can only support a single network", 'networks');
    return {
      type: 'DOCKER',
      docker: { image: flags.dockerImage, network: flags.networks.length === 1 ? 'USER' : 'HOST' },
      ...(volumes ? { volumes } : {}),
      ...(networkInfos.length > 0 ? { network_infos: networkInfos } : {}),
    };
  }
  if (flags.containerizer !== 'mesos') {
    throw new FlagError(`Unsupported containerizer '${flags.containerizer}' (expected 'mesos' or 'docker')`, 'containerizer');
  }
  if (!flags.dockerImage && !volumes && networkInfos.length === 0) return undefined;
  return {
    type: 'MESOS',
    ...(flags.dockerImage ? { mesos: { image: { type: 'DOCKER' as const, docker: { name: flags.dockerImage } } } } : {}),
    ...(volumes ? { volumes } : {}),
    ...(networkInfos.length > 0 ? { network_infos: networkInfos } : {}),
  };
}

function capabilitiesOf(flags: ExecuteFlags): Array<{ type: FrameworkCapabilityType }> {
  // mesos-execute always enables these; PARTITION_AWARE is its default too.
  const types: FrameworkCapabilityType[] = ['RESERVATION_REFINEMENT', 'TASK_KILLING_STATE', 'REVOCABLE_RESOURCES', 'PARTITION_AWARE'];
  for (const name of flags.frameworkCapabilities) {
    if (name !== 'GPU_RESOURCES') {
      throw new FlagError(`Flags '--framework_capabilities' specifies an unsupported capability '${name}'`, 'framework_capabilities');
    }
    types.push('GPU_RESOURCES');
  }
  return types.map((type) => ({ type }));
}

/** What to launch: one task or a task group, with the resources each needs. */
type Launch = { kind: 'task'; task: TaskInfo } | { kind: 'group'; group: TaskGroupInfo };

function launchOf(flags: ExecuteFlags): Launch {
  if (flags.task !== undefined && flags.taskGroup !== undefined) {
    throw new FlagError("Either '--task' or '--task_group' may be given, not both", 'task');
  }
  if (flags.task !== undefined) {
    const task = parseJsonFlag<TaskInfo>('task', flags.task);
    return { kind: 'task', task };
  }
  if (flags.taskGroup !== undefined) {
    const group = parseJsonFlag<TaskGroupInfo>('task_group', flags.taskGroup);
    if (!Array.isArray(group.tasks) || group.tasks.length === 0) throw new FlagError("'--task_group' has no tasks", 'task_group');
    return { kind: 'group', group };
  }
  if (flags.command === undefined) throw new FlagError('Missing required option --command', 'command');
  let resources: Resource[];
  try {
    resources = parseResourcesFlag(flags.resources);
  } catch (error) {
    throw new FlagError(`Failed to parse resources '${flags.resources}': ${(error as Error).message}`, 'resources');
  }
  const container = containerInfoOf(flags);
  const task = buildCommandTask({
    name: flags.name,
    agentId: '',
    command: flags.shell ? { shell: true, value: flags.command } : { shell: false, value: flags.command, arguments: [flags.command] },
    resources,
    ...(flags.env ? { env: flags.env } : {}),
    ...(container ? { container } : {}),
  });
  return { kind: 'task', task };
}

/** The operation and printed line for `launch` on `offer`, or undefined if the offer is too small. */
function plan(launch: Launch, offer: Offer, frameworkId: string): { operation: OfferOperation; line: string } | undefined {
  if (launch.kind === 'task') {
    const fit = takeResources(offer.resources, launch.task.resources ?? []);
    if (!fit) return undefined;
    const task: TaskInfo = { ...launch.task, agent_id: offer.agent_id, resources: fit.taken };
    return {
      operation: { type: 'LAUNCH', launch: { task_infos: [task] } },
      line: `Submitted task '${task.name}' to agent '${offer.agent_id.value}'`,
    };
  }
  const executorResources = parseResourcesFlag(DEFAULT_EXECUTOR_RESOURCES);
  let left = offer.resources;
  const executorFit = takeResources(left, executorResources);
  if (!executorFit) return undefined;
  left = executorFit.remaining;
  const tasks: TaskInfo[] = [];
  for (const task of launch.group.tasks) {
    const fit = takeResources(left, task.resources ?? []);
    if (!fit) return undefined;
    left = fit.remaining;
    tasks.push({ ...task, agent_id: offer.agent_id, resources: fit.taken });
  }
  const executor: ExecutorInfo = {
    type: 'DEFAULT',
    executor_id: { value: 'default-executor' },
    framework_id: { value: frameworkId },
    resources: executorFit.taken,
  };
  const ids = tasks.map((t) => t.task_id.value).join(', ');
  return {
    operation: { type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } },
    line: `Submitted task group with tasks [ ${ids} ] to agent '${offer.agent_id.value}'`,
  };
}

/** Runs mesos-execute; resolves to the exit code. Throws FlagError on bad flags. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseExecuteFlags(argv, env, { warn: (w) => err(w) });
  if (flags.help) {
    out(formatHelp(EXECUTE_USAGE, EXECUTE_FLAGS));
    return 0;
  }
  if (flags.version) {
    out(`mesos ${MESOS_COMPAT_VERSION}`);
    return 0;
  }
  const launch = launchOf(flags);
  const detector = createMasterDetector(flags.master);
  const framework: FrameworkInfo = {
    user: userInfo().username,
    name: flags.frameworkName,
    role: flags.role,
    checkpoint: flags.checkpoint,
    capabilities: capabilitiesOf(flags),
    ...(flags.principal ? { principal: flags.principal } : {}),
  };
  const client = new SchedulerClient({
    detector,
    autoAcknowledge: true,
    log: (level, message) => {
      if (level !== 'info') err(message);
    },
  });
  const taskCount = launch.kind === 'task' ? 1 : launch.group.tasks.length;
  const terminal = new Map<string, TaskStatus>();
  let launched = false;
  let lastRetryReport = -Infinity;
  let killTimer: NodeJS.Timeout | undefined;

  const done = new Promise<number>((resolve) => {
    const finish = (code: number): void => {
      if (killTimer) clearTimeout(killTimer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code);
    };
    const onSignal = (): void => finish(1);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    client.on('reconnecting', ({ error }) => {
      const now = Date.now();
      if (now - lastRetryReport < RETRY_REPORT_INTERVAL_MS) return;
      lastRetryReport = now;
      const master = client.master ?? undefined;
      const where = master ? formatMasterAddress(master) : flags.master;
      err(`Master at ${where} is unreachable (${error.message}); retrying`);
    });
    client.on('subscribed', (info) => out(`Subscribed with ID ${info.frameworkId.value}`));
    client.on('offers', (offers) => {
      for (const offer of offers) {
        const planned = launched ? undefined : plan(launch, offer, client.frameworkId?.value ?? '');
        if (planned) {
          launched = true;
          client.accept([offer.id], [planned.operation]).catch((error: unknown) => err(`Failed to launch: ${(error as Error).message}`));
          out(planned.line);
        } else {
          client.decline([offer.id]).catch(() => undefined);
          // Once launched there is nothing more to ask for.
          if (launched) client.suppress().catch(() => undefined);
        }
      }
    });
    client.on('update', (status) => {
      for (const line of statusUpdateLines(status)) out(line);
      if (flags.killAfter !== undefined && status.state === 'TASK_RUNNING' && !killTimer) {
        const agentId = status.agent_id;
        killTimer = setTimeout(() => {
          out(`Asked to kill task '${status.task_id.value}' on agent '${agentId?.value ?? ''}'`);
          client.kill(status.task_id, agentId).catch((error: unknown) => err(`Failed to kill: ${(error as Error).message}`));
        }, flags.killAfter);
      }
      if (isTerminalState(status.state)) {
        terminal.set(status.task_id.value, status);
        if (terminal.size === taskCount) {
          const ok = [...terminal.values()].every((s) => s.state === 'TASK_FINISHED');
          finish(ok ? 0 : 1);
        }
      }
    });
    client.on('error', (message) => {
      err(`Received an ERROR event: ${message}`);
      finish(1);
    });
  });

  client.subscribe(framework).catch(() => {
    // Reported by the `error` listener (ERROR event, 4xx) or our own close().
  });
  const code = await done;
  if (client.state === 'subscribed') await client.teardown().catch(() => client.close());
  else client.close();
  detector.close();
  return code;
}
