/**
 * Real cgroups: a task over its memory limit is killed and reported TASK_FAILED
 * with REASON_CONTAINER_LIMITATION_MEMORY. Runs wherever cgroups are writable
 * (root); as root in CI (`MESETA_REQUIRE_CGROUPS=1`) it must not be skipped.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync } from 'node:fs';
import { cleanupDirs, startLocal, stopAll, type LocalCluster } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';

function cgroupsWritable(): boolean {
  for (const dir of ['/sys/fs/cgroup/memory', '/sys/fs/cgroup']) {
    try {
      if (existsSync(dir)) {
        accessSync(dir, constants.W_OK);
        return true;
      }
    } catch {
      // not writable
    }
  }
  return false;
}

const required = process.env.MESETA_REQUIRE_CGROUPS === '1';
const available = cgroupsWritable();
if (required && !available) throw new Error('MESETA_REQUIRE_CGROUPS=1 but no writable cgroup hierarchy was found');

describe('cgroups isolation', { skip: available ? false : 'cgroups are not writable here (run as root)' }, () => {
  let cluster: LocalCluster;
  let scheduler: RawScheduler;
  before(async () => {
    cluster = await startLocal({
      flags: ['--isolation=cgroups/cpu,cgroups/mem', '--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]'],
    });
    scheduler = new RawScheduler(cluster.url);
    await scheduler.subscribe({ name: 'isolation' });
  });
  after(async () => {
    scheduler?.close();
    await stopAll();
    cleanupDirs();
  });

  it('kills a task that goes over its memory and reports REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const [offer] = await scheduler.offers();
    // Allocates ~200 MB in 1 MB steps, well over the 64 MB (+32 MB executor allowance) limit.
    const hog = `${process.execPath} -e "const a=[];for(let i=0;i<200;i++){a.push(Buffer.alloc(1<<20,1))}setTimeout(()=>{},10000)"`;
    await scheduler.launch(offer, [commandTask(offer, 'hog', hog, 0.5, 64)]);
    const failed = await scheduler.update('hog', 'TASK_FAILED', 60_000);
    assert.equal(failed.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(failed.message ?? '', /[Mm]emory/);
  });

  it('runs a task within its limits to TASK_FINISHED', async () => {
    const [offer] = await scheduler.offers();
    await scheduler.launch(offer, [commandTask(offer, 'small', 'echo fits', 0.5, 64)]);
    await scheduler.update('small', 'TASK_FINISHED');
  });
});
