import assert from 'node:assert/strict';
import { mkdtemp, readlink, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  InvalidPathIdError,
  createSandbox,
  executorLatestRunLink,
  executorRunDir,
  linkLatestAgent,
  metaAgentDir,
  taskSandboxDir,
} from '../../../src/agent/sandbox.js';

const run = { agentId: 'a1-S0', frameworkId: 'f1-0000', executorId: 'sleep.1', containerId: 'c-1' };

describe('sandbox paths', () => {
  it('follow the Mesos work_dir layout', () => {
    assert.equal(executorRunDir('/w', run), '/w/slaves/a1-S0/frameworks/f1-0000/executors/sleep.1/runs/c-1');
    assert.equal(executorLatestRunLink('/w', run), '/w/slaves/a1-S0/frameworks/f1-0000/executors/sleep.1/runs/latest');
    assert.equal(metaAgentDir('/w', 'a1-S0'), '/w/meta/slaves/a1-S0');
    assert.equal(taskSandboxDir('/s', 't1'), '/s/tasks/t1');
  });

  it('refuse ids that would escape their directory', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'latest', 'x\ny']) {
      assert.throws(() => executorRunDir('/w', { ...run, executorId: bad }), InvalidPathIdError);
    }
  });
});

describe('sandbox creation', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('creates the run directory and points runs/latest and slaves/latest at the newest', async () => {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'meseta-sandbox-'));
    dirs.push(workDir);
    const first = executorRunDir(workDir, run);
    const latest = executorLatestRunLink(workDir, run);
    await createSandbox(first, latest);
    assert.ok((await stat(first)).isDirectory());
    assert.equal(await readlink(latest), 'c-1');
    const second = executorRunDir(workDir, { ...run, containerId: 'c-2' });
    await createSandbox(second, latest);
    assert.equal(await realpath(latest), await realpath(second));

    await linkLatestAgent(workDir, 'a1-S0');
    await linkLatestAgent(workDir, 'a1-S1');
    assert.equal(await readlink(path.join(workDir, 'slaves', 'latest')), 'a1-S1');
    assert.equal(await readlink(path.join(workDir, 'meta', 'slaves', 'latest')), 'a1-S1');
  });
});
