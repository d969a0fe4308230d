import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { detectAgentResources, resolveAgentResources } from '../../../src/agent/resource-detection.js';
import { formatResources, parseResourcesFlag, scalarOf } from '../../../src/mesos/resources.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('resolveAgentResources (pure rules)', () => {
  it('fills everything from host facts: mem − 1GB, disk − 5GB, default ports', () => {
    const r = resolveAgentResources([], { cpus: 2, memBytes: 2985 * MB, diskBytes: 40284 * MB });
    assert.equal(formatResources(r), 'cpus(*):2; mem(*):1961; disk(*):35164; ports(*):[31000-32000]');
  });

  it('halves small memory and disk, and rounds down to whole MB', () => {
    const r = resolveAgentResources([], { cpus: 1, memBytes: 1 * GB + 1, diskBytes: 8 * GB + 3 * MB });
    assert.equal(scalarOf(r, 'mem'), 512);
    assert.equal(scalarOf(r, 'disk'), 4097);
  });

  it('uses the thresholds inclusively (2GB memory, 10GB disk)', () => {
    const r = resolveAgentResources([], { cpus: 1, memBytes: 2 * GB, diskBytes: 10 * GB });
    assert.equal(scalarOf(r, 'mem'), 1024);
    assert.equal(scalarOf(r, 'disk'), 5120);
  });

  it('falls back to 1 cpu, 1GB mem, 10GB disk when nothing could be measured', () => {
    const r = resolveAgentResources([], {});
    assert.equal(formatResources(r), 'cpus(*):1; mem(*):1024; disk(*):10240; ports(*):[31000-32000]');
    const zero = resolveAgentResources([], { cpus: 0, memBytes: 0, diskBytes: 0 });
    assert.equal(formatResources(zero), formatResources(r));
  });

  it('lets the flag win, under any role, and keeps other resources after the four', () => {
    const flag = parseResourcesFlag('gpus:1;mem(dev):512;bugs:{a};ports:[5000-5001];mem:256');
    const r = resolveAgentResources(flag, { cpus: 8, memBytes: 64 * GB, diskBytes: 100 * GB });
    assert.equal(
      formatResources(r),
      'cpus(*):8; mem(dev):512; mem(*):256; disk(*):97280; ports(*):[5000-5001]; gpus(*):1; bugs(*):{a}',
    );
  });

  it('gives detected resources the default role', () => {
    const r = resolveAgentResources([], { cpus: 1, memBytes: 4 * GB, diskBytes: 20 * GB }, 'web');
    assert.equal(formatResources(r), 'cpus(web):1; mem(web):3072; disk(web):15360; ports(web):[31000-32000]');
    assert.deepEqual(r[0]!.reservations, [{ type: 'STATIC', role: 'web' }]);
  });
});

describe('detectAgentResources (this host)', () => {
  it('measures cpus, memory and the work_dir filesystem', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'meseta-detect-'));
    try {
      const r = await detectAgentResources([], dir);
      assert.deepEqual(
        r.map((x) => x.name),
        ['cpus', 'mem', 'disk', 'ports'],
      );
      assert.ok(scalarOf(r, 'cpus') >= 1);
      const totalMb = Math.floor(os.totalmem() / MB);
      const mem = scalarOf(r, 'mem');
      assert.ok(mem > 0 && mem <= totalMb, `mem ${mem} of ${totalMb}`);
      assert.ok(scalarOf(r, 'disk') > 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('measures the nearest existing ancestor of a work_dir not yet created', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'meseta-detect-'));
    try {
      const existing = await detectAgentResources([], dir);
      const missing = await detectAgentResources([], path.join(dir, 'not', 'yet'));
      assert.equal(scalarOf(missing, 'disk'), scalarOf(existing, 'disk'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps flag values', async () => {
    const r = await detectAgentResources(parseResourcesFlag('cpus:3;disk:100'), os.tmpdir());
    assert.equal(scalarOf(r, 'cpus'), 3);
    assert.equal(scalarOf(r, 'disk'), 100);
  });
});
