/**
 * What every operator command does around its own work: load its flags,
 * answer `--help`/`--version`, find the master, and turn an OperatorError
 * into its message on stderr with exit code 1 (FlagError is left to
 * `main`, which prints it the Mesos way). Output goes to stdout; a closed
 * pipe (`meseta logs x | head`) ends the command quietly.
 */
import { formatHelp } from '../flags.js';
import { OPERATOR_FLAGS, OPERATOR_USAGE, parseOperatorFlags, type OperatorCommand, type OperatorFlags } from '../flag-sets/operator.js';
import { MESOS_COMPAT_VERSION } from '../../version.js';
import { resolveMasterEndpoint } from './cluster-client.js';
import type { Endpoint } from './http-json.js';
import { isOperatorError } from './operator-error.js';

/** What a command body gets. */
export interface OperatorContext {
  flags: OperatorFlags;
  master: Endpoint;
  /** Writes to stdout. */
  out: (text: string) => void;
  /** Writes to stderr. */
  err: (text: string) => void;
}

/**
 * Runs `body` for `command` with flags from `argv`/`env`. Resolves to the
 * exit code: `body`'s, 0 for `--help`/`--version`, 1 for an OperatorError.
 * Throws FlagError (bad flags) and anything `body` throws that is not an
 * OperatorError (a bug).
 */
export async function runOperator(
  command: OperatorCommand,
  argv: string[],
  env: NodeJS.ProcessEnv,
  body: (ctx: OperatorContext) => Promise<number>,
): Promise<number> {
  const flags = parseOperatorFlags(command, argv, env);
  const out = (text: string): void => void process.stdout.write(text);
  const err = (text: string): void => void process.stderr.write(text);
  if (flags.help) {
    out(formatHelp(OPERATOR_USAGE[command], OPERATOR_FLAGS[command]));
    return 0;
  }
  if (flags.version) {
    out(`mesos ${MESOS_COMPAT_VERSION}\n`);
    return 0;
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): nothing left to say to anyone.
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  try {
    return await body({ flags, master: await resolveMasterEndpoint(flags.master), out, err });
  } catch (error) {
    if (!isOperatorError(error)) throw error;
    err(`${error.message}\n`);
    return 1;
  }
}

/** Pretty JSON for `--json` output (two-space indent, trailing newline). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
