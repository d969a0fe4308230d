/**
 * `meseta test-executor`: the custom executor of `test-framework --executor`
 * (Mesos's `src/examples/test_executor.cpp` / `python/test_executor.py`).
 * Started by an agent, never by hand: it reads the executor environment.
 *
 * For each task: TASK_RUNNING, then TASK_FINISHED, both carrying the bytes
 * `data with a \0 byte`; every framework message is echoed back to the
 * scheduler. Runs until the agent sends SHUTDOWN (exit 0) or is lost (exit 1).
 */
import { formatHelp, loadFlags, type FlagDef } from '../flags.js';
import type { AgentInfo, TaskInfo } from '../../mesos/types.js';
import { ExecutorDriver, type Executor } from '../../executor/executor-driver.js';
import { parseExecutorEnv } from '../../executor/executor-env.js';

const USAGE = 'Usage: test-executor   (started by a Mesos agent; reads MESOS_* from the environment)';
const FLAGS: FlagDef[] = [];

/** The bytes every update and message carries (note the NUL). */
const DATA = Buffer.from('data with a \0 byte', 'latin1');

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

const testExecutor: Executor = {
  registered(_driver, _executorInfo, _frameworkInfo, agentInfo: AgentInfo) {
    out(`Registered executor on ${agentInfo.hostname}`);
  },
  reregistered(_driver, agentInfo: AgentInfo) {
    out(`Re-registered executor on ${agentInfo.hostname}`);
  },
  launchTask(driver, task: TaskInfo) {
    const taskId = task.task_id;
    out(`Starting task ${taskId.value}`);
    void (async () => {
      await driver.sendStatusUpdate({ task_id: taskId, state: 'TASK_RUNNING', data: DATA.toString('base64') });
      // This is where one would perform the requested task.
      out(`Finishing task ${taskId.value}`);
      await driver.sendStatusUpdate({ task_id: taskId, state: 'TASK_FINISHED', data: DATA.toString('base64') });
    })();
  },
  frameworkMessage(driver, data: Buffer) {
    // Send it back to the scheduler.
    void driver.sendFrameworkMessage(data);
  },
};

/** Runs the executor; resolves 0 after SHUTDOWN, 1 if the agent was lost. */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = loadFlags(FLAGS, argv, env, { envPrefix: 'MESOS_TEST_EXECUTOR_' });
  if (loaded.help) {
    out(formatHelp(USAGE, FLAGS));
    return 0;
  }
  out('Starting executor');
  const driver = new ExecutorDriver(testExecutor, { env: parseExecutorEnv(env) });
  const status = await driver.run();
  return status === 'DRIVER_STOPPED' ? 0 : 1;
}
