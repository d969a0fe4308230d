/** Units for people: MB as GiB, cpus, shares, durations, relative times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatCpus, formatDuration, formatMegabytes, formatPercent, formatRelative, formatTimestamp, stateLabel } from '../../../src/webui/src/lib/format.js';

describe('format', () => {
  it('bytes and megabytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatMegabytes(1961), '1.92 GiB');
    assert.equal(formatMegabytes(32), '32 MiB');
    assert.equal(formatMegabytes(252899), '247 GiB');
    assert.equal(formatBytes(NaN), '—');
  });

  it('cpus and shares', () => {
    assert.equal(formatCpus(2), '2');
    assert.equal(formatCpus(0.1), '0.1');
    assert.equal(formatCpus(1.255), '1.25');
    assert.equal(formatPercent(0.5), '50%');
    assert.equal(formatPercent(0.051), '5.1%');
    assert.equal(formatPercent(0), '0%');
  });

  it('durations and relative times', () => {
    assert.equal(formatDuration(12), '12s');
    assert.equal(formatDuration(250), '4m 10s');
    assert.equal(formatDuration(7500), '2h 5m');
    assert.equal(formatDuration(3 * 86400 + 4 * 3600), '3d 4h');
    assert.equal(formatRelative(1000, 1002), 'just now');
    assert.equal(formatRelative(1000, 1300), '5 minutes ago');
    assert.equal(formatRelative(1000, 1000 + 3600), '1 hour ago');
    assert.equal(formatRelative(2000, 1000), 'in 16 minutes');
    assert.equal(formatRelative(0, 1000), 'never');
  });

  it('timestamps and state labels', () => {
    assert.equal(formatTimestamp(1795219200, true), '2026-11-21 00:00:00');
    assert.equal(formatTimestamp(0), '—');
    assert.equal(stateLabel('TASK_RUNNING'), 'running');
    assert.equal(stateLabel('TASK_GONE_BY_OPERATOR'), 'gone by operator');
  });
});
