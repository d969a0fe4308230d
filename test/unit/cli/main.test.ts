import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type MainOptions } from '../../../src/cli/main.js';
import { commandForProgram, findCommand, type CommandInfo, type CommandModule } from '../../../src/cli/command-registry.js';
import { FlagError, loadFlags } from '../../../src/cli/flags.js';

// dist/test/unit/cli → package root.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin');

interface Run {
  code: number;
  out: string;
  err: string;
  calls: Array<{ command: string; argv: string[] }>;
}

async function runMain(argv: string[], opts: MainOptions & { commands?: Record<string, CommandModule> } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const calls: Run['calls'] = [];
  const commands = opts.commands ?? {};
  const code = await main(argv, {
    program: 'meseta',
    env: {},
    ...opts,
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    loadCommand: async (info: CommandInfo) => {
      const mod = commands[info.name];
      if (!mod) return undefined;
      return {
        run: (a, e) => {
          calls.push({ command: info.name, argv: a });
          return mod.run(a, e);
        },
      };
    },
  });
  return { code, out, err, calls };
}

const ok: CommandModule = { run: async () => 0 };

test('dispatches subcommands with the remaining arguments', async () => {
  const r = await runMain(['master', '--work_dir=/w'], { commands: { master: ok } });
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls, [{ command: 'master', argv: ['--work_dir=/w'] }]);
  const slave = await runMain(['slave', '--master=m:5050'], { commands: { agent: ok } });
  assert.deepEqual(slave.calls, [{ command: 'agent', argv: ['--master=m:5050'] }]);
});

test('dispatches on the program name for the Mesos aliases', async () => {
  for (const [program, command] of [
    ['mesos-master', 'master'],
    ['mesos-agent', 'agent'],
    ['mesos-slave', 'agent'],
    ['mesos-slave.sh', 'agent'],
    ['mesos-local', 'local'],
    ['mesos-execute', 'execute'],
    ['test-framework', 'test-framework'],
  ] as const) {
    const r = await runMain(['--x=1'], { program, commands: { [command]: ok } });
    assert.deepEqual(r.calls, [{ command, argv: ['--x=1'] }], program);
  }
  assert.equal(commandForProgram('meseta'), undefined);
  assert.equal(findCommand('slave')?.name, 'agent');
});

test('no or unknown subcommand: usage on stderr, exit 1', async () => {
  const none = await runMain([]);
  assert.equal(none.code, 1);
  assert.match(none.err, /^Usage: meseta <command> \[options\]/);
  const bad = await runMain(['frobnicate']);
  assert.equal(bad.code, 1);
  assert.equal(bad.err.split('\n')[0], "meseta: unknown command 'frobnicate'");
  assert.equal(bad.out, '');
});

test('version and help', async () => {
  const v = await runMain(['version']);
  assert.equal(v.code, 0);
  assert.match(v.out, /^meseta \d+\.\d+\.\d+ \(Mesos API \d+\.\d+\.\d+\)\n$/);
  const h = await runMain(['help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /^Usage: meseta/);
  const hm = await runMain(['help', 'master'], { commands: { master: ok } });
  assert.deepEqual(hm.calls, [{ command: 'master', argv: ['--help'] }]);
});

test('a missing command module is reported, not crashed on', async () => {
  const r = await runMain(['execute']);
  assert.equal(r.code, 1);
  assert.equal(r.err, "meseta: 'execute' is not available\n");
});

test('FlagError from a command: one line with a --help hint, exit 1', async () => {
  const strict: CommandModule = {
    run: async (argv, env) => {
      loadFlags([{ name: 'port', type: 'int', help: '' }], argv, env);
      return 0;
    },
  };
  const r = await runMain(['master', '--foo=1'], { commands: { master: strict } });
  assert.equal(r.code, 1);
  assert.equal(r.err, "Failed to load unknown flag 'foo' (run 'meseta master --help' for usage)\n");
  const alias = await runMain(['--port=x'], { program: 'mesos-master', commands: { master: strict } });
  assert.equal(
    alias.err,
    "Failed to load flag 'port': Failed to load value 'x': Failed to convert into required type (run 'mesos-master --help' for usage)\n",
  );
  const thrown = await runMain(['agent'], { commands: { agent: { run: async () => Promise.reject(new FlagError('bad')) } } });
  assert.equal(thrown.code, 1);
});

test('other errors are bugs: the stack goes to stderr, exit 1', async () => {
  const r = await runMain(['agent'], {
    commands: {
      agent: {
        run: async () => {
          throw new Error('invariant broken');
        },
      },
    },
  });
  assert.equal(r.code, 1);
  assert.match(r.err, /^meseta agent: Error: invariant broken\n\s+at /);
});

// The real executables.

function spawnBin(name: string, args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(BIN, name), args, { cwd, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bin/meseta: version, bad subcommand', () => {
  const v = spawnBin('meseta', ['version']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^meseta /);
  const bad = spawnBin('meseta', ['nope']);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.split('\n')[0], "meseta: unknown command 'nope'");
});

test('bin/mesos-master and bin/mesos-master.sh: unknown flag is one stderr line, exit 1', () => {
  for (const name of ['mesos-master', 'mesos-master.sh']) {
    const r = spawnBin(name, ['--no_such_flag=1'], tmpdir());
    assert.equal(r.status, 1, name);
    assert.equal(r.stderr, "Failed to load unknown flag 'no_such_flag' (run 'mesos-master --help' for usage)\n", name);
  }
});

test('bin/meseta without a build says how to build', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meseta-bin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'bin'));
  for (const f of ['meseta', 'launch.mjs']) copyFileSync(join(BIN, f), join(dir, 'bin', f));
  const r = spawnSync(join(dir, 'bin', 'meseta'), ['version'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "meseta: not built; run 'npm install' (or 'npm run build') first\n");
});
