/**
 * The `meseta` entry point: picks the subcommand (from the first argument, or
 * from the program name for the Mesos-named executables `mesos-master`,
 * `mesos-agent`, `mesos-slave`, `mesos-local`, `mesos-execute`,
 * `test-framework`), loads its module lazily and maps errors to exit codes:
 *
 * - unknown or missing subcommand → usage on stderr, 1;
 * - `FlagError` → one line, Mesos's message plus a `--help` hint, 1;
 * - any other error → the stack on stderr (a bug), 1.
 *
 * Start-up cost matters (`meseta version` must be fast): this module imports
 * only node built-ins and the command table; everything else is loaded by
 * the command that needs it.
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MESETA_VERSION, MESOS_COMPAT_VERSION } from '../version.js';
import { COMMANDS, commandForProgram, findCommand, type CommandInfo, type CommandModule } from './command-registry.js';

/** Options of `main`; defaults come from the process. */
export interface MainOptions {
  /** Program name as invoked (basename of argv[1]); default from `process.argv[1]`. */
  program?: string;
  env?: NodeJS.ProcessEnv;
  /** Where usage and errors go; default stderr. */
  stderr?: (text: string) => void;
  /** Where `version`/`help` output goes; default stdout. */
  stdout?: (text: string) => void;
  /**
   * Loads a command's module; default: dynamic import of
   * `commands/<module>.js`, undefined when that file does not exist. For tests.
   */
  loadCommand?: (info: CommandInfo) => Promise<CommandModule | undefined>;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Top-level usage text. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 'help [command]'.length) + 3;
  const line = (name: string, summary: string): string => `  ${name.padEnd(width)}${summary}\n`;
  return (
    'Usage: meseta <command> [options]\n\n' +
    'Commands:\n' +
    COMMANDS.map((c) => line(c.name, c.summary)).join('') +
    line('version', 'print the version') +
    line('help [command]', "this message, or a command's flags") +
    '\nFlags follow Mesos: --name=value (or --name value), --[no-]bool, MESOS_NAME=value\n' +
    'in the environment, file:///path values. The same programs are installed as\n' +
    'mesos-master, mesos-agent (mesos-slave), mesos-local, mesos-execute and test-framework.\n'
  );
}

function isFlagError(err: unknown): err is Error {
  return err instanceof Error && (err as { code?: unknown }).code === 'FLAG_INVALID';
}

function isMissingModule(err: unknown, url: string): boolean {
  const e = err as { code?: unknown; url?: unknown; message?: unknown };
  if (e.code !== 'ERR_MODULE_NOT_FOUND') return false;
  // Only the command's own file counts as "not available"; a missing import
  // inside it is a broken build and must surface as such.
  if (e.url === url) return true;
  const path = fileURLToPath(url);
  return typeof e.message === 'string' && e.message.includes(`'${path}'`);
}

async function loadCommand(info: CommandInfo): Promise<CommandModule | undefined> {
  const url = pathToFileURL(join(HERE, 'commands', `${info.module}.js`)).href;
  let mod: unknown;
  try {
    mod = await import(url);
  } catch (err) {
    if (isMissingModule(err, url)) return undefined;
    throw err;
  }
  const run = (mod as { run?: unknown }).run;
  if (typeof run !== 'function') return undefined;
  return mod as CommandModule;
}

/**
 * Runs `meseta` with `argv` = the arguments after the program name
 * (`process.argv.slice(2)`). Resolves to the exit code; never rejects.
 */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const program = opts.program ?? basename(process.argv[1] ?? 'meseta');
  const env = opts.env ?? process.env;
  const err = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  const out = opts.stdout ?? ((t: string) => void process.stdout.write(t));

  let info = commandForProgram(program);
  let args = argv;
  // How the user reaches this command's help, for hints.
  let invocation = info ? program.replace(/\.(sh|js|mjs|cjs)$/, '') : '';

  if (!info) {
    const [sub, ...rest] = argv;
    if (sub === undefined) {
      err(usage());
      return 1;
    }
    if (sub === 'version' || sub === '--version') {
      out(`meseta ${MESETA_VERSION} (Mesos API ${MESOS_COMPAT_VERSION})\n`);
      return 0;
    }
    if (sub === 'help' || sub === '--help' || sub === '-h') {
      const target = rest[0] === undefined ? undefined : findCommand(rest[0]);
      if (rest[0] !== undefined && !target) {
        err(`meseta: unknown command '${rest[0]}'\n\n${usage()}`);
        return 1;
      }
      if (!target) {
        out(usage());
        return 0;
      }
      info = target;
      args = ['--help'];
    } else {
      info = findCommand(sub);
      if (!info) {
        err(`meseta: unknown command '${sub}'\n\n${usage()}`);
        return 1;
      }
      args = rest;
    }
    invocation = `meseta ${info.name}`;
  }

  try {
    const command = await (opts.loadCommand ?? loadCommand)(info);
    if (!command) {
      err(`meseta: '${info.name}' is not available\n`);
      return 1;
    }
    return await command.run(args, env);
  } catch (e) {
    if (isFlagError(e)) {
      err(`${e.message} (run '${invocation} --help' for usage)\n`);
      return 1;
    }
    err(`${invocation}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
