/**
 * Chronos with ZooKeeper: two `meseta chronos --master=zk://…/mesos
 * --zk_hosts=… --zk_path=/chronos/state` against a master elected in
 * ZooKeeper. One leads (its candidate znode lowest under
 * /chronos/state/candidate); the standby relays the REST API to it. The
 * leader is SIGKILLed: the other takes over with every job and keeps
 * running the schedule under the same framework id. Then every Chronos
 * stops and a fresh one (new work_dir, so nothing local) finds the jobs in
 * ZooKeeper. ZooKeeper is real (Debian's package).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';

interface ChronosProc {
  proc: Proc;
  url: string;
  address: string;
}

interface Job {
  name: string;
  successCount: number;
  schedule?: string;
  parents?: string[];
}

interface MasterState {
  frameworks: Array<{ id: string; name: string; active: boolean }>;
}

describe('Chronos HA through ZooKeeper', zookeeperTestOptions(), () => {
  let zk: ZooKeeperEnsemble;
  let dir: string;
  let masterUrl = '';
  let mesosZk = '';
  const chronoses: ChronosProc[] = [];

  async function startChronos(): Promise<ChronosProc> {
    const port = await freePort();
    const index = chronoses.length;
    const proc = meseta([
      'chronos', `--master=${mesosZk}`, `--zk_hosts=${zk.connectString}`, '--zk_path=/chronos/state', '--zk_timeout=2000',
      `--http_port=${port}`, '--http_address=127.0.0.1', '--hostname=127.0.0.1', `--work_dir=${join(dir, `chronos-${index}`)}`,
      '--min_revive_offers_interval=200', '--decline_offer_duration=1000',
    ]);
    const c = { proc, url: `http://127.0.0.1:${port}`, address: `127.0.0.1:${port}` };
    chronoses.push(c);
    await waitFor(`chronos ${index} listening`, () => {
      if (proc.child.exitCode !== null) throw new Error(`chronos exited: ${proc.stderr}`);
      return /Chronos listening on/.test(proc.stdout);
    }, 30_000);
    return c;
  }

  const live = (): ChronosProc[] => chronoses.filter((c) => c.proc.child.exitCode === null && c.proc.child.signalCode === null);

  /** The Chronos every live instance names as leader. */
  async function leader(): Promise<ChronosProc> {
    return waitFor('one Chronos leader named by all', async () => {
      const named = await Promise.all(live().map(async (c) => (await getJson<{ leader: string }>(`${c.url}/v1/scheduler/leader`)).leader));
      if (named.length === 0 || named.some((n) => n !== named[0])) return undefined;
      return live().find((c) => c.address === named[0]);
    }, 40_000, 200);
  }

  const job = (c: ChronosProc, name: string): Promise<Job> => getJson<Job>(`${c.url}/v1/scheduler/job/${name}`);

  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
    mesosZk = zk.url('/mesos');
    dir = tempDir('chronos-ha');
    const masterPort = await freePort();
    masterUrl = `http://127.0.0.1:${masterPort}`;
    meseta(['master', '--ip=127.0.0.1', `--port=${masterPort}`, `--work_dir=${join(dir, 'master')}`, `--zk=${mesosZk}`, '--quorum=1', '--zk_session_timeout=3secs']);
    meseta([
      'agent', `--master=${mesosZk}`, '--ip=127.0.0.1', `--port=${await freePort()}`, `--work_dir=${join(dir, 'agent')}`,
      `--runtime_dir=${join(dir, 'run')}`, '--resources=cpus:2;mem:1024;disk:1024',
    ]);
    await waitFor('agent registered', async () => (await getJson<{ slaves: unknown[] }>(`${masterUrl}/master/state`)).slaves.length === 1, 30_000);
    await startChronos();
    await startChronos();
  });

  after(async () => {
    await stopAll();
    await zk?.stopAll();
    cleanupDirs();
  });

  it('one leader; jobs posted to the standby are relayed to it and run', async () => {
    const lead = await leader();
    const standby = live().find((c) => c !== lead)!;
    const start = new Date(Date.now() - 1000).toISOString();
    const created = await fetch(`${standby.url}/v1/scheduler/iso8601`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'tick', command: 'true', schedule: `R/${start}/PT2S`, cpus: 0.1, mem: 16, owner: 'ha@example.com' }),
    });
    assert.equal(created.status, 204, await created.clone().text());
    const dependent = await fetch(`${standby.url}/v1/scheduler/dependency`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'after-tick', command: 'true', parents: ['tick'], cpus: 0.1, mem: 16 }),
    });
    assert.equal(dependent.status, 204, await dependent.clone().text());
    await waitFor('tick ran twice', async () => (await job(lead, 'tick')).successCount >= 2, 30_000, 200);
    // Both answer the same job list: the standby's is the leader's.
    const names = async (c: ChronosProc): Promise<string[]> => (await getJson<Job[]>(`${c.url}/v1/scheduler/jobs`)).map((j) => j.name).sort();
    assert.deepEqual(await names(standby), ['after-tick', 'tick']);
    assert.deepEqual(await names(lead), ['after-tick', 'tick']);
    await waitFor('chronos framework active', async () => {
      const state = await getJson<MasterState>(`${masterUrl}/master/state`);
      return state.frameworks.filter((f) => f.name === 'chronos' && f.active).length === 1;
    }, 20_000);
  });

  it('the standby takes over when the leader is killed: same jobs, same framework, the schedule keeps running', async () => {
    const lead = await leader();
    const state = await getJson<MasterState>(`${masterUrl}/master/state`);
    const frameworkId = state.frameworks.find((f) => f.name === 'chronos')!.id;
    await lead.proc.stop('SIGKILL');
    const next = await leader();
    assert.notEqual(next, lead);
    const before = (await job(next, 'tick')).successCount;
    await waitFor('tick runs under the new leader', async () => (await job(next, 'tick')).successCount >= before + 2, 40_000, 200);
    assert.deepEqual((await job(next, 'after-tick')).parents, ['tick']);
    const after = await getJson<MasterState>(`${masterUrl}/master/state`);
    const chronos = after.frameworks.filter((f) => f.name === 'chronos');
    assert.deepEqual(chronos.map((f) => [f.id, f.active]), [[frameworkId, true]], 'the same framework failed over');
  });

  it('a Chronos restarted with nothing local keeps its jobs (they live in ZooKeeper)', async () => {
    for (const c of live()) await c.proc.stop();
    const fresh = await startChronos();
    await waitFor('the fresh Chronos leads', async () => (await leader()) === fresh, 40_000, 200);
    const jobs = await getJson<Job[]>(`${fresh.url}/v1/scheduler/jobs`);
    assert.deepEqual(jobs.map((j) => j.name).sort(), ['after-tick', 'tick']);
    assert.match(jobs.find((j) => j.name === 'tick')!.schedule ?? '', /^R\/.*\/PT2S$/);
  });
});
