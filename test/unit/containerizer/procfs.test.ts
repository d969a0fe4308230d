import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseProcStat, parseVmRssBytes } from '../../../src/agent/isolator/procfs.js';

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
