/**
 * The scheduler API v1 calls (reference §1.4), applied to the master's state.
 * HTTP concerns (content types, stream ids) are checked in
 * `http/scheduler-endpoint.ts` before a call reaches here.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { EventStream } from '../transport/event-stream.js';
import { FrameworkRecord, frameworkRoles, hasCapability } from './framework.js';
import { taskKey, type Master } from './master.js';
import { MasterTask } from './task.js';
import { validateTask } from './task-validation.js';
import { isTerminalState, stateForFramework } from '../mesos/task-states.js';
import {
  addResources,
  isEmptyResources,
  normalizeResources,
  stripAllocationInfo,
  subtractNormalized,
  withAllocationRole,
} from '../mesos/resources.js';
import type {
  ExecutorInfo,
  Filters,
  FrameworkInfo,
  KillPolicy,
  Offer,
  OfferOperation,
  Resource,
  TaskInfo,
  TaskStatus,
} from '../mesos/types.js';

/** Result of a non-streaming call: HTTP status and plain-text body (Mesos's error shape). */
export interface CallOutcome {
  status: number;
  body?: string;
}

const ACCEPTED: CallOutcome = { status: 202 };

/** A scheduler Call after JSON parsing; fields per type are checked where used. */
export interface SchedulerCall {
  type: string;
  framework_id?: { value: string };
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept?: { offer_ids?: Array<{ value: string }>; operations?: OfferOperation[]; filters?: Filters };
  decline?: { offer_ids?: Array<{ value: string }>; filters?: Filters };
  revive?: { roles?: string[] };
  suppress?: { roles?: string[] };
  kill?: { task_id: { value: string }; agent_id?: { value: string }; kill_policy?: KillPolicy };
  shutdown?: { executor_id: { value: string }; agent_id: { value: string } };
  acknowledge?: { agent_id: { value: string }; task_id: { value: string }; uuid: string };
  reconcile?: { tasks?: Array<{ task_id: { value: string }; agent_id?: { value: string } }> };
  message?: { agent_id: { value: string }; executor_id: { value: string }; data: string };
  update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
}

/** Role names as Mesos's `roles::validate`. Returns a problem or undefined. */
export function validateRole(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role.length === 0) return 'Empty role name is invalid';
  if (role.startsWith('/') || role.endsWith('/')) return `Role '${role}' cannot start or end with '/'`;
  if (role.includes('//')) return `Role '${role}' cannot contain '//'`;
  if (/[\s\b]/.test(role)) return `Role '${role}' cannot contain whitespace`;
  for (const part of role.split('/')) {
    if (part === '.' || part === '..' || part === '*') return `Role '${role}' cannot contain '${part}' as a component`;
    if (part.startsWith('-')) return `Role '${role}' cannot have a component starting with '-'`;
  }
  return undefined;
}

/** Validates a FrameworkInfo as SUBSCRIBE does; returns the ERROR message or undefined. */
export function validateFrameworkInfo(info: FrameworkInfo, whitelist: string[] | undefined): string | undefined {
  if (typeof info.user !== 'string') return "Missing required field 'user' in FrameworkInfo";
  if (typeof info.name !== 'string') return "Missing required field 'name' in FrameworkInfo";
  const multiRole = hasCapability(info, 'MULTI_ROLE');
  if (!multiRole && info.roles && info.roles.length > 0) {
    return "'FrameworkInfo.roles' is set but the MULTI_ROLE capability is not";
  }
  if (multiRole && info.role !== undefined) {
    return "'FrameworkInfo.role' must not be set when the MULTI_ROLE capability is";
  }
  const roles = frameworkRoles(info);
  if (new Set(roles).size !== roles.length) return `Duplicate roles in ${JSON.stringify(roles)}`;
  for (const role of roles) {
    const problem = validateRole(role);
    if (problem) return problem;
    if (whitelist && role !== '*' && !whitelist.includes(role)) {
      return `Role '${role}' is not present in the master's --roles`;
    }
  }
  if (info.failover_timeout !== undefined && !(info.failover_timeout >= 0)) {
    return `Invalid 'failover_timeout': ${String(info.failover_timeout)}`;
  }
  return undefined;
}

/**
 * SUBSCRIBE: writes the stream (always `200`); failures after HTTP validation are
 * reported as a first ERROR event and the stream is closed, as Mesos does.
 */
export function subscribe(master: Master, call: SchedulerCall, response: ServerResponse): void {
  const info = call.subscribe!.framework_info;
  const stream = new EventStream(response, randomUUID());
  const problem = validateFrameworkInfo(info, master.options.roles);
  const requestedId = info.id?.value;
  const fail = (message: string): void => {
    stream.send({ type: 'ERROR', error: { message } });
    stream.close();
  };
  if (problem) return fail(problem);
  if (requestedId && master.completedFrameworks.some((f) => f.id === requestedId)) {
    return fail('Framework has been removed');
  }
  const suppressed = call.subscribe!.suppressed_roles ?? [];
  const roles = frameworkRoles(info);
  if (suppressed.some((r) => !roles.includes(r))) return fail('Suppressed roles must be a subset of the framework roles');

  let framework = requestedId ? master.frameworks.get(requestedId) : undefined;
  if (framework) {
    if (framework.info.principal !== undefined && info.principal !== framework.info.principal) {
      return fail(`Framework principal '${info.principal ?? ''}' differs from the registered one`);
    }
    const previous = framework.stream;
    framework.stream = undefined;
    if (previous) {
      previous.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
      previous.close();
    }
    clearTimeout(framework.failoverTimer);
    clearInterval(framework.heartbeatTimer);
    // Outstanding offers are discarded without RESCIND; fresh ones follow.
    for (const offerId of [...framework.offers.keys()]) master.rescindOffer(offerId, 0, false);
    // user and checkpoint cannot change on resubscription; the new values are ignored.
    framework.info = { ...info, id: { value: framework.id }, user: framework.info.user, checkpoint: framework.info.checkpoint };
    framework.reregisteredTime = master.nowSecs();
    framework.recovered = false;
    master.logger.info(`Framework ${framework.id} (${info.name}) failed over`);
    master.observers.frameworkUpdated(framework);
  } else {
    const id = requestedId ?? master.ids.nextFrameworkId();
    framework = new FrameworkRecord(id, { ...info, id: { value: id } }, master.nowSecs());
    master.frameworks.set(id, framework);
    master.observers.frameworkAdded(framework);
    master.logger.info(`Registered framework ${id} (${info.name}) with roles ${JSON.stringify(roles)}`);
  }
  framework.suppressedRoles = new Set(suppressed);
  const allocatorFramework = {
    roles,
    suppressedRoles: suppressed,
    gpuAware: hasCapability(info, 'GPU_RESOURCES'),
  };
  if (master.allocatorKnows(framework.id)) {
    master.allocator.updateFramework(framework.id, allocatorFramework);
    master.allocator.activateFramework(framework.id);
  } else {
    master.allocator.addFramework(framework.id, allocatorFramework, true);
    master.markAllocatorKnows(framework.id);
  }
  framework.stream = stream;
  framework.connected = true;
  framework.active = true;
  const fw = framework;
  stream.onClose(() => {
    if (fw.stream === stream) master.disconnectFramework(fw);
  });
  stream.send({
    type: 'SUBSCRIBED',
    subscribed: {
      framework_id: { value: fw.id },
      heartbeat_interval_seconds: master.heartbeatIntervalMs / 1000,
      master_info: master.info,
    },
  });
  stream.send({ type: 'HEARTBEAT' });
  fw.heartbeatTimer = setInterval(() => stream.send({ type: 'HEARTBEAT' }), master.heartbeatIntervalMs);
  void master.registry.addFramework({ info: fw.info }).catch((error: Error) => {
    master.logger.error(`Failed to persist framework ${fw.id}: ${error.message}`);
  });
  master.scheduleAllocation();
}

/** Applies a non-SUBSCRIBE call from a subscribed framework. */
export function handleCall(master: Master, framework: FrameworkRecord, call: SchedulerCall): CallOutcome {
  master.metrics.countCall(call.type);
  switch (call.type) {
    case 'TEARDOWN':
      void master.removeFramework(framework);
      return ACCEPTED;
    case 'ACCEPT':
      return accept(master, framework, call.accept!);
    case 'DECLINE':
      for (const id of call.decline!.offer_ids ?? []) {
        const offer = ownOffer(master, framework, id.value);
        if (offer) master.recoverOfferResources(master.takeOffer(id.value)!, offer.resources, master.refuseSeconds(call.decline!.filters));
      }
      return ACCEPTED;
    case 'REVIVE': {
      const roles = call.revive?.roles ?? [];
      for (const role of roles.length ? roles : framework.roles) framework.suppressedRoles.delete(role);
      master.allocator.reviveOffers(framework.id, roles);
      master.scheduleAllocation();
      return ACCEPTED;
    }
    case 'SUPPRESS': {
      const roles = call.suppress?.roles ?? [];
      for (const role of roles.length ? roles : framework.roles) framework.suppressedRoles.add(role);
      master.allocator.suppressOffers(framework.id, roles);
      return ACCEPTED;
    }
    case 'KILL':
      return kill(master, framework, call.kill!);
    case 'SHUTDOWN': {
      const agent = master.agents.get(call.shutdown!.agent_id.value);
      agent?.send({
        type: 'SHUTDOWN_EXECUTOR',
        shutdown_executor: { framework_id: { value: framework.id }, executor_id: call.shutdown!.executor_id },
      });
      return ACCEPTED;
    }
    case 'ACKNOWLEDGE':
      return acknowledge(master, framework, call.acknowledge!);
    case 'RECONCILE':
      reconcile(master, framework, call.reconcile?.tasks ?? []);
      return ACCEPTED;
    case 'MESSAGE': {
      const { agent_id, executor_id, data } = call.message!;
      master.metrics.frameworkMessages++;
      master.agents.get(agent_id.value)?.send({
        type: 'FRAMEWORK_MESSAGE',
        framework_message: { framework_id: { value: framework.id }, executor_id, data },
      });
      return ACCEPTED;
    }
    case 'REQUEST':
      // Ignored by the built-in allocator, as in Mesos.
      return ACCEPTED;
    case 'UPDATE_FRAMEWORK':
      return updateFramework(master, framework, call.update_framework!);
    case 'ACCEPT_INVERSE_OFFERS':
    case 'DECLINE_INVERSE_OFFERS':
    case 'ACKNOWLEDGE_OPERATION_STATUS':
    case 'RECONCILE_OPERATIONS':
      return ACCEPTED;
    default:
      return { status: 400, body: `Failed to validate scheduler::Call: Unknown call type '${call.type}'` };
  }
}

function ownOffer(master: Master, framework: FrameworkRecord, offerId: string): Offer | undefined {
  const offer = master.offers.get(offerId);
  return offer && offer.framework_id.value === framework.id ? offer : undefined;
}

/**
 * ACCEPT: validates the offers (same agent, owned, outstanding), then each LAUNCH /
 * LAUNCH_GROUP task against what is left of them; valid tasks go to the agent,
 * invalid ones get TASK_ERROR; unused resources are declined with the filters.
 */
function accept(master: Master, framework: FrameworkRecord, body: NonNullable<SchedulerCall['accept']>): CallOutcome {
  const offerIds = (body.offer_ids ?? []).map((o) => o.value);
  const operations = body.operations ?? [];
  let invalid: string | undefined;
  const offers: Offer[] = [];
  for (const id of offerIds) {
    const offer = ownOffer(master, framework, id);
    if (!offer) invalid ??= `Offer ${id} is no longer valid`;
    else offers.push(offer);
  }
  if (offerIds.length === 0) invalid ??= 'No offers specified';
  if (new Set(offers.map((o) => o.agent_id.value)).size > 1) invalid ??= 'Aggregated offers must belong to one single agent';
  if (new Set(offers.map((o) => o.allocation_info?.role)).size > 1) invalid ??= 'Aggregated offers must be allocated to the same role';
  if (new Set(offerIds).size !== offerIds.length) invalid ??= 'Duplicate offer ids';

  if (invalid) {
    // Offers that were valid are returned to the allocator without a filter.
    for (const offer of offers) master.recoverOfferResources(master.takeOffer(offer.id.value)!, offer.resources, 0);
    const state = framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
    for (const task of tasksOf(operations)) {
      framework.send({
        type: 'UPDATE',
        update: {
          status: {
            task_id: task.task_id,
            state,
            reason: 'REASON_INVALID_OFFERS',
            message: invalid,
            source: 'SOURCE_MASTER',
            agent_id: task.agent_id,
            timestamp: master.nowSecs(),
          } satisfies TaskStatus,
        },
      });
    }
    return ACCEPTED;
  }

  for (const offer of offers) master.takeOffer(offer.id.value);
  const agentId = offers[0].agent_id.value;
  const role = offers[0].allocation_info?.role ?? '*';
  const agent = master.agents.get(agentId);
  // Canonical once per ACCEPT (several offers of the agent merge here), so each
  // launch can take its task from it without normalizing it again.
  let available = normalizeResources(offers.flatMap((o) => o.resources));

  for (const operation of operations) {
    if (operation.type === 'LAUNCH') {
      for (const task of operation.launch?.task_infos ?? []) {
        available = launchOne(master, framework, agentId, role, task, task.executor, available);
      }
    } else if (operation.type === 'LAUNCH_GROUP') {
      const group = operation.launch_group;
      for (const task of group?.task_group?.tasks ?? []) {
        const executor = group?.executor ? { ...group.executor, type: group.executor.type ?? 'DEFAULT' } : undefined;
        available = launchOne(master, framework, agentId, role, { ...task, executor: undefined }, executor, available, true);
      }
    } else {
      master.logger.warn(`Ignoring unsupported operation ${operation.type} from framework ${framework.id}`);
    }
  }
  if (!agent) return ACCEPTED;
  if (!isEmptyResources(available)) {
    master.allocator.recoverResources(framework.id, agentId, role, available, master.refuseSeconds(body.filters), master.clock.now());
  }
  // Only this agent's resources changed: a pass over it alone re-offers what was
  // left (other agents wait for their own events or the periodic pass, as in
  // Mesos, whose allocator does not allocate on recoverResources at all). A
  // full pass per ACCEPT cost a walk over every agent at each launch.
  master.scheduleAllocation([agentId]);
  return ACCEPTED;
}

function tasksOf(operations: OfferOperation[]): TaskInfo[] {
  return operations.flatMap((op) => op.launch?.task_infos ?? op.launch_group?.task_group?.tasks ?? []);
}

/** Validates and launches one task; returns what is left of the offered resources. */
function launchOne(
  master: Master,
  framework: FrameworkRecord,
  agentId: string,
  role: string,
  task: TaskInfo,
  executor: ExecutorInfo | undefined,
  available: Resource[],
  group = false,
): Resource[] {
  const agent = master.agents.get(agentId);
  // Shared with every other task asking for the same: the record keeps it for the task's life.
  const taskResources = master.sharedResources.normalized(task.resources ?? [], (raw) => normalizeResources(withAllocationRole(stripAllocationInfo(raw), role)), role);
  const executorId = executor?.executor_id?.value;
  const existing = executorId && agent ? agent.executors.get(taskKey(framework.id, executorId)) : undefined;
  const executorResources =
    executor && !existing ? normalizeResources(withAllocationRole(stripAllocationInfo(executor.resources ?? []), role)) : [];
  const taskId = task.task_id?.value ?? '';
  const problem = validateTask(group ? { ...task, executor } : task, {
    agentId,
    available,
    taskResources,
    executorResources,
    duplicateId: framework.tasks.has(taskId) || framework.unreachableTasks.has(taskId),
    existingExecutor: existing?.info,
    role,
  });
  const record = new MasterTask(
    task,
    framework.id,
    agentId,
    executorId ?? '',
    role,
    taskResources,
    task.command?.user ?? framework.info.user,
  );
  if (problem || !agent || !agent.active) {
    const message = problem ?? `Agent ${agentId} is not available`;
    master.logger.warn(`Denying task ${taskId} of framework ${framework.id}: ${message}`);
    const status: TaskStatus = {
      task_id: task.task_id ?? { value: taskId },
      state: problem ? 'TASK_ERROR' : framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST',
      reason: problem ? (group ? 'REASON_TASK_GROUP_INVALID' : 'REASON_TASK_INVALID') : 'REASON_AGENT_REMOVED',
      message,
      source: 'SOURCE_MASTER',
      agent_id: { value: agentId },
      timestamp: master.nowSecs(),
    };
    master.metrics.countTransition(status.state);
    record.record(status);
    record.acknowledgedTerminal = true;
    framework.addCompleted(record, master.options.maxCompletedTasksPerFramework);
    framework.send({ type: 'UPDATE', update: { status } });
    return available;
  }
  // validateTask checked that `available` holds these.
  const used = executorResources.length === 0 ? taskResources : addResources(taskResources, executorResources);
  framework.tasks.set(taskId, record);
  agent.tasks.set(record);
  if (executor && executorId && !existing) {
    agent.executors.set(taskKey(framework.id, executorId), { frameworkId: framework.id, info: executor, role });
    const perAgent = framework.executors.get(agentId) ?? new Map<string, ExecutorInfo>();
    perAgent.set(executorId, executor);
    framework.executors.set(agentId, perAgent);
  }
  master.metrics.countTransition('TASK_STAGING');
  master.observers.taskAdded(record);
  master.logger.info(`Launching task ${taskId} of framework ${framework.id} (${framework.info.name}) on agent ${agentId} (${agent.info.hostname})`);
  // A copy with its own resources (and executor), built by assignment: a spread followed by a
  // key the task lacks (a command task has no executor) takes V8's slow path, per launched task.
  const wireTask: TaskInfo = Object.assign({}, task);
  wireTask.resources = taskResources;
  if (executor) wireTask.executor = executor;
  agent.send({ type: 'RUN_TASK', run_task: { framework: framework.info, task: wireTask } });
  // Both are canonical: the offer's (or what the last launch left) and the task's normalized list.
  return subtractNormalized(available, used);
}


/** KILL: forwarded to the agent; unknown tasks answered by reconciliation. */
function kill(master: Master, framework: FrameworkRecord, body: NonNullable<SchedulerCall['kill']>): CallOutcome {
  const task = framework.tasks.get(body.task_id.value);
  if (!task) {
    reconcile(master, framework, [{ task_id: body.task_id, agent_id: body.agent_id }]);
    return ACCEPTED;
  }
  if (body.agent_id && body.agent_id.value !== task.agentId) return ACCEPTED;
  master.logger.info(`Telling agent ${task.agentId} to kill task ${task.id} of framework ${framework.id}`);
  master.agents.get(task.agentId)?.send({
    type: 'KILL_TASK',
    kill_task: { framework_id: { value: framework.id }, task_id: body.task_id, kill_policy: body.kill_policy },
  });
  return ACCEPTED;
}

/** ACKNOWLEDGE: relayed to the agent; a terminal ack files the task as completed. */
function acknowledge(
  master: Master,
  framework: FrameworkRecord,
  body: NonNullable<SchedulerCall['acknowledge']>,
): CallOutcome {
  const agent = master.agents.get(body.agent_id.value);
  const task = framework.tasks.get(body.task_id.value);
  agent?.send({
    type: 'ACKNOWLEDGE',
    acknowledge: { framework_id: { value: framework.id }, task_id: body.task_id, uuid: body.uuid },
  });
  if (task && task.statusUpdateUuid === body.uuid && task.statusUpdateState && isTerminalState(task.statusUpdateState)) {
    master.fileCompletedTask(task);
  }
  return ACCEPTED;
}

/**
 * RECONCILE (reference §1.7.5): implicit (no tasks) → latest state of every task
 * the master knows; explicit → each task's state, or LOST/GONE/UNKNOWN for unknown ones.
 */
export function reconcile(
  master: Master,
  framework: FrameworkRecord,
  tasks: Array<{ task_id: { value: string }; agent_id?: { value: string } }>,
): void {
  const reply = (status: TaskStatus): void => {
    framework.send({
      type: 'UPDATE',
      update: { status: { ...status, state: stateForFramework(status.state, framework.partitionAware) } },
    });
  };
  const fromTask = (task: MasterTask): TaskStatus => {
    const latest = task.latestStatus;
    return {
      task_id: task.info.task_id,
      state: task.statusUpdateState ?? task.state,
      agent_id: { value: task.agentId },
      ...(task.executorId ? { executor_id: { value: task.executorId } } : {}),
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: Latest task state',
      timestamp: master.nowSecs(),
      ...(latest?.healthy !== undefined ? { healthy: latest.healthy } : {}),
      ...(latest?.container_status ? { container_status: latest.container_status } : {}),
    };
  };
  if (tasks.length === 0) {
    for (const task of [...framework.tasks.values(), ...framework.unreachableTasks.values()]) reply(fromTask(task));
    return;
  }
  for (const entry of tasks) {
    const known = framework.tasks.get(entry.task_id.value) ?? framework.unreachableTasks.get(entry.task_id.value);
    if (known) {
      reply(fromTask(known));
      continue;
    }
    const agentId = entry.agent_id?.value;
    // As Mesos: an agent known from the registry but not back yet after a master failover may still
    // run the task — no reply (the framework asks again), never a TASK_GONE/UNKNOWN that gets it relaunched.
    if (master.registry.isRecovering(agentId)) continue;
    const agent = agentId ? master.agents.get(agentId) : undefined;
    const unreachable = agent ? agent.state === 'unreachable' : agentId !== undefined && master.unreachableAgentIds.has(agentId);
    const state = unreachable ? 'TASK_UNREACHABLE' : !agentId || !agent ? 'TASK_UNKNOWN' : 'TASK_GONE';
    reply({
      task_id: entry.task_id,
      state,
      ...(agentId ? { agent_id: { value: agentId } } : {}),
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: Task is unknown',
      timestamp: master.nowSecs(),
    });
  }
}

/** UPDATE_FRAMEWORK: replaces the updatable FrameworkInfo fields atomically (200). */
function updateFramework(
  master: Master,
  framework: FrameworkRecord,
  body: NonNullable<SchedulerCall['update_framework']>,
): CallOutcome {
  const info = body.framework_info;
  if (info.id?.value !== framework.id) {
    return { status: 400, body: "'framework_info.id' differs from 'framework_id'" };
  }
  const problem = validateFrameworkInfo(info, master.options.roles);
  if (problem) return { status: 400, body: problem };
  if (info.user !== framework.info.user) return { status: 400, body: "Updating 'FrameworkInfo.user' is unsupported" };
  if ((info.checkpoint ?? false) !== (framework.info.checkpoint ?? false)) {
    return { status: 400, body: "Updating 'FrameworkInfo.checkpoint' is unsupported" };
  }
  if (info.principal !== framework.info.principal) {
    return { status: 400, body: "Updating 'FrameworkInfo.principal' is unsupported" };
  }
  const roles = frameworkRoles(info);
  const suppressed = body.suppressed_roles ?? [];
  framework.info = { ...info, id: { value: framework.id } };
  framework.suppressedRoles = new Set(suppressed);
  for (const offerId of [...framework.offers.keys()]) {
    const offer = master.offers.get(offerId);
    if (offer && !roles.includes(offer.allocation_info?.role ?? '*')) master.rescindOffer(offerId, 0);
  }
  master.allocator.updateFramework(framework.id, { roles, suppressedRoles: suppressed, gpuAware: hasCapability(info, 'GPU_RESOURCES') });
  void master.registry.addFramework({ info: framework.info });
  master.observers.frameworkUpdated(framework);
  master.scheduleAllocation();
  return { status: 200 };
}
