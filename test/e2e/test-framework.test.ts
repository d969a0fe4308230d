/**
 * Seed case 4 against a real `meseta local` with the seed's agent resources:
 * `test-framework --master=…` runs 5 tasks and exits 0, printing what Mesos's
 * example prints; `--executor` runs them on our custom executor, which bounces
 * the framework messages holding a NUL byte.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cleanupDirs, meseta, Proc, ROOT, startLocal, stopAll, type LocalCluster } from './harness.js';

const SEED_RESOURCES = 'cpus:2;mem:1961;disk:35164;ports:[31000-32000]';

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

function assertAllTasksRan(stdout: string): void {
  for (let id = 0; id < 5; id++) {
    assert.match(stdout, new RegExp(`^Launching task ${id} using offer \\S+-O\\d+$`, 'm'));
    assert.match(stdout, new RegExp(`^Task ${id} is in state TASK_RUNNING$`, 'm'));
    assert.match(stdout, new RegExp(`^Task ${id} is in state TASK_FINISHED$`, 'm'));
  }
  assert.doesNotMatch(stdout, /Launching task 5/);
  assert.doesNotMatch(stdout, /Aborting/);
}

describe('test-framework on meseta local', () => {
  let cluster: LocalCluster;

  before(async () => {
    cluster = await startLocal({ flags: [`--resources=${SEED_RESOURCES}`] });
  });
  after(async () => {
    await stopAll();
    cleanupDirs();
  });

  it('runs 5 command tasks, two per 2-cpu offer, and exits 0', async () => {
    const proc = meseta(['test-framework', `--master=${cluster.master}`]);
    const { code } = await proc.waitExit(60_000);
    assert.equal(code, 0, proc.stdout + proc.stderr);
    const out = lines(proc.stdout);
    assert.equal(out[0], 'Registered!');
    assert.match(out[1]!, /^Received offer \S+-O\d+ with cpus\(\*\):2; mem\(\*\):1961; disk\(\*\):35164; ports\(\*\):\[31000-32000\]$/);
    const firstOffer = /^Received offer (\S+) /.exec(out[1]!)![1];
    assert.equal(out[2], `Launching task 0 using offer ${firstOffer}`);
    assert.equal(out[3], `Launching task 1 using offer ${firstOffer}`);
    assertAllTasksRan(proc.stdout);
    assert.match(proc.stderr, new RegExp(`New master detected at master@${cluster.master.replace(/\./g, '\\.')}`));
    assert.match(proc.stderr, /No credentials provided\. Attempting to register without authentication/);
    assert.match(proc.stderr, /Framework registered with \S+-\d{4}/);
    assert.match(proc.stderr, /Asked to stop the driver/);
    assert.match(proc.stderr, /Stopping framework '\S+-\d{4}'/);
    // The TEARDOWN and the last acknowledgements are answered, though the master ends the stream first.
    assert.doesNotMatch(proc.stderr, /Failed to (tear down|acknowledge)/);
  });

  it('runs the custom-executor variant: messages with a NUL byte come back, then exits 0', async () => {
    const proc = meseta(['test-framework', `--master=${cluster.master}`, '--executor']);
    const { code } = await proc.waitExit(60_000);
    assert.equal(code, 0, proc.stdout + proc.stderr);
    assertAllTasksRan(proc.stdout);
    const messages = lines(proc.stdout).filter((l) => l === "Received message: 'data with a \\x00 byte'");
    assert.equal(messages.length, 5, proc.stdout);
    const out = lines(proc.stdout);
    const waiting = out.indexOf('All tasks done, waiting for final framework message');
    const exiting = out.indexOf('All tasks done, and all messages received, exiting');
    assert.ok(waiting >= 0 && exiting > waiting, proc.stdout);
    assert.equal(out[out.length - 1], 'All tasks done, and all messages received, exiting');
  });

  it('takes the master as its argument too, as the Java and Python examples do', async () => {
    const proc = new Proc(process.execPath, [join(ROOT, 'bin', 'test-framework'), cluster.master]);
    const { code } = await proc.waitExit(60_000);
    assert.equal(code, 0, proc.stdout + proc.stderr);
    assertAllTasksRan(proc.stdout);
  });
});
