/**
 * The I/O half of agent recovery (Mesos `Slave::recover` and the
 * containerizer's `recover`), run once at start before the agent serves or
 * registers:
 *
 *   boot id changed? ── yes ─► the host rebooted, nothing survived: remove the
 *        │                     checkpoints, start as a new agent
 *        no
 *   read meta/ (checkpoint-reader.ts) ─► plan (recovery-plan.ts)
 *   containerizer.recover(every checkpointed container)
 *   destroy the containers the plan gives up (non-checkpointing frameworks …)
 *   drop finished checkpoints
 *
 * The agent then rebuilds its model, streams and drivers from the plan
 * (`Agent.adoptRecovered`). Errors: `IncompatibleAgentInfoError` when the
 * checkpointed agent info does not allow this start (any mode);
 * `RecoveryError` in strict mode; without it each problem is logged, counted
 * and skipped.
 */
import { rm } from 'node:fs/promises';
import type { AgentInfo } from '../mesos/types.js';
import type { AgentLogger } from './agent-options.js';
import { IncompatibleAgentInfoError, type ReconfigurationPolicy } from './checkpoint-compatibility.js';
import { type CheckpointState, RecoveryError, checkpointedBootId, currentBootId, readCheckpoints } from './checkpoint-reader.js';
import { frameworkMetaDir } from './checkpoint-paths.js';
import type { CheckpointWriter } from './checkpoint-writer.js';
import type { ContainerInfoRuntime, Containerizer } from './containerizer/containerizer.js';
import { type RecoveryPlan, planRecovery } from './recovery-plan.js';

export interface RecoveryInput {
  workDir: string;
  /** `--strict`. */
  strict: boolean;
  containerizer: Containerizer;
  writer: CheckpointWriter;
  logger: AgentLogger;
  /**
   * Checks the checkpointed agent info against this start's
   * (`--reconfiguration_policy`, checkpoint-compatibility.ts) before any
   * container is touched: a reason string stops recovery.
   */
  checkAgentInfo?: (checkpointed: AgentInfo) => string | undefined;
  /** The policy `checkAgentInfo` applies, for the error (default `equal`). */
  reconfigurationPolicy?: ReconfigurationPolicy;
  /** The host's boot id now; read from /proc when not given. */
  bootId?: string;
}

/** What recovery found; `plan` is undefined when there was nothing to recover. */
export interface RecoveryOutcome {
  plan?: RecoveryPlan;
  /** Containers the containerizer re-adopted, by container id. */
  runtimes: Map<string, ContainerInfoRuntime>;
  /** The checkpoints were from before a reboot and were removed. */
  rebooted: boolean;
  /** Problems skipped in non-strict mode (`slave/recovery_errors`). */
  errors: number;
}

/**
 * Runs the steps of the module comment.
 * @throws IncompatibleAgentInfoError when `checkAgentInfo` refuses the checkpointed agent info.
 * @throws RecoveryError (strict mode) for unreadable checkpoints or a containerizer that cannot recover.
 */
export async function recoverCheckpoints(input: RecoveryInput): Promise<RecoveryOutcome> {
  const { workDir, strict, containerizer, writer, logger } = input;
  const outcome: RecoveryOutcome = { runtimes: new Map(), rebooted: false, errors: 0 };
  const bootNow = input.bootId ?? (await currentBootId());
  const bootThen = await checkpointedBootId(workDir);
  let state: CheckpointState | undefined;
  if (bootThen !== undefined && bootNow !== undefined && bootThen !== bootNow) {
    logger.info(`Agent host rebooted (boot id ${bootThen} → ${bootNow}): no executor survived; starting as a new agent`);
    await writer.removeAgentCheckpoints();
    outcome.rebooted = true;
  } else {
    state = await readCheckpoints(workDir, { strict });
  }
  if (bootNow !== undefined) writer.bootId(bootNow);
  if (!state) return outcome;
  const incompatible = input.checkAgentInfo?.(state.agentInfo);
  if (incompatible) throw new IncompatibleAgentInfoError(incompatible, input.reconfigurationPolicy ?? 'equal');

  for (const warning of state.warnings) logger.warn(warning);
  for (const error of state.errors) logger.error(`Skipped in non-strict recovery: ${error}`);
  outcome.errors += state.errors.length;
  const plan = planRecovery(state);
  outcome.plan = plan;
  const tasks = plan.frameworks.reduce((n, f) => n + f.executors.reduce((m, e) => m + e.tasks.length, 0), 0);
  logger.info(
    `Recovering agent ${plan.agentId}: ${plan.frameworks.length} framework(s), ${plan.recover.length} container(s), ${tasks} task(s); ` +
      `${plan.destroy.length} container(s) to destroy`,
  );

  // Called even with no id: the Docker containerizer removes this agent's orphans then.
  try {
    for (const runtime of await containerizer.recover([...plan.recover, ...plan.destroy])) outcome.runtimes.set(runtime.containerId, runtime);
  } catch (error) {
    const message = `Failed to recover containers: ${(error as Error).message}`;
    if (strict) throw new RecoveryError(message, workDir, { cause: error });
    logger.error(message);
    outcome.errors++;
  }
  for (const id of plan.recover) {
    if (!outcome.runtimes.has(id)) logger.warn(`Container ${id} could not be recovered; its tasks will be reported as failed`);
  }
  await Promise.all(
    plan.destroy
      .filter((id) => outcome.runtimes.has(id))
      .map((id) => {
        logger.info(`Destroying container ${id}: its framework does not checkpoint, or its run is over`);
        return containerizer.destroy(id, 0).catch((e: Error) => logger.warn(`Failed to destroy container ${id}: ${e.message}`));
      }),
  );
  for (const { frameworkId, executorId } of plan.forgetExecutors) writer.removeExecutor(plan.agentId, frameworkId, executorId);
  for (const frameworkId of plan.forgetFrameworks) {
    writer.forgetFramework(frameworkId);
    await rm(frameworkMetaDir(workDir, plan.agentId, frameworkId), { recursive: true, force: true }).catch((e: Error) =>
      logger.warn(`Failed to remove checkpoints of framework ${frameworkId}: ${e.message}`),
    );
  }
  return outcome;
}
