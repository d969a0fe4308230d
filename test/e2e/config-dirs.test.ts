/**
 * Mesosphere-style configuration directories on real processes: a master and
 * an agent configured only by files under a temporary root (`--flags_dir` /
 * `MESETA_CONFIG_ROOT`), as `/etc/mesos-master/<flag>` and
 * `/etc/mesos-slave/<flag>` configure the packaged daemons.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, stopAll, tempDir, waitFor } from './harness.js';

interface State {
  hostname: string;
  cluster?: string;
  flags: Record<string, string>;
  slaves: { hostname: string; port: number }[];
}

function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

describe('configuration directories', () => {
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('a master and an agent take their flags from etc/mesos-master and etc/mesos-slave files', async () => {
    const root = tempDir('config-root');
    const masterPort = await freePort();
    const agentPort = await freePort();
    writeFiles(join(root, 'etc', 'mesos-master'), {
      quorum: '1\n',
      hostname: 'master-1.config.test\n',
      cluster: 'seed-cluster\n',
      work_dir: join(root, 'var', 'master') + '\n',
      port: `${masterPort}\n`,
      ip: '127.0.0.1\n',
    });
    writeFiles(join(root, 'etc', 'mesos-slave'), {
      hostname: 'slave-1.config.test\n',
      containerizers: 'mesos\n',
      master: `127.0.0.1:${masterPort}\n`,
      port: `${agentPort}\n`,
      work_dir: join(root, 'var', 'agent') + '\n',
      '?no-switch_user': '',
    });
    const url = `http://127.0.0.1:${masterPort}`;
    const master = meseta(['master', `--flags_dir=${root}`]);
    const state = await waitFor('master answering', () => getJson<State>(`${url}/master/state`).catch(() => undefined));
    assert.equal(state.cluster, 'seed-cluster');
    assert.equal(state.hostname, 'master-1.config.test');
    assert.equal(state.flags.quorum, '1');

    // The agent finds its root through the environment; its command line still wins over the files.
    const agent = meseta(
      ['agent', '--ip=127.0.0.1', `--runtime_dir=${join(root, 'run')}`, '--resources=cpus:1;mem:256;disk:256'],
      { MESETA_CONFIG_ROOT: root },
    );
    const registered = await waitFor('agent registered', async () => {
      const s = await getJson<State>(`${url}/master/state`);
      return s.slaves.length === 1 ? s.slaves[0] : undefined;
    });
    assert.equal(registered?.hostname, 'slave-1.config.test');
    assert.equal(registered?.port, agentPort);
    await agent.stop();
    await master.stop();
  });

  it('an unknown file stops the daemon with an error naming the file', async () => {
    const root = tempDir('config-bad');
    writeFiles(join(root, 'etc', 'mesos-master'), { quorm: '2\n' });
    const master = meseta(['master', `--flags_dir=${root}`, `--port=${await freePort()}`]);
    const { code } = await master.waitExit(20_000);
    assert.notEqual(code, 0);
    assert.match(master.stderr + master.stdout, new RegExp(`unknown flag 'quorm' from configuration file '${join(root, 'etc', 'mesos-master', 'quorm')}'`));
  });
});
