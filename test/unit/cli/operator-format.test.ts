import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from '../../../src/cli/operator/table.js';
import { formatAge, formatBytes, formatCpus, formatMb, formatPercent, usedOfTotal } from '../../../src/cli/operator/units.js';
import { lastLines } from '../../../src/cli/operator/sandbox-reader.js';
import { FlagError } from '../../../src/cli/flags.js';
import { canonicalTaskState, parseOperatorFlags } from '../../../src/cli/flag-sets/operator.js';

test('table: columns padded to the widest cell, two spaces apart, numbers right-aligned, no trailing spaces', () => {
  const text = renderTable(
    [{ header: 'ID' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
    [
      ['a', '1', ''],
      ['longer-id', '100', 'x'],
    ],
  );
  assert.equal(text, 'ID           N  NOTE\na            1\nlonger-id  100  x\n');
  assert.equal(renderTable([{ header: 'ID' }], []), 'ID\n');
});

test('units: cpus, MB, bytes, percentages', () => {
  assert.equal(formatCpus(0.1 + 0.2), '0.3');
  assert.equal(formatCpus(2), '2');
  assert.equal(formatCpus(undefined), '-');
  assert.equal(formatMb(128), '128MB');
  assert.equal(formatMb(1536), '1.5GB');
  assert.equal(formatMb(23081), '22.5GB');
  assert.equal(formatMb(2 * 1024 * 1024), '2TB');
  assert.equal(formatBytes(512 * 1024), '512KB');
  assert.equal(formatBytes(3 * 1024 * 1024), '3MB');
  assert.equal(usedOfTotal(undefined, 4, formatCpus), '0/4');
  assert.equal(formatPercent(12.345), '12.3%');
  assert.equal(formatPercent(0), '0.0%');
  assert.equal(formatPercent(undefined), '-');
});

test('ages: the largest whole unit, kubectl style', () => {
  const now = 1_000_000 * 1000;
  assert.equal(formatAge(1_000_000 - 5.9, now), '5s');
  assert.equal(formatAge(1_000_000 - 119, now), '119s');
  assert.equal(formatAge(1_000_000 - 600, now), '10m');
  assert.equal(formatAge(1_000_000 - 3 * 3600, now), '3h');
  assert.equal(formatAge(1_000_000 - 3 * 86400, now), '3d');
  assert.equal(formatAge(1_000_000 + 50, now), '0s');
  assert.equal(formatAge(undefined, now), '-');
});

test('lastLines: a final newline does not count as a line; short text is incomplete', () => {
  assert.deepEqual(lastLines('a\nb\nc\n', 2), { text: 'b\nc\n', complete: true });
  assert.deepEqual(lastLines('a\nb\nc', 2), { text: 'b\nc', complete: true });
  assert.deepEqual(lastLines('a\nb\n', 2), { text: 'a\nb\n', complete: false });
  assert.deepEqual(lastLines('a\nb\n', 0), { text: '', complete: true });
  assert.deepEqual(lastLines('\n\n\n', 2), { text: '\n\n', complete: true });
});

test('flags: defaults, MESOS_MASTER, states, positional only for logs', () => {
  const flags = parseOperatorFlags('tasks', ['--state=running,task_failed', '--all'], {});
  assert.equal(flags.master, '127.0.0.1:5050');
  assert.deepEqual(flags.states, ['TASK_RUNNING', 'TASK_FAILED']);
  assert.equal(flags.all, true);
  assert.equal(parseOperatorFlags('agents', [], { MESOS_MASTER: '10.1.1.1:5050' }).master, '10.1.1.1:5050');
  assert.equal(parseOperatorFlags('agents', ['--master', 'm:1'], { MESOS_MASTER: 'x:2' }).master, 'm:1');
  assert.equal(canonicalTaskState(' Killed '), 'TASK_KILLED');
  const logs = parseOperatorFlags('logs', ['my-task', '--follow', '--tail=3'], {});
  assert.deepEqual([logs.positional, logs.follow, logs.tail, logs.pollInterval], [['my-task'], true, 3, 500]);
  assert.equal(parseOperatorFlags('top', ['--interval=250ms', '--once'], {}).interval, 250);
  assert.throws(() => parseOperatorFlags('tasks', ['oops'], {}), FlagError);
  assert.throws(() => parseOperatorFlags('tasks', ['--follow'], {}), /Failed to load unknown flag 'follow'/);
  assert.throws(() => parseOperatorFlags('top', ['--interval=0secs'], {}), /'--interval' must be positive/);
  assert.throws(() => parseOperatorFlags('logs', ['t', '--tail=-1'], {}), /'--tail' must not be negative/);
});
