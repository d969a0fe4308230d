import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';

import { parseProcStat, parseVmRssBytes, sessionMembers } from '../../../src/agent/isolator/procfs.js';

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis, whatever the command name holds', () => {
    const line =
      '4242 (a) b) (c) S 1 4240 4240 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 1 0 123456 1000000 200 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n';
    assert.deepEqual(parseProcStat(line), {
      pid: 4242,
      state: 'S',
      ppid: 1,
      pgrp: 4240,
      session: 4240,
      utime: 7,
      stime: 3,
      cutime: 2,
      cstime: 1,
      startTicks: 123456,
    });
  });

  it('rejects text that is not a stat line', () => {
    assert.equal(parseProcStat(''), undefined);
    assert.equal(parseProcStat('12 (x) S 1'), undefined);
  });
});

describe('parseVmRssBytes', () => {
  it('reads VmRSS in kB as bytes', () => {
    assert.equal(parseVmRssBytes('Name:\tsleep\nVmRSS:\t     512 kB\nRssAnon:\t  84 kB\n'), 512 * 1024);
    assert.equal(parseVmRssBytes('Name:\tkthreadd\n'), undefined);
  });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('sessionMembers', () => {
  it('lists a session leader and its children, and not after they are gone', async () => {
    const shell = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const sid = shell.pid!;
    try {
      const members = await until('the shell and its two sleeps', async () => {
        const found = await sessionMembers(sid);
        return found.length === 3 ? found : undefined;
      });
      assert.ok(members.some((m) => m.pid === sid));
      assert.ok(members.every((m) => m.session === sid));
      assert.ok(!members.some((m) => m.pid === process.pid), 'not the test process, another session');
      const exited = once(shell, 'exit');
      process.kill(-sid, 'SIGKILL');
      await exited;
      await until('the sleeps reaped', async () => ((await sessionMembers(sid)).length === 0 ? true : undefined));
      assert.deepEqual(await sessionMembers(sid), []);
    } finally {
      try {
        process.kill(-sid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('answers several sessions looked at in one turn, each with its own members only', async () => {
    const shells = Array.from({ length: 3 }, () => spawn('/bin/sh', ['-c', 'exec sleep 30'], { detached: true, stdio: 'ignore' }));
    try {
      await until('three sleeping shells', async () => {
        const found = await Promise.all(shells.map((s) => sessionMembers(s.pid!)));
        return found.every((f) => f.length === 1) ? true : undefined;
      });
      // Looked at in one turn, the three answers come from one walk: each still lists its own leader only.
      const burst = await Promise.all(shells.map((s) => sessionMembers(s.pid!)));
      assert.deepEqual(burst.map((f) => f.map((m) => m.pid)), shells.map((s) => [s.pid]));
    } finally {
      for (const s of shells) {
        try {
          process.kill(-s.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await Promise.all(shells.map((s) => (s.exitCode === null && s.signalCode === null ? once(s, 'exit') : undefined)));
    }
  });
});
