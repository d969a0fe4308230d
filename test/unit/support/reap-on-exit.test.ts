/**
 * reapOnExit: a process that dies (uncaught error, SIGTERM) takes the
 * children it registered with it, by pid.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MODULE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'support', 'reap-on-exit.js');

/** Gone, or a zombie nobody reaps (this machine's pid 1 does not): either way no longer running. */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a node process that registers a `sleep 60` child, prints its pid, then does `then`. */
async function parentWithChild(then: string): Promise<{ parentPid: number; childPid: number; exited: Promise<number | null> }> {
  const script = `
    import { spawn } from 'node:child_process';
    const { reapOnExit } = await import(${JSON.stringify(MODULE)});
    const child = reapOnExit(spawn('sleep', ['60'], { stdio: 'ignore' }));
    process.stdout.write(child.pid + '\\n');
    ${then}
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((done) => parent.once('exit', (code) => done(code)));
  const childPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    parent.once('exit', () => reject(new Error('parent exited before printing its child')));
  });
  return { parentPid: parent.pid!, childPid, exited };
}

describe('reapOnExit', () => {
  it('kills a registered child when its parent dies of an uncaught error', async () => {
    const { childPid, exited } = await parentWithChild(`setTimeout(() => { throw new Error('crash'); }, 50);`);
    assert.equal(await exited, 1);
    await until('the child killed', () => !running(childPid));
  });

  it('kills a registered child when its parent is sent SIGTERM', async () => {
    const { parentPid, childPid, exited } = await parentWithChild(`setInterval(() => undefined, 1000);`);
    assert.ok(running(childPid));
    process.kill(parentPid, 'SIGTERM');
    assert.equal(await exited, 143);
    await until('the child killed', () => !running(childPid));
  });
});
