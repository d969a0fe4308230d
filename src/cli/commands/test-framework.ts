/**
 * `meseta test-framework` / `test-framework`: Mesos's example framework, the
 * first thing a newcomer runs against a fresh cluster (seed case 4).
 *
 * Runs 5 tasks of 1 cpu and 128 MB, packing as many as fit into each offer, and
 * prints what the C++ example prints:
 *
 * ```
 * Registered!
 * Received offer <offer-id> with cpus(*):2; mem(*):1961; disk(*):35164; ports(*):[31000-32000]
 * Launching task 0 using offer <offer-id>
 * Task 0 is in state TASK_RUNNING
 * Task 0 is in state TASK_FINISHED
 * ```
 *
 * Two variants:
 * - default: command tasks (`echo 'Hello from task N'`), run by the agent's
 *   command executor; exits 0 once all tasks are TASK_FINISHED.
 * - `--executor`: tasks go to our custom executor (`meseta test-executor`, one
 *   per agent, executor id `default`), as in the Python example: each update
 *   carries the bytes `data with a \0 byte`; for every finished task the
 *   scheduler sends that message to the executor, which echoes it back; the
 *   scheduler prints `Received message: 'data with a \x00 byte'` and exits 0
 *   once all tasks finished and all messages came back.
 *
 * Any task ending LOST, KILLED, FAILED (or another unexpected terminal state)
 * aborts the driver: exit code 1.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHelp } from '../flags.js';
import { parseTestFrameworkFlags, TEST_FRAMEWORK_FLAGS, TEST_FRAMEWORK_USAGE, type TestFrameworkFlags } from '../flag-sets/test-framework.js';
import { formatResources, parseResourcesFlag } from '../../mesos/resources.js';
import { isTerminalState } from '../../mesos/task-states.js';
import type { AgentID, ExecutorID, ExecutorInfo, FrameworkInfo, TaskInfo, TaskStatus } from '../../mesos/types.js';
import { OfferMatcher } from '../../scheduler/offer-matcher.js';
import { SchedulerDriver, type Scheduler } from '../../scheduler/scheduler-driver.js';
import { reprBytes } from '../../scheduler/status-text.js';
import { buildCommandTask, buildExecutorTask, customExecutorInfo } from '../../scheduler/task-builder.js';
import { MESOS_COMPAT_VERSION } from '../../version.js';

/** Per task, as Mesos's examples (`CPUS_PER_TASK`, `MEM_PER_TASK`). */
const TASK_RESOURCES = 'cpus:1;mem:128';

/** The payload of the executor variant: note the NUL byte. */
export const TEST_MESSAGE = Buffer.from('data with a \0 byte', 'latin1');

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Shell-quotes one word for `/bin/sh`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that starts our executor on an agent: node plus `bin/meseta`
 * of this installation (found from this file's location: dist/src/cli/commands
 * → package root), or `$MESOS_HELPER_DIR/test-executor` as Mesos's example allows.
 */
export function testExecutorCommand(env: NodeJS.ProcessEnv): string {
  if (env['MESOS_HELPER_DIR']) return shellQuote(join(env['MESOS_HELPER_DIR'], 'test-executor'));
  let root = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6 && !existsSync(join(root, 'bin', 'meseta')); i++) root = dirname(root);
  // node by absolute path: the agent gives executors a default PATH that may not hold it.
  return `exec ${shellQuote(process.execPath)} ${shellQuote(join(root, 'bin', 'meseta'))} test-executor`;
}

/** The example scheduler; counts and decisions are per the Mesos examples. */
class TestScheduler implements Scheduler {
  private launched = 0;
  private finished = 0;
  private messagesSent = 0;
  private messagesReceived = 0;
  private readonly taskPlacement = new Map<string, { agentId: AgentID; executorId: ExecutorID }>();
  private readonly perTask = parseResourcesFlag(TASK_RESOURCES);

  constructor(
    private readonly total: number,
    private readonly executor: ExecutorInfo | undefined,
  ) {}

  registered(): void {
    out('Registered!');
  }

  resourceOffers(driver: SchedulerDriver, offers: Parameters<NonNullable<Scheduler['resourceOffers']>>[1]): void {
    for (const offer of offers) {
      out(`Received offer ${offer.id.value} with ${formatResources(offer.resources)}`);
      const matcher = new OfferMatcher(offer);
      const tasks: TaskInfo[] = [];
      while (this.launched < this.total) {
        const resources = matcher.tryTake(this.perTask);
        if (!resources) break;
        const id = this.launched++;
        out(`Launching task ${id} using offer ${offer.id.value}`);
        const task = this.executor
          ? buildExecutorTask({ name: `Task ${id}`, id: String(id), agentId: offer.agent_id, executor: this.executor, resources })
          : buildCommandTask({ name: `Task ${id}`, id: String(id), agentId: offer.agent_id, command: `echo 'Hello from task ${id}'`, resources });
        if (this.executor) this.taskPlacement.set(String(id), { agentId: offer.agent_id, executorId: this.executor.executor_id });
        tasks.push(task);
      }
      void driver.launchTasks(offer.id, tasks);
    }
  }

  statusUpdate(driver: SchedulerDriver, status: TaskStatus): void {
    const id = status.task_id.value;
    out(`Task ${id} is in state ${status.state}`);
    if (this.executor && status.source === 'SOURCE_EXECUTOR') {
      const data = Buffer.from(status.data ?? '', 'base64');
      if (!data.equals(TEST_MESSAGE)) {
        out('The update data did not match!');
        out(`  Expected: ${reprBytes(TEST_MESSAGE)}`);
        out(`  Actual:   ${reprBytes(data)}`);
        driver.abort();
        return;
      }
    }
    if (status.state === 'TASK_FINISHED') {
      this.finished++;
      if (this.executor) {
        if (this.finished === this.total) out('All tasks done, waiting for final framework message');
        const placement = this.taskPlacement.get(id);
        if (placement) {
          this.messagesSent++;
          void driver.sendFrameworkMessage(placement.executorId, placement.agentId, TEST_MESSAGE);
        }
      } else if (this.finished === this.total) {
        void driver.stop();
      }
      return;
    }
    if (isTerminalState(status.state)) {
      out(
        `Aborting because task ${id} is in unexpected state ${status.state}` +
          ` with reason ${status.reason ?? ''} from source ${status.source ?? ''}` +
          ` with message '${status.message ?? ''}'`,
      );
      driver.abort();
    }
  }

  frameworkMessage(driver: SchedulerDriver, _executorId: ExecutorID, _agentId: AgentID, data: Buffer): void {
    this.messagesReceived++;
    if (!data.equals(TEST_MESSAGE)) {
      out('The returned message data did not match!');
      out(`  Expected: ${reprBytes(TEST_MESSAGE)}`);
      out(`  Actual:   ${reprBytes(data)}`);
      driver.abort();
      return;
    }
    out(`Received message: ${reprBytes(data)}`);
    if (this.messagesReceived === this.total) {
      if (this.messagesReceived !== this.messagesSent) {
        out(`Sent ${this.messagesSent} but received ${this.messagesReceived}`);
        driver.abort();
        return;
      }
      out('All tasks done, and all messages received, exiting');
      void driver.stop();
    }
  }

  error(_driver: SchedulerDriver, message: string): void {
    out(message);
  }
}

function frameworkInfoOf(flags: TestFrameworkFlags, env: NodeJS.ProcessEnv): FrameworkInfo {
  return {
    user: userInfo().username,
    name: 'Test Framework (TypeScript)',
    role: flags.role,
    checkpoint: flags.checkpoint || env['MESOS_CHECKPOINT'] !== undefined,
    ...(flags.principal ? { principal: flags.principal } : {}),
  };
}

/** Runs the example framework; resolves 0 when every task finished (and every message came back). */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseTestFrameworkFlags(argv, env, { warn: (w) => process.stderr.write(`${w}\n`) });
  if (flags.help) {
    out(formatHelp(TEST_FRAMEWORK_USAGE, TEST_FRAMEWORK_FLAGS));
    return 0;
  }
  if (flags.version) {
    out(`mesos ${MESOS_COMPAT_VERSION}`);
    return 0;
  }
  const executor = flags.executor ? customExecutorInfo('default', testExecutorCommand(env), 'Test Executor (TypeScript)') : undefined;
  let implicitAcknowledgements = true;
  if (env['MESOS_EXPLICIT_ACKNOWLEDGEMENTS'] !== undefined) {
    out('Enabling explicit acknowledgements for status updates');
    implicitAcknowledgements = false;
  }
  const scheduler = new TestScheduler(flags.numTasks, executor);
  if (!implicitAcknowledgements) {
    const update = scheduler.statusUpdate.bind(scheduler);
    scheduler.statusUpdate = (driver, status) => {
      update(driver, status);
      void driver.acknowledgeStatusUpdate(status);
    };
  }
  const driver = new SchedulerDriver(scheduler, frameworkInfoOf(flags, env), { master: flags.master, implicitAcknowledgements });
  const onSignal = (): void => void driver.stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const status = await driver.run();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // As the examples do: make sure the driver is stopped (logs "Asked to stop the driver" again).
  await driver.stop();
  return status === 'DRIVER_STOPPED' ? 0 : 1;
}
