/**
 * The operator CLI against a real `meseta local`: tasks in every state show
 * in `meseta tasks`, the agent in `meseta agents`, a task's output through
 * `meseta logs` (also while it is being written, with --follow), and the
 * running task in `meseta top --once`. Only public endpoints are involved.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupDirs, freePort, meseta, startLocal, stopAll, type LocalCluster, type Proc } from './harness.js';
import { RawScheduler, commandTask } from './raw-scheduler.js';
import type { Offer, TaskStatus } from '../../src/mesos/types.js';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Resolves when `proc`'s stdio streams are drained ('exit' can come before the last output). */
function closed(proc: Proc): Promise<void> {
  return new Promise((resolve) => {
    if (proc.child.stdout?.closed && proc.child.stderr?.closed) resolve();
    else proc.child.once('close', () => resolve());
  });
}

/** Runs `meseta <args>` to completion (bounded), with all of its output. */
async function cli(args: string[], timeoutMs = 30_000): Promise<Result> {
  const proc = meseta(args);
  const drained = closed(proc);
  const { code } = await proc.waitExit(timeoutMs);
  await drained;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

describe('operator CLI', () => {
  let cluster: LocalCluster;
  let sched: RawScheduler;
  let master: string;

  /** Launches command tasks `[id, command, name?]` on the next offer. */
  const launch = async (tasks: Array<[string, string, string?]>): Promise<Offer> => {
    const [offer] = await sched.offers();
    assert.ok(offer);
    await sched.launch(
      offer,
      tasks.map(([id, command, name]) => ({ ...commandTask(offer, id, command, 0.1, 32), name: name ?? id })),
    );
    return offer;
  };
  const finished = (taskId: string): boolean =>
    sched.events.some((e) => {
      if (e.type !== 'UPDATE') return false;
      const s = (e.update as { status: TaskStatus }).status;
      return s.task_id.value === taskId && s.state === 'TASK_FINISHED';
    });

  before(async () => {
    cluster = await startLocal({ flags: ['--resources=cpus:2;mem:2048;disk:1024'] });
    master = `--master=${cluster.master}`;
    sched = new RawScheduler(cluster.url);
    await sched.subscribe({ name: 'operator-test' });
    await launch([
      ['sleeper', 'sleep 120'],
      ['ok', 'echo hello-from-ok; echo warn-from-ok >&2'],
      ['bad', 'echo oops >&2; exit 3'],
      ['dup-1', 'true', 'dup'],
      ['dup-2', 'true', 'dup'],
    ]);
    await sched.update('sleeper', 'TASK_RUNNING');
    await sched.update('ok', 'TASK_FINISHED');
    await sched.update('bad', 'TASK_FAILED');
    await sched.update('dup-1', 'TASK_FINISHED');
    await sched.update('dup-2', 'TASK_FINISHED');
  });
  after(async () => {
    sched?.close();
    await stopAll();
    cleanupDirs();
  });

  it('tasks --all --json shows running, finished and failed tasks with their agent', async () => {
    const all = await cli(['tasks', master, '--all', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const rows = JSON.parse(all.stdout) as Array<{ id: string; state: string; framework_name: string; agent_endpoint: string; cpus: number; mem: number }>;
    const state = Object.fromEntries(rows.map((r) => [r.id, r.state]));
    assert.deepEqual(state, { bad: 'TASK_FAILED', 'dup-1': 'TASK_FINISHED', 'dup-2': 'TASK_FINISHED', ok: 'TASK_FINISHED', sleeper: 'TASK_RUNNING' }, all.stdout);
    const sleeper = rows.find((r) => r.id === 'sleeper')!;
    assert.equal(sleeper.framework_name, 'operator-test');
    assert.match(sleeper.agent_endpoint, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual([sleeper.cpus, sleeper.mem], [0.1, 32]);

    const active = await cli(['tasks', master, '--json']);
    assert.deepEqual((JSON.parse(active.stdout) as Array<{ id: string }>).map((r) => r.id), ['sleeper'], active.stdout + active.stderr);
    const failed = await cli(['tasks', master, '--state=failed']);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stdout, /^ID\s+NAME\s+FRAMEWORK\s+AGENT\s+STATE/);
    assert.match(failed.stdout, /\nbad\s+bad\s+operator-test\s+127\.0\.0\.1\s+FAILED\s+0\.1\s+32MB\s+\d+s ago\n$/);
  });

  it('agents lists the agent; frameworks lists the framework; state prints /master/state', async () => {
    const agents = await cli(['agents', master]);
    assert.equal(agents.code, 0, agents.stderr);
    const state = JSON.parse((await cli(['state', master])).stdout) as { slaves: Array<{ id: string; pid: string }> };
    const agent = state.slaves[0]!;
    const endpoint = agent.pid.split('@')[1]!;
    assert.match(agents.stdout, new RegExp(`\\n${agent.id}\\s+127\\.0\\.0\\.1\\s+${endpoint}\\s+yes\\s+0\\.1/2\\s+32MB/2GB\\s+0MB/1GB\\s+-\\n`));
    const frameworks = await cli(['frameworks', master]);
    assert.match(frameworks.stdout, /\n\S+\s+operator-test\s+active\s+\*\s+1\s+0\.1\s+32MB\n/);
  });

  it("logs prints a task's stdout or stderr; unknown and ambiguous names exit 1", async () => {
    const out = await cli(['logs', 'ok', master]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /hello-from-ok\n/);
    assert.doesNotMatch(out.stdout, /warn-from-ok/);
    const err = await cli(['logs', master, '--stderr', 'bad']);
    assert.match(err.stdout, /oops\n/);
    const tail = await cli(['logs', 'ok', master, '--tail=1']);
    assert.equal(tail.stdout.split('\n').filter((l) => l !== '').length, 1);

    const unknown = await cli(['logs', 'nope', master]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "No task with id or name 'nope' (see 'meseta tasks --all')\n");
    const ambiguous = await cli(['logs', 'dup', master]);
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /^'dup' matches 2 tasks; give one of these task ids:\n  dup-1  FINISHED .*\n  dup-2  FINISHED .*\n$/);
  });

  it('logs --follow prints lines while the task writes them, and ends with the task', async () => {
    await launch([['counter', 'for i in 1 2 3 4 5; do echo line-$i; sleep 0.3; done']]);
    await sched.update('counter', 'TASK_RUNNING');
    const follow = meseta(['logs', 'counter', '--follow', master]);
    const drained = closed(follow);
    await follow.waitForOutput(/line-1\n/, 10_000);
    // Seen before the task ended, and before its last line was written.
    assert.equal(finished('counter'), false, 'line-1 arrived only after TASK_FINISHED');
    assert.doesNotMatch(follow.stdout, /line-5/);
    const { code } = await follow.waitExit(20_000);
    await drained;
    assert.equal(code, 0, follow.stderr);
    assert.ok(finished('counter'));
    assert.match(follow.stdout, /line-1\nline-2\nline-3\nline-4\nline-5\n$/);
  });

  it('top --once shows the running task with its limits', async () => {
    const json = await cli(['top', master, '--once', '--interval=300ms', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as Array<{ executor_id: string; tasks: string[]; cpus_limit: number | null; cpu_percent: number | null; mem_limit_bytes: number | null }>;
    const sleeper = rows.find((r) => r.executor_id === 'sleeper');
    assert.ok(sleeper, json.stdout);
    assert.deepEqual(sleeper.tasks, ['sleeper']);
    assert.ok(sleeper.cpus_limit !== null && sleeper.cpus_limit >= 0.1);
    assert.ok(sleeper.mem_limit_bytes !== null && sleeper.mem_limit_bytes >= 32 * 1024 * 1024);
    assert.ok(sleeper.cpu_percent !== null && sleeper.cpu_percent >= 0 && sleeper.cpu_percent < 50, String(sleeper.cpu_percent));
    const table = await cli(['top', master, '--once', '--interval=200ms']);
    assert.match(table.stdout, /^EXECUTOR\s+TASKS/);
    assert.match(table.stdout, /\nsleeper\s+sleeper\s+operator-test\s+127\.0\.0\.1\s+\d+\.\d%/);
  });

  it('an unreachable master is one line and exit 1', async () => {
    const port = await freePort();
    const result = await cli(['tasks', `--master=127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Failed to reach master at 127.0.0.1:${port}: connection refused\n`);
    const zk = await cli(['agents', '--master=zk://']);
    assert.equal(zk.code, 1);
    assert.match(zk.stderr, /^Invalid ZooKeeper URL/);
  });

});
