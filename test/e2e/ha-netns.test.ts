/**
 * Multi-host HA (issue 6) on a private network of namespaces (netns.ts), laid
 * out like a real deployment:
 *
 *   m1, m2, m3: a ZooKeeper server (2181) and `meseta master --zk=… --quorum=2` (5050);
 *               Marathon (8080) on m1 and m2
 *   a1, a2, a3: `meseta agent --master=zk://…/mesos` (5051)
 *
 * One app of 2 instances (hostname UNIQUE, unreachableStrategy 1 s / 4 s) runs
 * throughout. In order, each case checked through the public APIs:
 *   a. SIGKILL the leading master: another leads, agents and Marathon follow,
 *      the same tasks (ids, pids) keep running.
 *   b. SIGKILL the leading Marathon: the other leads, the app keeps its tasks.
 *   c. Partition an agent with an instance: TASK_UNREACHABLE after
 *      --agent_ping_timeout=1secs × --max_agent_ping_timeouts=3, Marathon
 *      replaces it on the free agent; heal: the agent reregisters and (c2)
 *      Marathon kills the returned instance: exactly 2 run again.
 *   d. SIGKILL an agent and restart it: its running task survives (same pid);
 *      a task that exited 0 meanwhile is reported TASK_FINISHED after restart.
 *      (Unacknowledged updates across a crash: agent-recovery.test.ts.)
 *   e. SIGKILL 2 of 3 ZooKeeper servers: every master exits "Lost
 *      leadership... committing suicide!" (Mesos: a contender whose session
 *      is lost), none claims to lead, tasks keep running; ZooKeeper back and masters restarted (systemd's role here): a
 *      leader is elected and frameworks, agents and tasks are intact.
 * Logs of every process go to a temp dir; their tails are printed on failure.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { TestNetwork, netnsTestOptions } from '../support/netns.js';
import { MESETA, getJson, waitFor, type Proc } from './harness.js';

const MASTERS = ['m1', 'm2', 'm3'];
const AGENTS = ['a1', 'a2', 'a3'];
const APP = 'netns-app';

interface StateTask {
  id: string;
  state: string;
  slave_id: string;
  framework_id: string;
}
interface MasterState {
  slaves: Array<{ id: string; hostname: string; active: boolean }>;
  frameworks: Array<{ id: string; name: string; active: boolean; tasks: StateTask[]; completed_tasks: StateTask[] }>;
  unreachable_tasks?: StateTask[];
}
interface AgentState {
  frameworks: Array<{ executors: Array<{ tasks: Array<{ id: string; state: string; statuses: Array<{ container_status?: { executor_pid?: number } }> }> }> }>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const skip = netnsTestOptions().skip ?? zookeeperTestOptions().skip;

describe('HA across hosts in network namespaces', skip ? { skip } : {}, () => {
  let net: TestNetwork;
  let zk: ZooKeeperEnsemble;
  let root: string;
  let logDir: string;
  let mesosZk = '';
  let marathonZk = '';
  const procs = new Map<string, Proc>();
  /** Every Proc ever started, by label, for the logs. */
  const history: Array<[string, Proc]> = [];
  const taskPids = new Set<number>();
  let failed = false;

  const url = (host: string, port: number): string => `http://${net.address(host)}:${port}`;
  /** POSTs UPDATE_WEIGHTS for one role to a master's operator API; bounded by 30 s. */
  async function updateWeight(host: string, role: string, weight: number): Promise<{ status: number; text: string }> {
    const response = await fetch(`${url(host, 5050)}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role, weight }] } }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, text: await response.text() };
  }

  function start(label: string, host: string, args: string[]): Proc {
    const proc = net.runIn(host, [process.execPath, MESETA, ...args]);
    procs.set(label, proc);
    history.push([label, proc]);
    return proc;
  }

  function running(label: string): boolean {
    const proc = procs.get(label);
    return !!proc && proc.child.exitCode === null && proc.child.signalCode === null;
  }

  function startMaster(host: string): Proc {
    const addr = net.address(host);
    return start(`master-${host}`, host, [
      'master', `--ip=${addr}`, `--hostname=${addr}`, '--port=5050', `--work_dir=${join(root, host, 'master')}`,
      `--zk=${mesosZk}`, '--quorum=2', '--zk_session_timeout=5secs',
      // Partition detection in 3 s instead of Mesos's 75 s.
      '--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=3',
    ]);
  }

  function startAgent(host: string): Proc {
    const addr = net.address(host);
    return start(`agent-${host}`, host, [
      'agent', `--master=${mesosZk}`, `--ip=${addr}`, `--hostname=${addr}`, '--port=5051',
      `--work_dir=${join(root, host, 'agent')}`, `--runtime_dir=${join(root, host, 'run')}`,
      '--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]', '--registration_backoff_factor=200ms',
    ]);
  }

  function startMarathon(host: string): Proc {
    const addr = net.address(host);
    return start(`marathon-${host}`, host, [
      'marathon', `--master=${mesosZk}`, `--zk=${marathonZk}`, '--http_port=8080', `--hostname=${addr}`, `--http_address=${addr}`,
      `--work_dir=${join(root, host, 'marathon')}`, '--zk_session_timeout=5000', '--reconciliation_interval=3000', '--decline_offer_duration=2000',
    ]);
  }

  /** The master whose /master/state answers 200 (standbys redirect). */
  async function leader(timeoutMs = 60_000): Promise<string> {
    return waitFor('a leading master', async () => {
      for (const host of MASTERS) {
        if (!running(`master-${host}`)) continue;
        const response = await fetch(`${url(host, 5050)}/master/state`, { redirect: 'manual', signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        if (response?.status === 200) return host;
      }
      return undefined;
    }, timeoutMs, 200);
  }

  async function state(master: string): Promise<MasterState> {
    return getJson<MasterState>(`${url(master, 5050)}/master/state`);
  }

  /** The Marathon both live instances name as leader. */
  async function marathonLeader(timeoutMs = 60_000): Promise<string> {
    return waitFor('one Marathon leader', async () => {
      const live = ['m1', 'm2'].filter((h) => running(`marathon-${h}`));
      const named = await Promise.all(live.map(async (h) => (await getJson<{ leader: string | null }>(`${url(h, 8080)}/v2/leader`)).leader));
      if (named.length === 0 || named.some((n) => n !== named[0])) return undefined;
      return live.find((h) => `${net.address(h)}:8080` === named[0]);
    }, timeoutMs, 200);
  }

  /** Running tasks of `app` on the leading master, sorted by id, with the agent's hostname. */
  async function runningTasks(master: string, app = APP): Promise<Array<{ id: string; host: string }>> {
    const s = await state(master);
    const hostOf = new Map(s.slaves.map((a) => [a.id, a.hostname]));
    return s.frameworks
      .flatMap((f) => f.tasks)
      .filter((t) => t.id.startsWith(`${app}.`) && t.state === 'TASK_RUNNING')
      .map((t) => ({ id: t.id, host: hostOf.get(t.slave_id) ?? '?' }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Task pids as the agents report them (executor_pid of TASK_RUNNING), by task id. */
  async function pids(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const host of AGENTS) {
      if (!running(`agent-${host}`)) continue;
      const s = await getJson<AgentState>(`${url(host, 5051)}/state`).catch(() => undefined);
      for (const t of s?.frameworks.flatMap((f) => f.executors.flatMap((e) => e.tasks)) ?? []) {
        const pid = t.statuses.find((x) => x.container_status?.executor_pid)?.container_status?.executor_pid;
        if (pid) {
          out.set(t.id, pid);
          taskPids.add(pid);
        }
      }
    }
    return out;
  }

  function hostByAddress(address: string): string {
    return [...net.hosts.values()].find((h) => h.address === address)!.name;
  }

  /** Runs a case; on failure writes every log and prints their tails. */
  async function step(fn: () => Promise<void>, options: { quiet?: boolean } = {}): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (options.quiet) throw error;
      failed = true;
      for (const [label, proc] of history) {
        const text = proc.stdout + proc.stderr;
        writeFileSync(join(logDir, `${label}-${proc.pid}.log`), text);
        process.stderr.write(`\n--- ${label} (pid ${proc.pid}) tail ---\n${text.split('\n').slice(-25).join('\n')}\n`);
      }
      for (const server of zk?.servers ?? []) writeFileSync(join(logDir, `zookeeper-${server.id}.log`), zk.log(server.id));
      process.stderr.write(`\nLogs in ${logDir}\n`);
      throw error;
    }
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'meseta-ha-netns-'));
    logDir = mkdtempSync(join(tmpdir(), 'meseta-ha-netns-logs-'));
    net = TestNetwork.create([...MASTERS, ...AGENTS]);
    for (const host of [...MASTERS, ...AGENTS]) mkdirSync(join(root, host), { recursive: true });
    zk = await ZooKeeperEnsemble.start({
      placement: MASTERS.map((host) => ({ address: net.address(host), spawn: (command, args, options) => net.spawnIn(host, command, args, options) })),
      startTimeoutMs: 60_000,
    });
    mesosZk = zk.url('/mesos');
    marathonZk = zk.url('/marathon');
    for (const host of MASTERS) startMaster(host);
    const lead = await leader();
    for (const host of AGENTS) startAgent(host);
    await waitFor('3 agents registered', async () => (await state(lead)).slaves.filter((a) => a.active).length === 3, 60_000, 200);
    startMarathon('m1');
    startMarathon('m2');
    const marathon = await marathonLeader();
    const created = await fetch(`${url(marathon, 8080)}/v2/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: APP, cmd: 'sleep 600', cpus: 0.1, mem: 16, instances: 2, constraints: [['hostname', 'UNIQUE']],
        unreachableStrategy: { inactiveAfterSeconds: 1, expungeAfterSeconds: 4 },
      }),
    });
    assert.equal(created.status, 201, await created.text());
    await waitFor('2 instances running', async () => (await runningTasks(lead)).length === 2, 60_000, 200);
  });

  after(async () => {
    // Stop the app's tasks through Mesos before stopping the agents (they would outlive them).
    const lead = await leader(5000).catch(() => undefined);
    if (lead) {
      const s = await state(lead).catch(() => undefined);
      for (const f of s?.frameworks ?? []) {
        await fetch(`${url(lead, 5050)}/master/teardown`, { method: 'POST', body: `frameworkId=${f.id}` }).catch(() => undefined);
      }
      await waitFor('agents run no task', async () => (await pids()).size === 0, 20_000, 200).catch(() => undefined);
    }
    await Promise.all([...procs.values()].map((p) => p.stop('SIGTERM')));
    for (const pid of taskPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await zk?.stopAll();
    net?.destroy();
    rmSync(root, { recursive: true, force: true });
    if (!failed) rmSync(logDir, { recursive: true, force: true });
  });

  it('a. SIGKILL of the leading master: another is elected, agents and Marathon follow, no task lost or restarted', () =>
    step(async () => {
      const old = await leader();
      const tasksBefore = await runningTasks(old);
      const pidsBefore = await pids();
      assert.equal(tasksBefore.length, 2);
      await procs.get(`master-${old}`)!.stop('SIGKILL');
      const next = await leader();
      assert.notEqual(next, old);
      await waitFor('agents and Marathon with the new leader, same tasks', async () => {
        const s = await state(next);
        const marathon = s.frameworks.find((f) => f.name === 'marathon');
        const tasks = await runningTasks(next);
        return s.slaves.filter((a) => a.active).length === 3 && marathon?.active === true && JSON.stringify(tasks) === JSON.stringify(tasksBefore);
      }, 60_000, 250);
      const pidsAfter = await pids();
      for (const t of tasksBefore) {
        assert.equal(pidsAfter.get(t.id), pidsBefore.get(t.id), `task ${t.id} not restarted`);
        assert.ok(alive(pidsBefore.get(t.id)!), `task ${t.id} still running`);
      }
      // systemd's role: the killed master comes back as a standby.
      startMaster(old);
      await waitFor('the restarted master redirects to the leader', async () => {
        const r = await fetch(`${url(old, 5050)}/master/state`, { redirect: 'manual' });
        return r.status === 307;
      }, 30_000, 200);
    }));

  it('b. SIGKILL of the leading Marathon: the other takes over with the app and its tasks', () =>
    step(async () => {
      const lead = await leader();
      const old = await marathonLeader();
      const tasksBefore = await runningTasks(lead);
      const frameworkId = (await getJson<{ frameworkId: string }>(`${url(old, 8080)}/v2/info`)).frameworkId;
      await procs.get(`marathon-${old}`)!.stop('SIGKILL');
      const next = await marathonLeader();
      assert.notEqual(next, old);
      await waitFor('the new Marathon subscribed under the same framework id, app intact', async () => {
        const s = await state(lead);
        const app = await getJson<{ app: { instances: number; tasks: Array<{ id: string; state: string }> } }>(`${url(next, 8080)}/v2/apps/${APP}`);
        const ids = app.app.tasks.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
        return s.frameworks.some((f) => f.id === frameworkId && f.active) && JSON.stringify(ids) === JSON.stringify(tasksBefore.map((t) => t.id));
      }, 60_000, 250);
      assert.deepEqual(await runningTasks(lead), tasksBefore, 'nothing relaunched');
      startMarathon(old);
      await waitFor('the restarted Marathon stands by', async () => (await marathonLeader()) === next, 30_000, 200);
    }));

  it('c. partitioned agent: its instance becomes unreachable and is replaced; healed: the agent comes back', () =>
    step(async () => {
      const lead = await leader();
      const before = await runningTasks(lead);
      const cut = hostByAddress(before[0]!.host);
      const survivor = before[1]!;
      const cutTask = before[0]!.id;
      net.partition(cut);
      try {
        await waitFor('the cut agent unreachable and its task TASK_UNREACHABLE', async () => {
          const metrics = await getJson<Record<string, number>>(`${url(lead, 5050)}/metrics/snapshot`);
          const s = await state(lead);
          const task = s.frameworks.flatMap((f) => [...f.tasks, ...f.completed_tasks]).concat(s.unreachable_tasks ?? []).find((t) => t.id === cutTask);
          return metrics['master/slaves_unreachable'] === 1 && (task === undefined || task.state === 'TASK_UNREACHABLE');
        }, 30_000, 250);
        const replaced = await waitFor('a replacement on the free agent', async () => {
          const tasks = await runningTasks(lead);
          return tasks.length === 2 && tasks.some((t) => t.id === survivor.id) && tasks.every((t) => t.host !== net.address(cut)) ? tasks : undefined;
        }, 60_000, 250);
        assert.ok(!replaced.some((t) => t.id === cutTask));
      } finally {
        net.heal(cut);
      }
      await waitFor('the agent back with its task', async () => {
        const s = await state(lead);
        const back = s.slaves.some((a) => a.hostname === net.address(cut) && a.active);
        return back && s.frameworks.some((f) => f.tasks.some((t) => t.id === cutTask && t.state === 'TASK_RUNNING'));
      }, 60_000, 250).catch(() => undefined);
      assert.ok((await state(lead)).slaves.some((a) => a.hostname === net.address(cut) && a.active), 'the healed agent reregistered');
    }));

  it('c2. after the heal, reconciliation leaves exactly 2 instances', () =>
    step(async () => {
      const lead = await leader();
      const final = await waitFor('exactly 2 instances, as Marathon sees them', async () => {
        const s = await state(lead);
        const all = s.frameworks.flatMap((f) => f.tasks).filter((t) => t.id.startsWith(`${APP}.`));
        const live = all.filter((t) => t.state === 'TASK_RUNNING');
        const marathon = await marathonLeader(5000);
        const app = await getJson<{ app: { tasks: Array<{ id: string; state: string }> } }>(`${url(marathon, 8080)}/v2/apps/${APP}`);
        const seen = app.app.tasks.map((t) => t.id).sort();
        const ok = all.every((t) => t.state === 'TASK_RUNNING') && live.length === 2 && JSON.stringify(seen) === JSON.stringify(live.map((t) => t.id).sort());
        return ok ? live : undefined;
      }, 20_000, 250);
      assert.equal(final.length, 2);
    }));

  it('d. SIGKILL of an agent and restart: its running task survives; one that exited 0 meanwhile is reported TASK_FINISHED', () =>
    step(async () => {
      const lead = await leader();
      const marathon = await marathonLeader();
      const [target] = await runningTasks(lead);
      const host = hostByAddress(target!.host);
      // A second app pinned to the same agent; it exits 0 on SIGTERM.
      const pinned = await fetch(`${url(marathon, 8080)}/v2/apps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          id: 'netns-exit', cmd: "trap 'exit 0' TERM; while :; do sleep 0.2; done", cpus: 0.1, mem: 16, instances: 1,
          constraints: [['hostname', 'CLUSTER', net.address(host)]],
        }),
      });
      assert.equal(pinned.status, 201, await pinned.text());
      const [exiting] = await waitFor('the pinned task running', async () => {
        const t = await runningTasks(lead, 'netns-exit');
        return t.length === 1 ? t : undefined;
      }, 60_000, 200);
      const pidsBefore = await pids();
      const keepPid = pidsBefore.get(target!.id)!;
      const exitPid = pidsBefore.get(exiting!.id)!;
      assert.ok(keepPid && exitPid);

      await procs.get(`agent-${host}`)!.stop('SIGKILL');
      process.kill(exitPid, 'SIGTERM');
      await waitFor('the pinned task exited while its agent is down', () => !alive(exitPid), 10_000);
      startAgent(host);
      await waitFor('the exit reported as TASK_FINISHED, the other task running', async () => {
        const s = await state(lead);
        const tasks = s.frameworks.flatMap((f) => [...f.tasks, ...f.completed_tasks]);
        return tasks.find((t) => t.id === exiting!.id)?.state === 'TASK_FINISHED' && tasks.find((t) => t.id === target!.id)?.state === 'TASK_RUNNING';
      }, 60_000, 250);
      assert.ok(alive(keepPid), 'the running task survived its agent');
      assert.equal((await pids()).get(target!.id), keepPid, 'same pid after recovery');
      const deleted = await fetch(`${url(marathon, 8080)}/v2/apps/netns-exit`, { method: 'DELETE' });
      assert.equal(deleted.status, 200);
      await waitFor('the pinned app gone', async () => (await runningTasks(lead, 'netns-exit')).length === 0, 30_000, 200);
    }));

  it('e. ZooKeeper quorum lost: masters step down; quorum back: a leader with the state intact', () =>
    step(async () => {
      const lead = await leader();
      const tasksBefore = await runningTasks(lead);
      const pidsBefore = await pids();
      const frameworkId = (await state(lead)).frameworks.find((f) => f.name === 'marathon')!.id;
      // A weight set while ZooKeeper has quorum is in the registry and outlives the leader.
      assert.equal((await updateWeight(lead, 'kept', 3)).status, 200);
      const lost = [2, 3];
      for (const id of lost) await zk.stop(id, 'SIGKILL');
      // Without quorum no write commits: the operator is not told it did (503, or
      // the master exits mid-call), and the new leader will not know the weight.
      const refused = await updateWeight(lead, 'lost', 5).catch((error: Error) => ({ status: 0, text: error.message }));
      assert.notEqual(refused.status, 200, `UPDATE_WEIGHTS without quorum answered 200 (${refused.text})`);
      // Every master's session is lost: the leader (and the standbys) exit as Mesos's do.
      for (const host of MASTERS) {
        const exit = await procs.get(`master-${host}`)!.waitExit(30_000);
        assert.equal(exit.code, 1, `master on ${host} exits 1`);
      }
      assert.match(procs.get(`master-${lead}`)!.stderr + procs.get(`master-${lead}`)!.stdout, /Lost leadership\.\.\. committing suicide!/);
      for (const pid of pidsBefore.values()) assert.ok(alive(pid), 'tasks keep running without masters');

      for (const id of lost) await zk.restart(id);
      for (const host of MASTERS) startMaster(host);
      const next = await leader(90_000);
      await waitFor('agents, Marathon and tasks back with the new leader', async () => {
        const s = await state(next);
        const marathon = s.frameworks.find((f) => f.id === frameworkId);
        return s.slaves.filter((a) => a.active).length === 3 && marathon?.active === true && JSON.stringify(await runningTasks(next)) === JSON.stringify(tasksBefore);
      }, 90_000, 250);
      const pidsAfter = await pids();
      for (const t of tasksBefore) assert.equal(pidsAfter.get(t.id), pidsBefore.get(t.id), `task ${t.id} not restarted`);
      const weights = await fetch(`${url(next, 5050)}/api/v1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ type: 'GET_WEIGHTS' }),
      });
      const roles = ((await weights.json()) as { get_weights: { weight_infos: Array<{ role: string; weight: number }> } }).get_weights.weight_infos;
      assert.deepEqual(roles.find((w) => w.role === 'kept')?.weight, 3, 'the committed weight survived the failover');
      assert.equal(roles.find((w) => w.role === 'lost'), undefined, 'the uncommitted weight did not');
    }));
});

