import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger } from '../../../src/logging/logger.js';
import { GLOG_LINE } from '../../../src/logging/glog-format.js';

function capture(): { lines: string[]; sink: (line: string) => void } {
  const lines: string[] = [];
  return { lines, sink: (line) => lines.push(line) };
}

test('writes one glog line per message with pid and component', () => {
  const { lines, sink } = capture();
  const log = createLogger('master', { sink });
  log.info('Elected as the leading master!');
  log.warn('careful');
  log.error('broken');
  log.fatal('dead');
  assert.equal(lines.length, 4);
  const parsed = lines.map((l) => {
    assert.ok(l.endsWith('\n'));
    const m = GLOG_LINE.exec(l.slice(0, -1));
    assert.ok(m, `not a glog line: ${l}`);
    return m;
  });
  assert.deepEqual(
    parsed.map((m) => [m[1], m[4], m[5], m[7]]),
    [
      ['I', String(process.pid), 'master.ts', 'Elected as the leading master!'],
      ['W', String(process.pid), 'master.ts', 'careful'],
      ['E', String(process.pid), 'master.ts', 'broken'],
      ['F', String(process.pid), 'master.ts', 'dead'],
    ],
  );
});

test('timestamps are the current local time with microseconds', () => {
  const { lines, sink } = capture();
  const before = new Date();
  createLogger('agent', { sink }).info('now');
  const m = GLOG_LINE.exec((lines[0] ?? '').trimEnd());
  assert.ok(m);
  const mmdd = String(before.getMonth() + 1).padStart(2, '0') + String(before.getDate()).padStart(2, '0');
  // Allow for a midnight rollover between the two readings.
  const after = new Date();
  const mmddAfter = String(after.getMonth() + 1).padStart(2, '0') + String(after.getDate()).padStart(2, '0');
  assert.ok(m[2] === mmdd || m[2] === mmddAfter);
  assert.match(m[3] ?? '', /^\d{2}:\d{2}:\d{2}\.\d{6}$/);
});

test('child loggers name their component and share outputs', () => {
  const { lines, sink } = capture();
  const log = createLogger('master', { sink });
  log.child('allocator').info('Added agent');
  assert.match(lines[0] ?? '', / allocator\.ts:0\] Added agent\n$/);
  log.info('back');
  assert.match(lines[1] ?? '', / master\.ts:0\] back\n$/);
});

test('--logging_level drops lower severities; --quiet silences stderr', () => {
  const { lines, sink } = capture();
  const log = createLogger('master', { sink, level: 'WARNING' });
  log.info('hidden');
  log.warn('shown');
  log.error('shown too');
  assert.deepEqual(
    lines.map((l) => l[0]),
    ['W', 'E'],
  );
  const q = capture();
  const quiet = createLogger('master', { sink: q.sink, quiet: true });
  quiet.error('nothing');
  assert.deepEqual(q.lines, []);
  assert.throws(() => createLogger('x', { level: 'DEBUG' }), /'DEBUG' is not a valid logging level/);
});

test('--log_dir writes a glog-named file and a <program>.INFO link, even with --quiet', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meseta-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = createLogger('master', { quiet: true, logDir: join(dir, 'logs'), program: 'mesos-master' });
  log.info('to the file');
  log.child('http').warn('also');
  assert.ok(log.logFile);
  assert.match(log.logFile, /mesos-master\.[^/]+\.log\.INFO\.\d{8}-\d{6}\.\d+$/);
  const link = readlinkSync(join(dir, 'logs', 'mesos-master.INFO'));
  assert.equal(join(dir, 'logs', link), log.logFile);
  const text = readFileSync(join(dir, 'logs', 'mesos-master.INFO'), 'utf8');
  const body = text.split('\n').filter((l) => GLOG_LINE.test(l));
  assert.equal(body.length, 2);
  assert.match(body[0] ?? '', / master\.ts:0\] to the file$/);
  assert.match(body[1] ?? '', /^W.* http\.ts:0\] also$/);
  assert.match(text, /^Log file created at: /);
});

test('a line logged right before process.exit reaches stderr', () => {
  const loggerUrl = pathToFileURL(fileURLToPath(new URL('../../../src/logging/logger.js', import.meta.url))).href;
  const script = `
    import { createLogger } from ${JSON.stringify(loggerUrl)};
    const log = createLogger('master');
    for (let i = 0; i < 200; i++) log.info('line ' + i);
    log.fatal('Recovery failed: gone');
    process.exit(1);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 201);
  assert.match(lines[200] ?? '', /^F\d{4} .* master\.ts:0\] Recovery failed: gone$/);
});
