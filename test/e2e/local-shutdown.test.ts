/**
 * `meseta local` stops cleanly on SIGTERM and kills the tasks it started.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupDirs, startLocal, stopAll, waitFor } from './harness.js';
import { commandTask, RawScheduler } from './raw-scheduler.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('meseta local shutdown', () => {
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('kills its tasks and exits 0 on SIGTERM', async () => {
    const cluster = await startLocal();
    const s = new RawScheduler(cluster.url);
    await s.subscribe({ name: 'shutdown' });
    const [offer] = await s.offers();
    await s.launch(offer, [commandTask(offer, 'sleeper', 'sleep 300')]);
    const running = await s.update('sleeper', 'TASK_RUNNING');
    const pid = running.container_status?.executor_pid;
    assert.ok(pid && alive(pid), 'the task has a live pid');
    const { code } = await cluster.proc.stop('SIGTERM', 30_000);
    s.close();
    assert.equal(code, 0);
    await waitFor('task process gone', () => !alive(pid!), 10_000);
  });
});
