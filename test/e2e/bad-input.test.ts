/**
 * Seed case 7: the errors a newcomer hits get a clear one-line message and a
 * non-zero exit (or, for an unreachable master, retries that say so), and a
 * running master keeps serving.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupDirs, freePort, getJson, meseta, startLocal, stopAll, tempDir, waitFor } from './harness.js';

/** The last non-empty line a process printed on stderr. */
function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

describe('bad input (seed case 7)', () => {
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('work_dir not writable: one line, non-zero exit', async () => {
    const dir = tempDir('badwork');
    // As root every directory is writable, so use a path under a regular file;
    // as another user, a directory without write permission.
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const target = process.getuid?.() === 0 ? join(file, 'work') : join(locked, 'work');
    for (const command of [['master', `--work_dir=${target}`, `--port=${await freePort()}`], ['agent', '--master=127.0.0.1:5050', `--work_dir=${target}`, `--port=${await freePort()}`]]) {
      const p = meseta(command);
      const { code } = await p.waitExit(20_000);
      assert.notEqual(code, 0);
      assert.match(lastLine(p.stderr), /Failed to create work directory '.*': (Not a directory|Permission denied)$/);
    }
  });

  it('unknown flag and malformed --resources: one line, non-zero exit', async () => {
    const unknown = meseta(['master', '--no_such_flag=1']);
    assert.equal((await unknown.waitExit(20_000)).code, 1);
    assert.match(unknown.stderr, /Failed to load unknown flag 'no_such_flag'/);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);

    const dir = tempDir('badres');
    const resources = meseta(['agent', '--master=127.0.0.1:5050', `--work_dir=${dir}`, '--resources=cpus:abc;mem:1024', `--port=${await freePort()}`]);
    assert.notEqual((await resources.waitExit(20_000)).code, 0);
    assert.match(lastLine(resources.stderr), /Failed to parse resource 'cpus:abc'/);

    const badInt = meseta(['agent', '--master=127.0.0.1:5050', '--port=abc']);
    assert.equal((await badInt.waitExit(20_000)).code, 1);
    assert.match(badInt.stderr, /Failed to load flag 'port'/);
  });

  it('two agents on one port: the second says the address is in use', async () => {
    const cluster = await startLocal();
    const port = await freePort();
    const first = meseta(['agent', `--master=${cluster.master}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${tempDir('a1')}`, `--runtime_dir=${tempDir('r1')}`]);
    await waitFor('second agent registered', async () => (await getJson<{ slaves: unknown[] }>(`${cluster.url}/master/state`)).slaves.length === 2);
    const second = meseta(['agent', `--master=${cluster.master}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${tempDir('a2')}`, `--runtime_dir=${tempDir('r2')}`]);
    assert.notEqual((await second.waitExit(20_000)).code, 0);
    assert.match(lastLine(second.stderr), new RegExp(`Failed to bind to 127\\.0\\.0\\.1:${port}: Address already in use`));
    // Several agents with distinct ports and work_dirs on one host (seed case 8) stay registered.
    const state = await getJson<{ slaves: Array<{ pid: string }> }>(`${cluster.url}/master/state`);
    assert.equal(state.slaves.length, 2);
    await first.stop();
    await cluster.stop();
  });

  it('master unreachable: the agent keeps retrying and says so', async () => {
    const closedPort = await freePort();
    const agent = meseta(['agent', `--master=127.0.0.1:${closedPort}`, '--ip=127.0.0.1', `--port=${await freePort()}`, `--work_dir=${tempDir('lonely')}`, '--registration_backoff_factor=100ms']);
    await waitFor('two retry messages', () => (agent.stderr.match(/Failed to connect to master at http:\/\/127\.0\.0\.1:\d+: Connection refused; retrying/g) ?? []).length >= 2);
    assert.equal(agent.child.exitCode, null, 'the agent is still running');
    // When the master appears, the agent registers.
    const dir = tempDir('late-master');
    const master = meseta(['master', '--ip=127.0.0.1', `--port=${closedPort}`, `--work_dir=${dir}`]);
    await master.waitForOutput(/Elected as the leading master!/);
    await agent.waitForOutput(/Registered with master/, 30_000);
    await agent.stop();
    await master.stop();
  });
});
