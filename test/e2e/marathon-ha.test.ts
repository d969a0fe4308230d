/**
 * Seed case 13 with HA: `marathon --master zk://…/mesos --zk zk://…/marathon`
 * twice, against a master elected in ZooKeeper and an agent that found it there.
 * One Marathon leads (its own election under /marathon/leader); the standby
 * relays the API to it (X-Marathon-Via). The leader is SIGKILLed: the standby
 * takes over with the state from ZooKeeper, resubscribes under the same
 * framework id and reconciles — the app keeps its one running task, never
 * relaunched. `DELETE /v2/leader` hands leadership back to a restarted peer.
 * ZooKeeper is real (Debian's package).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';

interface MarathonProc {
  proc: Proc;
  port: number;
  url: string;
  /** `host:port` as `/v2/leader` shows it. */
  address: string;
}

interface AppTask {
  id: string;
  state: string;
  stagedAt?: string;
}

interface MasterState {
  frameworks: Array<{ id: string; name: string; active: boolean; tasks: Array<{ id: string; state: string }> }>;
  completed_frameworks: Array<{ id: string }>;
}

describe('Marathon HA through ZooKeeper (seed case 13)', zookeeperTestOptions(), () => {
  let zk: ZooKeeperEnsemble;
  let dir: string;
  let masterUrl = '';
  let agentUrl = '';
  let mesosZk = '';
  let marathonZk = '';
  const marathons: MarathonProc[] = [];

  async function startMarathon(index: number, port?: number): Promise<MarathonProc> {
    const httpPort = port ?? (await freePort());
    const proc = meseta([
      'marathon', `--master=${mesosZk}`, `--zk=${marathonZk}`, `--http_port=${httpPort}`, '--hostname=127.0.0.1', '--http_address=127.0.0.1',
      `--work_dir=${join(dir, `marathon-${index}`)}`, '--zk_session_timeout=2000', '--reconciliation_interval=2000',
    ]);
    const m = { proc, port: httpPort, url: `http://127.0.0.1:${httpPort}`, address: `127.0.0.1:${httpPort}` };
    marathons[index] = m;
    await waitFor(`marathon ${index} serving`, async () => {
      if (proc.child.exitCode !== null) throw new Error(`marathon exited: ${proc.stderr}`);
      return (await fetch(`${m.url}/ping`)).status === 200;
    }, 30_000);
    return m;
  }

  /** The Marathon every live instance names as leader (and that answers for itself). */
  async function leader(except?: MarathonProc): Promise<MarathonProc> {
    return waitFor('one Marathon leader named by all', async () => {
      const live = marathons.filter((m) => m && m !== except && m.proc.child.exitCode === null && m.proc.child.signalCode === null);
      const named = await Promise.all(live.map(async (m) => (await getJson<{ leader: string }>(`${m.url}/v2/leader`)).leader));
      if (named.length === 0 || named.some((n) => n !== named[0])) return undefined;
      return live.find((m) => m.address === named[0]);
    }, 40_000, 200);
  }

  async function appTasks(base: string, id: string): Promise<AppTask[]> {
    return (await getJson<{ app: { tasks: AppTask[] } }>(`${base}/v2/apps/${id}`)).app.tasks;
  }

  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
    mesosZk = zk.url('/mesos');
    marathonZk = zk.url('/marathon');
    dir = tempDir('marathon-ha');
    const masterPort = await freePort();
    masterUrl = `http://127.0.0.1:${masterPort}`;
    meseta(['master', '--ip=127.0.0.1', `--port=${masterPort}`, `--work_dir=${join(dir, 'master')}`, `--zk=${mesosZk}`, '--quorum=1', '--zk_session_timeout=3secs']);
    const agentPort = await freePort();
    agentUrl = `http://127.0.0.1:${agentPort}`;
    meseta([
      'agent', `--master=${mesosZk}`, '--ip=127.0.0.1', `--port=${agentPort}`, `--work_dir=${join(dir, 'agent')}`,
      `--runtime_dir=${join(dir, 'run')}`, '--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]',
    ]);
    await waitFor('agent registered with the elected master', async () => (await getJson<{ slaves: unknown[] }>(`${masterUrl}/master/state`)).slaves.length === 1, 30_000);
    await startMarathon(0);
    await startMarathon(1);
  });

  after(async () => {
    // Tear the framework down and wait until the agent has killed its tasks: they outlive the agent otherwise.
    const state = await getJson<MasterState>(`${masterUrl}/master/state`).catch(() => undefined);
    for (const f of state?.frameworks ?? []) {
      await fetch(`${masterUrl}/master/teardown`, { method: 'POST', body: `frameworkId=${f.id}` }).catch(() => undefined);
    }
    await waitFor('the agent runs no task', async () => (await getJson<{ frameworks: unknown[] }>(`${agentUrl}/state`)).frameworks.length === 0, 20_000, 200).catch(() => undefined);
    await stopAll();
    await zk?.stopAll();
    cleanupDirs();
  });

  it('elects one Marathon; the standby relays the API to it; the framework registers through the zk:// master', async () => {
    const lead = await leader();
    const standby = marathons.find((m) => m !== lead)!;
    const info = await fetch(`${standby.url}/v2/info`);
    assert.equal(info.status, 200);
    assert.ok(info.headers.get('x-marathon-via')?.includes(standby.address), 'relayed by the standby');
    assert.equal(info.headers.get('x-marathon-leader'), `http://${lead.address}`);
    const body = (await info.json()) as { elected: boolean; leader: string; marathon_config: { ha: boolean }; zookeeper_config: { zk: string } };
    assert.equal(body.elected, true);
    assert.equal(body.leader, lead.address);
    assert.equal(body.marathon_config.ha, true);
    assert.match(body.zookeeper_config.zk, /^zk:\/\/127\.0\.0\.1:\d+\/marathon$/);
    const direct = await fetch(`${lead.url}/v2/info`);
    assert.equal(direct.headers.get('x-marathon-via'), null);
    const events = await fetch(`${standby.url}/v2/events`, { redirect: 'manual', headers: { Accept: 'text/event-stream' } });
    assert.equal(events.status, 302);
    assert.equal(events.headers.get('location'), `http://${lead.address}/v2/events`);
    await waitFor('marathon framework active on the master', async () => {
      const state = await getJson<MasterState>(`${masterUrl}/master/state`);
      return state.frameworks.filter((f) => f.name === 'marathon' && f.active).length === 1;
    }, 30_000);
  });

  it('keeps the running task when the leader is killed: the standby takes over, resubscribes and reconciles', async () => {
    const lead = await leader();
    const standby = marathons.find((m) => m !== lead)!;
    // Posted to the standby: the relay carries the body and the 201 back.
    const created = await fetch(`${standby.url}/v2/apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'ha-sleeper', cmd: 'sleep 600', cpus: 0.1, mem: 16, instances: 1 }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    assert.match(created.headers.get('location') ?? '', /\/v2\/apps\/ha-sleeper$/);
    const [task] = await waitFor('task running', async () => {
      const tasks = await appTasks(lead.url, 'ha-sleeper');
      return tasks.length === 1 && tasks[0]!.state === 'TASK_RUNNING' ? tasks : undefined;
    }, 30_000);
    const frameworkId = (await getJson<{ frameworkId: string }>(`${lead.url}/v2/info`)).frameworkId;

    await lead.proc.stop('SIGKILL');
    const next = await leader(lead);
    assert.equal(next, standby);
    const info = await waitFor('new leader subscribed', async () => {
      const i = await getJson<{ frameworkId: string | null; elected: boolean }>(`${next.url}/v2/info`);
      const state = await getJson<MasterState>(`${masterUrl}/master/state`);
      return state.frameworks.some((f) => f.id === frameworkId && f.active) ? i : undefined;
    }, 40_000, 200);
    assert.equal(info.frameworkId, frameworkId, 'same framework id after failover');
    // Reconciled: the same task, still running; nothing relaunched on the master.
    const tasks = await waitFor('the app still has its task', async () => {
      const t = await appTasks(next.url, 'ha-sleeper');
      return t.length === 1 && t[0]!.state === 'TASK_RUNNING' ? t : undefined;
    }, 20_000);
    assert.equal(tasks[0]!.id, task!.id);
    const state = await getJson<MasterState>(`${masterUrl}/master/state`);
    const framework = state.frameworks.find((f) => f.id === frameworkId)!;
    assert.deepEqual(framework.tasks.map((t) => [t.id, t.state]), [[task!.id, 'TASK_RUNNING']]);
    assert.equal(state.frameworks.filter((f) => f.name === 'marathon').length, 1, 'no second framework registered');
  });

  it('DELETE /v2/leader hands leadership to a standby; the app and its task stay', async () => {
    const current = await leader();
    const killed = marathons.find((m) => m !== current)!;
    const restarted = await startMarathon(marathons.indexOf(killed), killed.port);
    const before = await appTasks(current.url, 'ha-sleeper');
    // Abdication answered through the standby's relay, as Marathon's proxy would.
    const response = await fetch(`${restarted.url}/v2/leader`, { method: 'DELETE' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { message: 'Leadership abdicated' });
    const next = await waitFor('the restarted Marathon leads', async () => {
      const l = await leader();
      return l === restarted ? l : undefined;
    }, 40_000, 200);
    const tasks = await waitFor('the app keeps its task', async () => {
      const t = await appTasks(next.url, 'ha-sleeper');
      return t.length === 1 && t[0]!.state === 'TASK_RUNNING' ? t : undefined;
    }, 30_000);
    assert.equal(tasks[0]!.id, before[0]!.id);
    // The abdicated process stands by and relays.
    const relayed = await fetch(`${current.url}/v2/leader`);
    assert.deepEqual(await relayed.json(), { leader: restarted.address });
    assert.ok(relayed.headers.get('x-marathon-via'));
  });
});
