/**
 * `meseta logs`: find a task's sandbox through the public endpoints and
 * print its stdout or stderr, optionally following it.
 *
 *   /master/state        task id/name → framework, agent id → agent pid (ip:port)
 *   /slave(1)/state      framework → executor → sandbox `directory`
 *   /files/read          the bytes, from offset 0 (or the last N lines)
 *
 * Following polls: each round first asks the agent whether the task is
 * terminal, then copies every new byte, and stops after a round that began
 * with the task terminal — so the last bytes a task wrote before it ended are
 * always printed.
 */
import type { Endpoint } from './http-json.js';
import { agentEndpoint, fetchAgentState, fetchMasterState } from './cluster-client.js';
import { OperatorError } from './operator-error.js';
import { locateSandbox, type TaskSandbox } from './sandbox-locate.js';
import { copyFrom, fileSize, tailText } from './sandbox-reader.js';
import { allTasks, type TaskRow } from './task-rows.js';
import { requireTask } from './task-resolve.js';

/** What `printTaskLog` needs. */
export interface TaskLogOptions {
  master: Endpoint;
  /** Task id or unique name. */
  task: string;
  /** `stdout` or `stderr`. */
  file: 'stdout' | 'stderr';
  follow: boolean;
  /** Print only the last N lines first. */
  tail?: number;
  /** Between polls when following (ms). */
  pollIntervalMs: number;
  write: (text: string) => void;
  /** Waits `ms`; injected so tests need no real time. */
  sleep: (ms: number) => Promise<void>;
}

/** A task with its agent and sandbox, as `meseta logs` found them. */
export interface LocatedTask {
  task: TaskRow;
  agent: Endpoint;
  sandbox: TaskSandbox;
}

/**
 * Resolves `arg` to a task (OperatorError TASK_NOT_FOUND / TASK_AMBIGUOUS)
 * and finds its sandbox (SANDBOX_NOT_FOUND when the agent is gone or no
 * longer knows the task; UNREACHABLE when it does not answer).
 */
export async function locateTask(master: Endpoint, arg: string): Promise<LocatedTask> {
  const state = await fetchMasterState(master);
  const task = requireTask(allTasks(state), arg);
  const registered = (state.slaves ?? []).find((a) => a.id === task.agent_id);
  const agent = registered ? agentEndpoint(registered) : undefined;
  if (!agent) {
    throw new OperatorError(
      'SANDBOX_NOT_FOUND',
      `Task '${task.id}' ran on agent ${task.agent_id}, which is not registered with the master any more`,
    );
  }
  const sandbox = locateSandbox(await fetchAgentState(agent), task.framework_id, task.id);
  if (!sandbox) {
    throw new OperatorError(
      'SANDBOX_NOT_FOUND',
      `Agent ${task.agent_id} does not know task '${task.id}' of framework ${task.framework_id} (its sandbox may have been garbage-collected)`,
    );
  }
  return { task, agent, sandbox };
}

/** Whether the task is terminal now (also when its agent forgot it). Throws OperatorError on I/O. */
async function taskTerminal(located: LocatedTask): Promise<boolean> {
  const now = locateSandbox(await fetchAgentState(located.agent), located.task.framework_id, located.task.id);
  return now === undefined || now.terminal;
}

/**
 * Prints the task's file (all of it, or the last `tail` lines), then, with
 * `follow`, new bytes until the task is terminal and everything is printed.
 * Resolves to the number of bytes printed. Throws OperatorError; a missing
 * file is SANDBOX_NOT_FOUND unless following a task that has not ended (the
 * file may not exist yet).
 */
export async function printTaskLog(opts: TaskLogOptions): Promise<number> {
  const located = await locateTask(opts.master, opts.task);
  const path = `${located.sandbox.directory}/${opts.file}`;
  let offset = 0;
  let terminal = located.sandbox.terminal;

  const size = await fileSize(located.agent, path);
  if (size === undefined && (!opts.follow || terminal)) {
    throw new OperatorError('SANDBOX_NOT_FOUND', `No ${opts.file} in the sandbox of task '${located.task.id}' (${located.sandbox.directory})`);
  }
  if (opts.tail !== undefined && size !== undefined) {
    const text = await tailText(located.agent, path, size, opts.tail);
    if (text !== '') opts.write(text);
    offset = size;
  }
  let printed = 0;
  for (;;) {
    const next = await copyFrom(located.agent, path, offset, opts.write);
    printed += next - offset;
    offset = next;
    if (!opts.follow || terminal) return printed;
    await opts.sleep(opts.pollIntervalMs);
    terminal = await taskTerminal(located);
  }
}
