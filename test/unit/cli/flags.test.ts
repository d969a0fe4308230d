import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagError, formatHelp, loadFlags, type FlagDef } from '../../../src/cli/flags.js';

const DEFS: FlagDef[] = [
  { name: 'port', type: 'int', help: 'Port.', default: 5050 },
  { name: 'ip', type: 'string', help: 'IP.' },
  { name: 'work_dir', type: 'path', help: 'Work dir.' },
  { name: 'weight', type: 'number', help: 'A number.' },
  { name: 'quiet', type: 'bool', help: 'Quiet.', default: false },
  { name: 'strict', type: 'bool', help: 'Strict.', default: true },
  { name: 'allocation_interval', type: 'duration', help: 'Interval.', default: '1secs' },
  { name: 'cache_size', type: 'bytes', help: 'Size.', default: '2GB' },
  { name: 'agent_ping_timeout', type: 'duration', help: 'Ping.', default: '15secs', aliases: ['slave_ping_timeout'] },
  { name: 'zk', type: 'string', help: 'ZK.' },
];

const quiet = { warn: () => undefined };

function loadError(fn: () => unknown): FlagError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FlagError, `expected FlagError, got ${String(err)}`);
    assert.equal(err.code, 'FLAG_INVALID');
    assert.ok(!err.message.includes('\n'), 'FlagError messages are one line');
    return err;
  }
  assert.fail('expected a FlagError');
}

test('defaults are filled in and typed (durations in ms, bytes in bytes)', () => {
  const { values } = loadFlags(DEFS, [], {}, quiet);
  assert.equal(values.port, 5050);
  assert.equal(values.ip, undefined);
  assert.equal(values.quiet, false);
  assert.equal(values.strict, true);
  assert.equal(values.allocation_interval, 1000);
  assert.equal(values.cache_size, 2 * 1024 ** 3);
  assert.equal(values.agent_ping_timeout, 15000);
});

test('--name=value, names lower-cased, types converted', () => {
  const { values } = loadFlags(
    DEFS,
    ['--PORT=5051', '--ip=10.0.0.1', '--weight=0.5', '--allocation_interval=500ms', '--cache_size=4KB'],
    {},
    quiet,
  );
  assert.equal(values.port, 5051);
  assert.equal(values.ip, '10.0.0.1');
  assert.equal(values.weight, 0.5);
  assert.equal(values.allocation_interval, 500);
  assert.equal(values.cache_size, 4096);
});

test('space form works for non-boolean flags only', () => {
  const r = loadFlags(DEFS, ['--zk', 'zk://h1:2181/mesos', '--quiet', 'extra'], {}, { ...quiet, allowPositional: true });
  assert.equal(r.values.zk, 'zk://h1:2181/mesos');
  assert.equal(r.values.quiet, true);
  assert.deepEqual(r.positional, ['extra']);
  // A following flag is not taken as the value.
  const e = loadError(() => loadFlags(DEFS, ['--ip', '--port=1'], {}, quiet));
  assert.equal(e.message, "Failed to load non-boolean flag 'ip': Missing value");
});

test('booleans: --flag, --no-flag, --flag=true|false|1|0', () => {
  assert.equal(loadFlags(DEFS, ['--quiet'], {}, quiet).values.quiet, true);
  assert.equal(loadFlags(DEFS, ['--no-strict'], {}, quiet).values.strict, false);
  assert.equal(loadFlags(DEFS, ['--strict=false'], {}, quiet).values.strict, false);
  assert.equal(loadFlags(DEFS, ['--quiet=1'], {}, quiet).values.quiet, true);
  assert.equal(loadFlags(DEFS, ['--strict=0'], {}, quiet).values.strict, false);
  assert.equal(
    loadError(() => loadFlags(DEFS, ['--quiet=yes'], {}, quiet)).message,
    "Failed to load flag 'quiet': Failed to load value 'yes': Expecting a boolean (e.g., true or false)",
  );
  assert.equal(
    loadError(() => loadFlags(DEFS, ['--no-quiet=true'], {}, quiet)).message,
    "Failed to load boolean flag 'quiet' via 'no-quiet' with value 'true'",
  );
  assert.equal(
    loadError(() => loadFlags(DEFS, ['--no-port'], {}, quiet)).message,
    "Failed to load non-boolean flag 'port' via 'no-port'",
  );
});

test('unknown command-line flags are errors, in stout words', () => {
  assert.equal(loadError(() => loadFlags(DEFS, ['--foo=1'], {}, quiet)).message, "Failed to load unknown flag 'foo'");
  assert.equal(
    loadError(() => loadFlags(DEFS, ['--no-foo'], {}, quiet)).message,
    "Failed to load unknown flag 'foo' via 'no-foo'",
  );
});

test('environment: MESOS_FOO_BAR and MESOS_foo_bar load; unknown MESOS_* ignored; command line wins', () => {
  const env = { MESOS_PORT: '6000', MESOS_work_dir: '/var/lib/mesos', MESOS_NOT_A_FLAG: 'x', PORT: '1', MESOS_QUIET: '' };
  const fromEnv = loadFlags(DEFS, [], env, quiet);
  assert.equal(fromEnv.values.port, 6000);
  assert.equal(fromEnv.values.work_dir, '/var/lib/mesos');
  assert.equal(fromEnv.values.quiet, true, 'an empty boolean env value means true');
  assert.equal(fromEnv.sources.port, 'env');
  const both = loadFlags(DEFS, ['--port=7000'], env, quiet);
  assert.equal(both.values.port, 7000);
  assert.equal(both.sources.port, 'argv');
  // Also across an alias: the command line still wins.
  const alias = loadFlags(DEFS, ['--agent_ping_timeout=2secs'], { MESOS_SLAVE_PING_TIMEOUT: '9secs' }, quiet);
  assert.equal(alias.values.agent_ping_timeout, 2000);
});

test('environment prefix is configurable', () => {
  const r = loadFlags(DEFS, [], { MARATHON_PORT: '8080', MESOS_PORT: '1' }, { ...quiet, envPrefix: 'MARATHON_' });
  assert.equal(r.values.port, 8080);
});

test('bad environment values fail like command-line ones', () => {
  assert.equal(
    loadError(() => loadFlags(DEFS, [], { MESOS_PORT: 'abc' }, quiet)).message,
    "Failed to load flag 'port': Failed to load value 'abc': Failed to convert into required type",
  );
});

test('int rejects non-integers, number rejects non-numbers, durations and bytes explain themselves', () => {
  for (const bad of ['abc', '1.5', '12x', '']) {
    const e = loadError(() => loadFlags(DEFS, [`--port=${bad}`], {}, quiet));
    assert.equal(e.message, `Failed to load flag 'port': Failed to load value '${bad}': Failed to convert into required type`);
    assert.equal(e.flag, 'port');
  }
  assert.match(
    loadError(() => loadFlags(DEFS, ['--weight=heavy'], {}, quiet)).message,
    /^Failed to load flag 'weight': Failed to load value 'heavy': /,
  );
  assert.match(
    loadError(() => loadFlags(DEFS, ['--allocation_interval=5'], {}, quiet)).message,
    /^Failed to load flag 'allocation_interval': Failed to load value '5': Invalid duration/,
  );
  assert.match(
    loadError(() => loadFlags(DEFS, ['--cache_size=2XB'], {}, quiet)).message,
    /^Failed to load flag 'cache_size': Failed to load value '2XB': Invalid bytes/,
  );
});

test('file:// values are read from the file (trimmed); path flags are not dereferenced', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meseta-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'zk'), 'zk://10.0.0.1:2181,10.0.0.2:2181/mesos\n');
  writeFileSync(join(dir, 'port'), '5055\n');
  const r = loadFlags(
    DEFS,
    [`--zk=file://${join(dir, 'zk')}`, `--port=file://${join(dir, 'port')}`, `--work_dir=file://${dir}`],
    {},
    quiet,
  );
  assert.equal(r.values.zk, 'zk://10.0.0.1:2181,10.0.0.2:2181/mesos');
  assert.equal(r.values.port, 5055);
  assert.equal(r.values.work_dir, `file://${dir}`);
  const missing = join(dir, 'nope');
  assert.equal(
    loadError(() => loadFlags(DEFS, [`--ip=file://${missing}`], {}, quiet)).message,
    `Failed to load flag 'ip': Failed to load value 'file://${missing}': Error reading file '${missing}': No such file or directory`,
  );
});

test('deprecated aliases load with a warning', () => {
  const warned: string[] = [];
  const r = loadFlags(DEFS, ['--slave_ping_timeout=30secs'], {}, { warn: (m) => warned.push(m) });
  assert.equal(r.values.agent_ping_timeout, 30000);
  assert.deepEqual(warned, ["Loaded deprecated flag 'slave_ping_timeout'"]);
  assert.deepEqual(r.warnings, warned);
  const env = loadFlags(DEFS, [], { MESOS_SLAVE_PING_TIMEOUT: '3secs' }, { warn: (m) => warned.push(m) });
  assert.equal(env.values.agent_ping_timeout, 3000);
});

test('a flag given twice on the command line is an error', () => {
  assert.equal(
    loadError(() => loadFlags(DEFS, ['--port=1', '--port=2'], {}, quiet)).message,
    "Flag 'port' is already loaded via name 'port'",
  );
  assert.equal(
    loadError(() => loadFlags(DEFS, ['--agent_ping_timeout=1secs', '--slave_ping_timeout=2secs'], {}, quiet)).message,
    "Flag 'slave_ping_timeout' is already loaded via name 'agent_ping_timeout'",
  );
});

test('required flags', () => {
  const defs: FlagDef[] = [...DEFS, { name: 'master', type: 'string', help: 'Master.', required: true }];
  assert.equal(
    loadError(() => loadFlags(defs, [], {}, quiet)).message,
    "Flag 'master' is required, but it was not provided",
  );
  assert.equal(loadFlags(defs, [], { MESOS_MASTER: 'm:5050' }, quiet).values.master, 'm:5050');
  // --help and --version skip the check.
  const help = loadFlags(defs, ['--help'], {}, quiet);
  assert.equal(help.help, true);
  assert.equal(loadFlags(defs, ['--version'], {}, quiet).version, true);
  assert.equal(loadFlags(defs, ['-h'], {}, quiet).help, true);
});

test('positional arguments: rejected unless allowed; everything after -- is positional', () => {
  assert.equal(loadError(() => loadFlags(DEFS, ['master:5050'], {}, quiet)).message, "Unexpected argument 'master:5050'");
  const r = loadFlags(DEFS, ['--port=1', '--', '--not-a-flag'], {}, { ...quiet, allowPositional: true });
  assert.deepEqual(r.positional, ['--not-a-flag']);
  assert.equal(r.values.port, 1);
});

test('formatHelp: stout layout, sorted, aliases, defaults, continuation lines', () => {
  const help = formatHelp('Usage: mesos-master [options]', [
    { name: 'port', type: 'int', help: 'Port to listen on.', default: 5050 },
    { name: 'agent_ping_timeout', type: 'duration', help: 'Ping.\nSecond line.', default: '15secs', aliases: ['slave_ping_timeout'] },
    { name: 'quiet', type: 'bool', help: 'Quiet.', default: false },
  ]);
  const lines = help.split('\n');
  assert.equal(lines[0], 'Usage: mesos-master [options]');
  assert.equal(lines[1], '');
  assert.match(lines[2] ?? '', /^ {2}--agent_ping_timeout=VALUE, --slave_ping_timeout=VALUE {5}Ping\.$/);
  assert.match(lines[3] ?? '', /^ +Second line\. \(default: 15secs\)$/);
  assert.ok(help.includes('  --[no-]help'));
  assert.ok(/ {2}--port=VALUE +Port to listen on\. \(default: 5050\)/.test(help));
  assert.ok(/ {2}--\[no-\]quiet +Quiet\. \(default: false\)/.test(help));
  const col = (lines[2] ?? '').indexOf('Ping.');
  for (const l of lines.slice(3).filter((x) => x.length > 0)) {
    assert.equal(l.length > col, true);
    assert.notEqual(l[col], ' ', `help column aligned: ${l}`);
  }
});
